# Chronos OS entry and trap vector.
#
# Firmware enters _start in S-mode with a0 = hart id and a1 = the device tree's physical
# address. Only hart 0 boots; any other hart parks in wfi.

    .section .text.entry
    .globl _start
_start:
    bnez    a0, park
    la      sp, boot_stack_top
    # A zero frame pointer and return address end the backtrace at rust_main.
    li      fp, 0
    li      ra, 0
    call    rust_main
park:
    wfi
    j       park

# The kernel's trap vector (stvec, direct mode). Kernel traps only: the interrupted context is
# saved on the current stack as a TrapFrame (x1..x31, sstatus, sepc), handled in Rust, then
# restored. x0's slot holds the frame's own stack pointer so the frame is self-describing.
    .section .text
    .globl __trap_entry
    .balign 4
__trap_entry:
    addi    sp, sp, -34*8
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    .irp n, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, \n*8(sp)
    .endr
    addi    t0, sp, 34*8
    sd      t0, 2*8(sp)
    csrr    t0, sstatus
    csrr    t1, sepc
    sd      t0, 32*8(sp)
    sd      t1, 33*8(sp)
    mv      a0, sp
    call    trap_handler
    ld      t0, 32*8(sp)
    ld      t1, 33*8(sp)
    csrw    sstatus, t0
    csrw    sepc, t1
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    .irp n, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, \n*8(sp)
    .endr
    addi    sp, sp, 34*8
    sret

    .section .bss.stack
    .balign 4096
    .globl boot_stack_lower_bound
boot_stack_lower_bound:
    .space 64 * 1024
    .globl boot_stack_top
boot_stack_top:
