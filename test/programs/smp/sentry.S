# The SMP S-mode test kernel's entries, at 0x80200000 as firmware expects: `_start` for the boot
# hart (a0 = its hart id, a1 = the device tree), `secondary` for harts started with the SBI's
# hart_start (a0 = hart id, a1 = opaque). Each hart gets its own 16 KiB stack.
    .section .text.entry
    .globl _start
_start:
    la      sp, stacks
    addi    t0, a0, 1
    slli    t0, t0, 14
    add     sp, sp, t0
    call    kmain
1:  wfi
    j       1b

    .globl secondary
secondary:
    la      sp, stacks
    addi    t0, a0, 1
    slli    t0, t0, 14
    add     sp, sp, t0
    call    kstart
2:  wfi
    j       2b

    .section .bss
    .balign 16
stacks: .zero 8 * 16384
