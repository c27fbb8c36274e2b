//! Time: the `time` CSR counts ticks of the timebase (its frequency is in the device tree,
//! /cpus/timebase-frequency: 10 MHz on QEMU virt and Chronos), and the SBI timer raises a
//! supervisor timer interrupt at a deadline. The scheduler sets one deadline at a time: the end
//! of a time slice, the earliest sleeper's wake-up, or the next look at the console.

use core::sync::atomic::{AtomicU64, Ordering};

/// What a running process gets before the timer takes the hart back.
pub const SLICE_MS: u64 = 10;
/// How often the console is polled while a process waits for input (there is no UART
/// interrupt driver: the SBI console is polled).
pub const INPUT_POLL_MS: u64 = 10;

pub static TIMEBASE_HZ: AtomicU64 = AtomicU64::new(10_000_000);
/// Timer interrupts taken since boot.
pub static TIMER_INTERRUPTS: AtomicU64 = AtomicU64::new(0);

/// STIE in sie and STIP in sip: bit 5 of both.
const SIE_STIE: usize = 1 << 5;

/// Use the device tree's timebase, and enable the supervisor timer interrupt in sie. It is
/// taken in user mode (where S-mode interrupts are always on) and never in the kernel, which
/// keeps sstatus.SIE off; the idle loop's wfi wakes for it without taking it.
pub fn init(timebase_hz: u64) {
    if timebase_hz != 0 {
        TIMEBASE_HZ.store(timebase_hz, Ordering::Relaxed);
    }
    crate::sbi::set_timer(u64::MAX);
    unsafe { core::arch::asm!("csrs sie, {0}", in(reg) SIE_STIE) };
}

/// Ticks since power-on.
pub fn now() -> u64 {
    let t: u64;
    unsafe { core::arch::asm!("csrr {0}, time", out(reg) t) };
    t
}

pub fn ms_to_ticks(ms: u64) -> u64 {
    ms.saturating_mul(TIMEBASE_HZ.load(Ordering::Relaxed) / 1000)
}

pub fn ticks_to_ms(ticks: u64) -> u64 {
    ticks / (TIMEBASE_HZ.load(Ordering::Relaxed) / 1000)
}

/// The next timer interrupt, at tick `deadline` (u64::MAX: none).
pub fn set_deadline(deadline: u64) {
    crate::sbi::set_timer(deadline);
}

/// Is the timer interrupt pending (sip.STIP)?
pub fn pending() -> bool {
    let sip: usize;
    unsafe { core::arch::asm!("csrr {0}, sip", out(reg) sip) };
    sip & SIE_STIE != 0
}

/// A timer interrupt arrived: count it and clear it (the scheduler sets the next one).
pub fn acknowledge() {
    TIMER_INTERRUPTS.fetch_add(1, Ordering::Relaxed);
    crate::sbi::set_timer(u64::MAX);
}
