// The entry the bare Rust test programs share: a stack, rmain, then the test finisher's
// "pass" (0x5555 at 0x100000) so that the machine powers off when rmain returns.
core::arch::global_asm!(
    ".section .text.init",
    ".globl _start",
    "_start:",
    "  la sp, __stacks",
    "  li t0, 0x4000",
    "  add sp, sp, t0",
    "  call rmain",
    "  li t0, 0x100000",
    "  li t1, 0x5555",
    "  sw t1, 0(t0)",
    "1: j 1b",
);
