//! A kernel thread's saved registers, and the switch between two (switch.S). Every process
//! has one kernel thread, on its own kernel stack; the scheduler loop is one more, on the boot
//! stack, and every switch goes through it (xv6's design): a process gives the hart to the
//! scheduler, which gives it to the next process.

use crate::trap::TrapFrame;

core::arch::global_asm!(include_str!("switch.S"));

/// The registers a switch saves: ra, sp, s0..s11 (s0 is the frame pointer, so a debugger can
/// unwind a process that is not running from here). The layout is part of the debugger
/// contract.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TaskContext {
    pub ra: usize,
    pub sp: usize,
    pub s: [usize; 12],
}

extern "C" {
    pub fn __switch(current: *mut TaskContext, next: *const TaskContext);
    fn __return_to_user();
}

impl TaskContext {
    pub const fn zero() -> Self { TaskContext { ra: 0, sp: 0, s: [0; 12] } }

    /// A new process's first switch lands in __return_to_user with sp at its TrapFrame, and
    /// goes straight to user mode.
    pub fn returning_to_user(trap_frame: *mut TrapFrame) -> Self {
        TaskContext { ra: __return_to_user as usize, sp: trap_frame as usize, s: [0; 12] }
    }
}
