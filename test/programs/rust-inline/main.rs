//! A bare Rust program built with optimisation (-C opt-level=2), whose `#[inline(always)]`
//! functions are inlined into one another and into their callers, as a kernel's small helpers
//! are: the debugger shows each inlined call as a frame named by its module path
//! (test/dap/inlined.test.ts). Runs in M-mode under `-bios none`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicUsize, Ordering};

static SEEN: AtomicUsize = AtomicUsize::new(0);

pub mod mm {
    use super::SEEN;
    use core::sync::atomic::Ordering;

    #[inline(always)]
    pub fn frame_index(address: usize) -> usize {
        let index = address >> 12;
        SEEN.fetch_add(index, Ordering::Relaxed); // frame_index counts
        index
    }

    #[inline(always)]
    pub fn frames_between(start: usize, end: usize) -> usize {
        let first = frame_index(start); // frames_between calls frame_index
        let last = frame_index(end);
        last - first
    }
}

#[inline(never)]
fn span(start: usize, end: usize) -> usize {
    let n = mm::frames_between(start, end); // span calls frames_between
    SEEN.fetch_add(n, Ordering::Relaxed);
    n
}

#[no_mangle]
extern "C" fn rmain() -> usize {
    span(0x8000_0000, 0x8000_5000) // rmain calls span
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }

include!("../rust-start.rs");
