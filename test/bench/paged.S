# Start-up for the paged benchmark: as crt0.S, but main runs in S-mode under SV39, with the
# program's 2 MiB mapped by 4 KiB pages (so every fetch, load and store goes through the TLB
# as a kernel's would) and the devices by one 1 GiB page. PMP opens all of memory to S-mode,
# which QEMU requires.
    .equ PTE_V, 0x01
    .equ PTE_RWXAD, 0xce        # R W X A D: no A/D updates on the measured path
    .section .text.init
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  # level 0: 512 pages from 0x80000000
    la      t0, pt_l0
    li      t1, 0x80000000
    li      t2, 512
3:  srli    t3, t1, 2           # (pa >> 12) << 10
    ori     t3, t3, PTE_V | PTE_RWXAD
    sd      t3, 0(t0)
    addi    t0, t0, 8
    li      t4, 4096
    add     t1, t1, t4
    addi    t2, t2, -1
    bnez    t2, 3b
    # level 1 entry 0 of the 0x80000000 gigabyte points at level 0
    la      t0, pt_l1
    la      t1, pt_l0
    srli    t1, t1, 2
    ori     t1, t1, PTE_V
    sd      t1, 0(t0)
    # root: entry 0 a 1 GiB device page (UART, finisher), entry 2 the level-1 table
    la      t0, pt_root
    li      t1, (0 >> 2) | PTE_V | 0xc6     # R W A D
    sd      t1, 0(t0)
    la      t1, pt_l1
    srli    t1, t1, 2
    ori     t1, t1, PTE_V
    sd      t1, 16(t0)
    # PMP: one NAPOT region over everything, RWX
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f
    csrw    pmpcfg0, t0
    # satp: Sv39, root
    la      t0, pt_root
    srli    t0, t0, 12
    li      t1, 8 << 60
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    # mret into S-mode at s_main
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    la      t0, s_main
    csrw    mepc, t0
    mret

s_main:
    call    main
    li      t0, 0x10000000      # the UART sends its last byte before the finisher (as crt0.S)
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

    .section .bss
    .balign 4096
pt_root: .space 4096
pt_l1:   .space 4096
pt_l0:   .space 4096
