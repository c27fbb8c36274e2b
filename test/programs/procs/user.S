# Built with -DUSER: the way into and out of user mode, and the two user programs' images.
#
# enter_user(entry, user sp, satp, context): save the kernel's ra, sp and s0-s11 in context
# (a struct context), point mtvec at uservec and mscratch at this kernel stack, and mret into
# U-mode at entry under satp. leave_user(context) returns from that enter_user call.
    .section .text
    .globl enter_user
    .balign 4
enter_user:
    sd      ra, 0(a3)
    sd      sp, 8(a3)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd      s\n, (16 + \n * 8)(a3)
    .endr
    la      t0, uservec
    csrw    mtvec, t0
    csrw    mscratch, sp
    csrw    mepc, a0
    li      t0, 3 << 11                 # mstatus.MPP = U
    csrc    mstatus, t0
    csrw    satp, a2
    sfence.vma
    mv      sp, a1
    mret

    .globl leave_user
leave_user:
    ld      ra, 0(a0)
    ld      sp, 8(a0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    ld      s\n, (16 + \n * 8)(a0)
    .endr
    ret

# A trap from U-mode: the trapframe (x1-x31, mepc, the user's satp) on the kernel stack
# mscratch names; the kernel runs with satp = 0, so that its addresses are physical for the
# debugger as for the hart.
    .globl uservec
    .balign 4
uservec:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -272
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (\n - 1) * 8(sp)
    .endr
    csrr    t0, mscratch
    sd      t0, 8(sp)
    csrr    t0, mepc
    sd      t0, 248(sp)
    csrrw   t0, satp, zero
    sd      t0, 256(sp)
    sfence.vma
    mv      a0, sp
    call    usertrap
    ld      t0, 256(sp)
    csrw    satp, t0
    sfence.vma
    ld      t0, 248(sp)
    csrw    mepc, t0
    addi    t0, sp, 272
    csrw    mscratch, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (\n - 1) * 8(sp)
    .endr
    ld      sp, 8(sp)
    mret

    .section .rodata
    .balign 8
    .globl ls_image, ls_image_end, sh_image, sh_image_end
ls_image:
    .incbin USER_LS
ls_image_end:
    .balign 8
sh_image:
    .incbin USER_SH
sh_image_end:
