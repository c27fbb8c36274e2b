# Start-up for the bare SMP test programs under `-bios none`: every hart enters at 0x80000000
# in M-mode (a0 = its hart id); each gets its own 16 KiB stack, hart 0 clears .bss while the
# others wait for it, then every hart calls main(hartid). main's result on hart 0 goes to the
# finisher; the other harts park in wfi.
    .section .text.init
    .globl _start
_start:
    csrr    a0, mhartid
    li      t0, 8
    bgeu    a0, t0, park            # more harts than the program has stacks for
    la      sp, __stacks
    addi    t0, a0, 1
    slli    t0, t0, 14
    add     sp, sp, t0
    bnez    a0, wait_bss
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  fence
    la      t0, bss_ready
    li      t1, 1
    sw      t1, 0(t0)
    j       run
wait_bss:
    la      t0, bss_ready
3:  lw      t1, 0(t0)
    beqz    t1, 3b
run:
    csrr    a0, mhartid
    call    main
    csrr    t0, mhartid
    bnez    t0, park
    li      t0, 0x10000000
5:  lbu     t1, 5(t0)
    andi    t1, t1, 0x40
    beqz    t1, 5b
    li      t0, 0x100000
    li      t1, 0x5555
    beqz    a0, 4f
    slli    a0, a0, 16
    li      t1, 0x3333
    or      t1, t1, a0
4:  sw      t1, 0(t0)
park:
    wfi
    j       park

    .section .data
    .balign 8
bss_ready: .word 0
