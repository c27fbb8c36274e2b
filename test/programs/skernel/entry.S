# A small supervisor-mode test kernel for the boot tests: entered at 0x80200000 in S-mode with
# a0 = hart id and a1 = the device tree, as OpenSBI and QEMU hand over.
    .section .text.entry
    .globl _start
_start:
    la      sp, stack_top
    la      t0, trap_entry
    csrw    stvec, t0
    call    kmain
1:  wfi
    j       1b

    .balign 4
trap_entry:
    addi    sp, sp, -256
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\r, (\r*8)(sp)
    .endr
    call    ktrap
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\r, (\r*8)(sp)
    .endr
    addi    sp, sp, 256
    sret

    .section .bss
    .balign 16
stack: .zero 16384
stack_top:
