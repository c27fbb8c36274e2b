//! Processes: the PCB (process.rs), the table of them (table.rs), the scheduler and the
//! context switch (scheduler.rs, context.rs, switch.S), and how processes begin and end
//! (lifecycle.rs). This file holds what system calls and traps ask of the running process.
//!
//! Every process is one kernel thread on its own kernel stack plus a user address space; the
//! kernel thread runs the process's traps and system calls, and blocks by switching to the
//! scheduler with its state set (xv6's sleep, without channels: a WaitReason says what would
//! wake it, and whoever makes that happen wakes every process waiting for it).

mod context;
mod lifecycle;
mod process;
mod scheduler;
mod table;

pub use context::TaskContext;
pub use lifecycle::{exec, exit, fork, kill, spawn_init, waitpid};
pub use process::{ExitCode, ProcInfo, ProcState, Process, WaitReason, KSTACK_FRAMES, NAME_LEN};
pub use scheduler::{current_slot, preempt, run, yield_now, CHRONOS_CURRENT_PID, MAX_HARTS, SWITCHES};
pub use table::{ProcessTable, CHRONOS_PROCS, INIT_PID, NPROC, PROCS};

use crate::errno::Errno;
use crate::mm::memory_set::MemorySet;
use alloc::string::String;

/// `f` on the running process, under the table lock.
pub fn with_current<R>(f: impl FnOnce(&mut Process) -> R) -> R {
    let slot = current_slot().expect("with_current: no process is running");
    let mut t = PROCS.lock();
    f(&mut t.slots[slot])
}

/// `f` on the running process's address space; the published figures follow what it did.
pub fn with_current_space<R>(f: impl FnOnce(&mut MemorySet) -> R) -> R {
    with_current(|p| {
        let r = f(p.memory.as_mut().expect("with_current_space: the process has no address space"));
        p.refresh_memory_info();
        r
    })
}

pub fn current_pid() -> Option<u32> {
    current_slot().map(|_| with_current(|p| p.pid()))
}

pub fn current_name() -> (u32, String) {
    with_current(|p| (p.pid(), String::from(p.name())))
}

/// Block until `reason` happens; false when the process was killed meanwhile (the call that
/// slept answers EINTR, and the process ends on its way out).
pub fn sleep_on(reason: WaitReason, wake_at: u64) -> bool {
    let go = with_current(|p| {
        if p.killed() {
            return false;
        }
        p.info.wake_at = wake_at;
        p.sleep_on(reason);
        true
    });
    if go {
        scheduler::switch_to_scheduler();
    }
    !with_current(|p| p.killed())
}

/// Sleep until the time `until` (timebase ticks).
pub fn sleep_until(until: u64) -> Result<(), Errno> {
    if sleep_on(WaitReason::Timer, until) { Ok(()) } else { Err(Errno::EINTR) }
}

/// On the way back to user mode: a process that was killed ends here.
pub fn exit_if_killed() {
    if with_current(|p| p.killed()) {
        exit(ExitCode::KILLED);
    }
}

/// The running process's pid, read without the table lock (for the panic handler).
pub fn current_pid_unlocked() -> Option<u32> {
    current_slot().map(|s| unsafe { PROCS.peek_unlocked() }.slots[s].pid())
}

/// The running process's kernel stack, [base, top), read without the table lock (for the
/// panic handler's backtrace).
pub fn current_kernel_stack_unlocked() -> Option<(usize, usize)> {
    current_slot().map(|s| {
        let info = &unsafe { PROCS.peek_unlocked() }.slots[s].info;
        (info.kstack_base as usize, info.kstack_top as usize)
    })
}
