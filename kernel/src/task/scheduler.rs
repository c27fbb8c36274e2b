//! The scheduler: a loop on the boot stack that gives the hart to each ready process in turn
//! (round robin over the table), for a time slice the timer ends, and waits in wfi when no one
//! is ready. A process gives the hart back by switching to this loop: when its slice is over
//! (preempted from the timer interrupt), when it yields, sleeps or waits, and when it exits.
//!
//! Before it runs a process, the loop wakes sleepers whose time is up and, when someone waits
//! for the console, polls it; then it sets the one timer deadline: the end of the slice, or an
//! earlier sleeper's wake-up, or the next console poll.

use super::context::{TaskContext, __switch};
use super::process::{ProcState, WaitReason};
use super::table::PROCS;
use crate::debug_descriptor::{self, Event};
use crate::mm::memory_set::MemorySet;
use crate::sync::SpinLock;
use crate::timer;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// Harts the kernel keeps per-hart state for. Only hart 0 boots (entry.S parks the others).
pub const MAX_HARTS: usize = 1;
const NO_SLOT: usize = usize::MAX;

/// The pid running on each hart (0 while its scheduler loop or the boot code runs). Part of the
/// debugger contract.
#[no_mangle]
pub static CHRONOS_CURRENT_PID: [AtomicU32; MAX_HARTS] = [AtomicU32::new(0)];
/// Context switches into processes since boot.
pub static SWITCHES: AtomicU64 = AtomicU64::new(0);

static CURRENT_SLOT: AtomicUsize = AtomicUsize::new(NO_SLOT);
/// The satp the hart has loaded: switching between two processes writes satp once, and a
/// process that runs again after the loop needs no write at all.
static LOADED_SATP: AtomicUsize = AtomicUsize::new(0);

/// The address space of a process that has just exited. The hart is still on its page table,
/// so it is freed after the next switch of tables (which would happen anyway) instead of
/// costing a switch of its own.
static RETIRED: SpinLock<Option<MemorySet>> = SpinLock::new(None);

/// Hand over an exiting process's address space, to be freed once the hart is off it.
pub fn retire(memory: MemorySet) {
    let earlier = RETIRED.lock().replace(memory);
    // Only one process exits between two passes of the loop, which frees what it finds.
    drop(earlier);
}

fn free_retired() {
    let m = RETIRED.lock().take();
    drop(m);
}

/// The scheduler loop's own context, saved while a process runs.
struct SchedulerContext(UnsafeCell<TaskContext>);
// Only the boot hart's scheduler and the process it runs use it, one at a time.
unsafe impl Sync for SchedulerContext {}
static SCHEDULER: SchedulerContext = SchedulerContext(UnsafeCell::new(TaskContext::zero()));

pub fn current_slot() -> Option<usize> {
    match CURRENT_SLOT.load(Ordering::Relaxed) {
        NO_SLOT => None,
        s => Some(s),
    }
}

/// Load a page table unless it is the one loaded already. Each space has its own ASID, so the
/// TLB needs no flush (mm/asid.rs), unless the hart has no ASIDs.
pub fn activate(satp: usize) {
    if LOADED_SATP.swap(satp, Ordering::Relaxed) != satp {
        unsafe { core::arch::asm!("csrw satp, {0}", in(reg) satp) };
        if crate::mm::asid::switch_needs_flush() {
            crate::mm::page_table::flush_tlb(None);
        }
    }
}

/// Run processes for ever. (init's exit ends the machine: lifecycle::exit.)
pub fn run() -> ! {
    LOADED_SATP.store(read_satp(), Ordering::Relaxed);
    loop {
        let next = {
            let mut t = PROCS.lock();
            t.wake_sleepers(timer::now());
            if t.any_waiting(WaitReason::Console) && crate::console::poll_input() {
                t.wake_all(WaitReason::Console);
            }
            t.pick_next()
        };
        match next {
            Some(slot) => run_process(slot),
            None => idle(),
        }
    }
}

fn read_satp() -> usize {
    let s: usize;
    unsafe { core::arch::asm!("csrr {0}, satp", out(reg) s) };
    s
}

/// The timer deadline for the next stretch: `slice_end`, or earlier if a sleeper wakes first
/// or the console is due a look.
fn deadline(slice_end: u64) -> u64 {
    let t = PROCS.lock();
    let mut d = slice_end;
    if let Some(w) = t.earliest_wake() {
        d = d.min(w);
    }
    if t.any_waiting(WaitReason::Console) {
        d = d.min(timer::now() + timer::ms_to_ticks(timer::INPUT_POLL_MS));
    }
    d
}

fn run_process(slot: usize) {
    let (satp, ctx) = {
        let mut t = PROCS.lock();
        let p = &mut t.slots[slot];
        p.set_state(ProcState::Running);
        CHRONOS_CURRENT_PID[0].store(p.pid(), Ordering::Relaxed);
        let memory = p.memory.as_mut().expect("run_process: a ready process without an address space");
        memory.renew_asid();
        let satp = memory.satp();
        (satp, &p.info.context as *const TaskContext)
    };
    CURRENT_SLOT.store(slot, Ordering::Relaxed);
    activate(satp);
    free_retired();
    timer::set_deadline(deadline(timer::now() + timer::ms_to_ticks(timer::SLICE_MS)));
    SWITCHES.fetch_add(1, Ordering::Relaxed);
    // The table lock is not held across the switch: the process takes it itself.
    unsafe { __switch(SCHEDULER.0.get(), ctx) };
    CURRENT_SLOT.store(NO_SLOT, Ordering::Relaxed);
    CHRONOS_CURRENT_PID[0].store(0, Ordering::Relaxed);
    let t = PROCS.lock();
    let p = &t.slots[slot];
    if !p.kernel_stack_intact() {
        panic!("run_process: the kernel stack of pid {} ({}) at {:#x} overflowed", p.pid(), p.name(), p.info.kstack_base);
    }
}

/// Nothing is ready: wait in wfi for the next timer deadline, then look again. wfi wakes when
/// an interrupt enabled in sie is pending even while sstatus.SIE is off, so the kernel never
/// takes the interrupt, only clears it: no window where it fires before the wfi and is lost.
fn idle() {
    if RETIRED.lock().is_some() {
        activate(crate::mm::kernel_satp());
        free_retired();
    }
    timer::set_deadline(deadline(u64::MAX));
    unsafe { core::arch::asm!("wfi") };
    if timer::pending() {
        timer::acknowledge();
    }
}

/// Give the hart back to the scheduler loop. The caller has set its own state (Ready to be run
/// again, Sleeping, Zombie) and holds no lock.
pub fn switch_to_scheduler() {
    let slot = current_slot().expect("switch_to_scheduler: no process is running");
    let ctx = {
        let mut t = PROCS.lock();
        &mut t.slots[slot].info.context as *mut TaskContext
    };
    unsafe { __switch(ctx, SCHEDULER.0.get()) };
}

/// The process ran its slice out: back to the end of the queue.
pub fn preempt() {
    yield_now();
}

pub fn yield_now() {
    {
        let mut t = PROCS.lock();
        let slot = current_slot().expect("yield_now: no process");
        t.slots[slot].set_state(ProcState::Ready);
    }
    switch_to_scheduler();
}

/// A change to the process table a debugger shows (the generation moves).
pub fn table_changed(kind: Event) {
    debug_descriptor::event(kind);
}
