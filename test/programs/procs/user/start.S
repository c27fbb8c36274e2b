# A user program's entry and its system calls, as xv6's usys.S makes them: a7 = the call's
# number, then ecall (which traps into the kernel's uservec, user.S).
    .section .text.start
    .globl _start
_start:
    call    main
    li      a7, 2           # SYS_exit
    ecall
1:  j       1b

    .section .text
    .globl write
write:
    li      a7, 16          # SYS_write
    ecall                   # write's ecall
    ret
