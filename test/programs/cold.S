# Cold code, for `npm run bench` (with cold.c): COLD_FUNCTIONS small functions, each of them
# distinct (its constants come from its number), 64 bytes apart from cold_functions on. Each is
# a few blocks (a branch, a short loop), and the bench calls each once: a machine pays here for
# translating code, not for running it, as in a kernel's boot.
    .equ COLD_FUNCTIONS, 16384
    .globl cold_functions, cold_count
    .section .rodata
cold_count: .dword COLD_FUNCTIONS
    .text
    .option push
    .option norvc               # fixed-size instructions: every function is 64 bytes
    .balign 64
cold_functions:
    .set n, 0
    .rept COLD_FUNCTIONS
    .balign 64
    xori    a0, a0, (n * 37) & 2047
    slli    t0, a0, (n % 13) + 1
    add     a0, a0, t0
    andi    t1, a0, 1 << (n % 11)
    beqz    t1, 1f
    srli    t0, a0, (n % 7) + 3
    xor     a0, a0, t0
1:  li      t2, (n % 3) + 1
2:  addi    a0, a0, (n * 11) & 1023
    mul     a0, a0, a1
    addi    t2, t2, -1
    bnez    t2, 2b
    srli    t0, a0, 29
    xor     a0, a0, t0
    ret
    .set n, n + 1
    .endr
    .option pop
