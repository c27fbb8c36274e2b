# Chronos OS entry.
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

# The boot stack: rust_main, the self-tests and then the scheduler loop run on it. Each
# process has a kernel stack of its own (task/process.rs).
    .section .bss.stack
    .balign 4096
    .globl boot_stack_lower_bound
boot_stack_lower_bound:
    .space 64 * 1024
    .globl boot_stack_top
boot_stack_top:
