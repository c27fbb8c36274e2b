//! The heap of a user program: mmcore's free list (the same one the kernel heap uses) over
//! memory from sbrk. It starts empty; an allocation that does not fit grows the heap by at
//! least HEAP_STEP and tries again. A program runs on one thread, so no lock is needed.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use mmcore::freelist::FreeList;

/// The least the heap grows by: four pages.
const HEAP_STEP: usize = 16 * 1024;

pub struct UserHeap(UnsafeCell<FreeList>);

// One thread per process.
unsafe impl Sync for UserHeap {}

#[global_allocator]
static HEAP: UserHeap = UserHeap(UnsafeCell::new(FreeList::empty()));

impl UserHeap {
    /// Grow the heap by enough for `layout`; false when the kernel refuses.
    unsafe fn grow(&self, layout: Layout) -> bool {
        let want = (layout.size() + layout.align() + 4095) & !4095;
        let step = want.max(HEAP_STEP);
        let old = match crate::syscall::sbrk(step as isize) {
            Ok(old) => old,
            Err(_) => return false,
        };
        let fl = &mut *self.0.get();
        let (start, end) = fl.bounds();
        if start == end {
            fl.init(old, step);
            true
        } else {
            fl.extend(old, old + step).is_ok()
        }
    }
}

unsafe impl GlobalAlloc for UserHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() == 0 {
            return layout.align() as *mut u8;
        }
        loop {
            if let Some(p) = (*self.0.get()).alloc(layout.size(), layout.align()) {
                return p as *mut u8;
            }
            if !self.grow(layout) {
                return core::ptr::null_mut();
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() != 0 {
            let _ = (*self.0.get()).free(ptr as usize, layout.size());
        }
    }
}

/// What the heap holds now: its size, bytes in use, free bytes in how many blocks.
pub fn stats() -> mmcore::freelist::HeapStats {
    unsafe { (*HEAP.0.get()).stats() }
}

#[cfg_attr(chronos_old_rustc, alloc_error_handler)]
#[cfg(chronos_old_rustc)]
fn alloc_error(layout: Layout) -> ! {
    crate::println!("out of memory allocating {} bytes", layout.size());
    crate::syscall::exit(crate::syscall::EXIT_OUT_OF_MEMORY)
}
