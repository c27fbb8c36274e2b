//! The process table: NPROC slots of Process, a pid counter, and the searches the scheduler and
//! the lifecycle calls make over it. One lock guards it all. The kernel runs on one hart with
//! interrupts off, so the lock is never contended; it keeps the table's users honest about who
//! touches it when, and holding it never spans a context switch.
//!
//! The table is a static array rather than a list on the heap so that a debugger finds every
//! process at a fixed address with a fixed stride (docs/debug-descriptor.md).

use super::process::{ProcState, Process, WaitReason};
use crate::sync::SpinLock;

pub const NPROC: usize = 64;
/// init's pid: orphans are given to it.
pub const INIT_PID: u32 = 1;

/// repr(C) with the slots first: the table's (and its lock's) address is slot 0's.
#[repr(C)]
pub struct ProcessTable {
    pub slots: [Process; NPROC],
    next_pid: u32,
    /// The slot the round-robin search last picked.
    last: usize,
}

#[no_mangle]
pub static CHRONOS_PROCS: SpinLock<ProcessTable> = SpinLock::new(ProcessTable {
    slots: [Process::EMPTY; NPROC],
    next_pid: 1,
    last: NPROC - 1,
});
pub use CHRONOS_PROCS as PROCS;

impl ProcessTable {
    /// A free slot with a fresh pid in it (state still Unused, so nothing schedules it).
    pub fn alloc_slot(&mut self) -> Option<usize> {
        let slot = self.slots.iter().position(|p| p.pid() == 0)?;
        // Pids count up and are not reused until they wrap.
        let mut pid = self.next_pid;
        while pid == 0 || self.find(pid).is_some() {
            pid = pid.wrapping_add(1);
        }
        self.next_pid = pid.wrapping_add(1);
        self.slots[slot] = Process::EMPTY;
        self.slots[slot].info.pid = pid;
        Some(slot)
    }

    /// Empty a slot (a reaped zombie, or a process that never got going): its kernel stack is
    /// freed, and anything else it still holds.
    pub fn free_slot(&mut self, slot: usize) {
        self.slots[slot] = Process::EMPTY;
    }

    pub fn find(&self, pid: u32) -> Option<usize> {
        if pid == 0 {
            return None;
        }
        self.slots.iter().position(|p| p.pid() == pid)
    }

    /// The next ready slot after the last one picked, round robin.
    pub fn pick_next(&mut self) -> Option<usize> {
        for k in 1..=NPROC {
            let i = (self.last + k) % NPROC;
            if self.slots[i].state() == ProcState::Ready {
                self.last = i;
                return Some(i);
            }
        }
        None
    }

    pub fn wake(&mut self, slot: usize) {
        if self.slots[slot].state() == ProcState::Sleeping {
            self.slots[slot].set_state(ProcState::Ready);
        }
    }

    /// Wake every process whose sleep has run out by `now`.
    pub fn wake_sleepers(&mut self, now: u64) {
        for p in self.slots.iter_mut() {
            if p.is_waiting(WaitReason::Timer) && p.info.wake_at <= now {
                p.set_state(ProcState::Ready);
            }
        }
    }

    pub fn earliest_wake(&self) -> Option<u64> {
        self.slots.iter().filter(|p| p.is_waiting(WaitReason::Timer)).map(|p| p.info.wake_at).min()
    }

    pub fn any_waiting(&self, reason: WaitReason) -> bool {
        self.slots.iter().any(|p| p.is_waiting(reason))
    }

    pub fn wake_all(&mut self, reason: WaitReason) {
        for p in self.slots.iter_mut() {
            if p.is_waiting(reason) {
                p.set_state(ProcState::Ready);
            }
        }
    }

    /// Wake the process `pid` if it waits for a child.
    pub fn wake_waiting_parent(&mut self, pid: u32) {
        if let Some(s) = self.find(pid) {
            if self.slots[s].is_waiting(WaitReason::Child) {
                self.slots[s].set_state(ProcState::Ready);
            }
        }
    }

    /// Give the children of `pid` to init; wake init if one of them is already a zombie.
    pub fn reparent_children(&mut self, pid: u32) {
        let mut zombie = false;
        for p in self.slots.iter_mut() {
            if p.pid() != 0 && p.info.ppid == pid {
                p.info.ppid = INIT_PID;
                zombie |= p.state() == ProcState::Zombie;
            }
        }
        if zombie {
            self.wake_waiting_parent(INIT_PID);
        }
    }

    pub fn live(&self) -> impl Iterator<Item = &Process> {
        self.slots.iter().filter(|p| p.pid() != 0)
    }
}
