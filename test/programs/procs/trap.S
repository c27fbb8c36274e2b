# The trap entry: save the integer registers and mepc in a trapframe on the stack, call
# trap(tf), restore them and return with mret.
    .section .text
    .globl trapvec
    .balign 4
trapvec:
    addi    sp, sp, -256
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (\n - 1) * 8(sp)
    .endr
    csrr    t0, mepc
    sd      t0, 248(sp)
    mv      a0, sp
    call    trap
    ld      t0, 248(sp)
    csrw    mepc, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (\n - 1) * 8(sp)
    .endr
    addi    sp, sp, 256
    mret

# ecall with a7 = the call number, a0 and a1 its arguments; the result in a0.
    .globl ecall3
ecall3:
    mv      a7, a2
    ecall
    ret
