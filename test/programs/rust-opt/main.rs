//! A bare Rust program built with optimisation (-C opt-level=2, full debug info), for the
//! debugger's variables as rustc emits them at -O: arguments in registers and location lists,
//! statics by their module paths. Runs in M-mode under `-bios none`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicUsize, Ordering};

pub mod mm {
    /// A run of free frames, as a buddy or a free list might keep one.
    #[derive(Clone, Copy)]
    pub struct Run { pub start: usize, pub pages: usize }

    pub struct FreeList { pub runs: [Run; 4], pub count: usize }

    pub static mut FREE: FreeList = FreeList { runs: [Run { start: 0, pages: 0 }; 4], count: 0 };
    pub static LIMIT: usize = 4;

    #[inline(never)]
    pub fn push(start: usize, pages: usize) -> usize {
        // SAFETY: one hart, no interrupts.
        let list = unsafe { &mut *core::ptr::addr_of_mut!(FREE) };
        let slot = list.count;
        list.runs[slot] = Run { start, pages };
        list.count = slot + 1;
        super::observe(start ^ pages) // push has its run
    }
}

static OBSERVED: AtomicUsize = AtomicUsize::new(0);

#[inline(never)]
fn observe(v: usize) -> usize { OBSERVED.fetch_add(v, Ordering::Relaxed) }

#[inline(never)]
fn total(first: usize, second: mm::Run) -> usize {
    let sum = first + second.pages;
    observe(sum) + second.start // total has its sum
}

#[no_mangle]
extern "C" fn rmain() -> usize {
    for i in 0..mm::LIMIT { mm::push(0x8000_0000 + i * 0x10000, i + 1); }
    total(7, mm::Run { start: 0x1000, pages: 5 })
}

include!("../rust-start.rs");

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
