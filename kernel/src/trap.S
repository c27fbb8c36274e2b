# Chronos OS trap vector, and the way back to user mode.
#
# stvec points at __trap_entry for traps from both modes; sscratch tells them apart. It is 0
# while the kernel runs, and the address of the running process's TrapFrame (at the top of
# its kernel stack, trap.rs) while that process runs in user mode. The kernel is mapped in
# every address space, so no page-table switch is needed on the way in or out.
#
# A TrapFrame is 34 doublewords: x1..x31 at their register numbers (x0's slot is unused; x2's
# holds the interrupted sp), then sstatus and sepc.

    .section .text
    .globl __trap_entry
    .balign 4
__trap_entry:
    csrrw   sp, sscratch, sp
    bnez    sp, __user_trap
    # From S-mode: sscratch held 0. Take the kernel's sp back (which leaves sscratch 0) and
    # save the interrupted context on the current stack.
    csrrw   sp, sscratch, sp
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
    call    kernel_trap
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

# From U-mode: sp is now the process's TrapFrame and sscratch the user's sp.
__user_trap:
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    .irp n, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, \n*8(sp)
    .endr
    csrr    t0, sscratch
    sd      t0, 2*8(sp)
    # The kernel runs from here on: a trap now is a kernel trap.
    csrw    sscratch, zero
    csrr    t0, sstatus
    csrr    t1, sepc
    sd      t0, 32*8(sp)
    sd      t1, 33*8(sp)
    mv      a0, sp
    # The kernel stack below the TrapFrame starts empty: a zero frame pointer ends kernel
    # backtraces at user_trap.
    li      fp, 0
    call    user_trap
    # user_trap returns with sp at the TrapFrame again (it is callee-saved), perhaps much
    # later: after other processes ran, or after exec rewrote the frame.

# Return to user mode through the TrapFrame at sp. A new process's first switch lands here
# too (its TaskContext's ra), with sp at its TrapFrame.
    .globl __return_to_user
__return_to_user:
    csrw    sscratch, sp
    ld      t0, 32*8(sp)
    ld      t1, 33*8(sp)
    csrw    sstatus, t0
    csrw    sepc, t1
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    .irp n, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, \n*8(sp)
    .endr
    ld      sp, 2*8(sp)
    sret
