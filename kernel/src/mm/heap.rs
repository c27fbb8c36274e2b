//! The kernel heap: a linked-list, first-fit allocator over 8 MiB after the kernel image,
//! implementing GlobalAlloc so that Vec, String and Box work. The free list is kept in address
//! order and neighbours merge on free (mmcore::freelist). A spin lock that masks interrupts
//! makes it safe to use from interrupt handlers too.

use crate::debug_descriptor::{self, Event};
use crate::sync::SpinLock;
use core::alloc::{GlobalAlloc, Layout};
use mmcore::freelist::{FreeList, FreeListError, HeapStats};

/// repr(transparent) over a repr(C) lock whose first field is the list, whose first field is
/// the dummy head: the static's address is the head node's, which the debugger relies on.
#[repr(transparent)]
pub struct KernelHeap(SpinLock<FreeList>);

#[global_allocator]
#[no_mangle]
pub static KERNEL_HEAP: KernelHeap = KernelHeap(SpinLock::new(FreeList::empty()));

/// Hand the heap region to the allocator (once, at boot).
pub fn init(start: usize, size: usize) {
    unsafe { KERNEL_HEAP.0.lock().init(start, size) };
}

pub fn stats() -> HeapStats {
    KERNEL_HEAP.0.lock().stats()
}


/// Free a block, reporting a double free or a wild pointer instead of corrupting the list.
pub fn try_free(addr: usize, layout: Layout) -> Result<(), FreeListError> {
    if layout.size() == 0 {
        return Ok(());
    }
    let r = KERNEL_HEAP.0.lock().free(addr, layout.size());
    if r.is_ok() {
        debug_descriptor::event(Event::HeapFree);
    }
    r
}

unsafe impl GlobalAlloc for KernelHeap {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zero-size requests get a unique, aligned, never-dereferenced address.
        if layout.size() == 0 {
            return layout.align() as *mut u8;
        }
        let p = self.0.lock().alloc(layout.size(), layout.align());
        match p {
            Some(addr) => {
                debug_descriptor::event(Event::HeapAlloc);
                addr as *mut u8
            }
            None => core::ptr::null_mut(),
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Err(e) = try_free(ptr as usize, layout) {
            panic!("heap: bad free of {:p} ({} bytes): {:?}", ptr, layout.size(), e);
        }
    }
}

#[cfg_attr(chronos_old_rustc, alloc_error_handler)]
#[cfg(chronos_old_rustc)]
fn alloc_error(layout: Layout) -> ! {
    panic!("heap: out of memory allocating {} bytes (align {})", layout.size(), layout.align());
}
