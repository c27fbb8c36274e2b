# __switch(current: *mut TaskContext, next: *const TaskContext)
#
# Save the running kernel thread's callee-saved registers (ra, sp, s0..s11) in *current,
# load *next's, and return into next: to wherever next last called __switch, or, for a new
# process, to __return_to_user. Caller-saved registers need no saving: __switch is an ordinary
# call as far as the compiler knows. (When the kernel saves FP state, fs0..fs11 join these.)

    .section .text
    .globl __switch
__switch:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd      s\n, (2+\n)*8(a0)
    .endr
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    ld      s\n, (2+\n)*8(a1)
    .endr
    ret
