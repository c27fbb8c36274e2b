//! Memory management: the layout, the frame allocator, page tables, address spaces (memory
//! sets) and the way into user memory, and the heap.
//!
//! Init order: the heap first (so page tables can keep their frame lists in a Vec), then the
//! frames after it, then the kernel address space, switched on by writing satp.

pub mod asid;
pub mod frame_allocator;
pub mod heap;
pub mod memory_layout;
pub mod memory_set;
pub mod page_table;
pub mod user_memory;

use crate::debug_descriptor::{self, Stage};
use crate::fdt::DeviceTree;
use crate::sync::SpinLock;
use core::sync::atomic::{AtomicUsize, Ordering};
use memory_layout::*;
use memory_set::{MemoryError, MemorySet};
use page_table::pte;

/// The kernel's address space, kept for as long as the kernel runs. Every process's space
/// shares its root entries.
pub static KERNEL_SPACE: SpinLock<Option<MemorySet>> = SpinLock::new(None);
/// Its satp, for switching to it without the lock (a process exiting).
static KERNEL_SATP: AtomicUsize = AtomicUsize::new(0);

pub fn kernel_satp() -> usize {
    KERNEL_SATP.load(Ordering::Relaxed)
}

pub fn init(dt: &DeviceTree, fdt_addr: usize) {
    heap::init(heap_start(), KERNEL_HEAP_SIZE);
    debug_descriptor::set_stage(Stage::Heap);

    let mem_end = dt.memory_start + dt.memory_size;
    debug_descriptor::STATE.mem_start.store(dt.memory_start as u64, Ordering::Relaxed);
    debug_descriptor::STATE.mem_end.store(mem_end as u64, Ordering::Relaxed);
    frame_allocator::init(PhysAddr(heap_end()), PhysAddr(mem_end), &[(fdt_addr, fdt_addr + dt.total_size)]);
    debug_descriptor::set_stage(Stage::Frames);

    let space = new_kernel_space(mem_end).expect("mm::init: cannot build the kernel address space");
    space.activate();
    asid::init();
    debug_descriptor::STATE.root_ppn.store(space.root_ppn().0 as u64, Ordering::Relaxed);
    KERNEL_SATP.store(space.satp(), Ordering::Relaxed);
    *KERNEL_SPACE.lock() = Some(space);
    debug_descriptor::set_stage(Stage::Paging);
}

/// The kernel's own mappings, all global and supervisor-only: text R-X, rodata R--,
/// data/bss/heap/frames RW-, devices RW-. RAM stays identity-mapped, so physical addresses
/// work as pointers after paging is on; the free-frame region uses 2 MiB pages wherever it is
/// aligned to them. None of it is in [USER_BASE, USER_TOP), which stays for processes.
fn new_kernel_space(mem_end: usize) -> Result<MemorySet, MemoryError> {
    let mut ks = MemorySet::new_bare()?;
    let (ts, te) = text();
    ks.insert_identity(ts, te, pte::R | pte::X | pte::G, "text", false)?;
    let (rs, re) = rodata();
    ks.insert_identity(rs, re, pte::R | pte::G, "rodata", false)?;
    let (ds, de) = data();
    ks.insert_identity(ds, de, pte::R | pte::W | pte::G, "data", false)?;
    ks.insert_identity(heap_start(), heap_end(), pte::R | pte::W | pte::G, "heap", false)?;
    ks.insert_identity(heap_end(), align_down(mem_end, PAGE_SIZE), pte::R | pte::W | pte::G, "frames", true)?;
    for &(name, base, size) in MMIO {
        ks.insert_identity(base, base + size.min(0x1_0000).max(PAGE_SIZE), pte::R | pte::W | pte::G, name, false)?;
    }
    // The PLIC's claim/complete registers for contexts 0 and 1.
    ks.insert_identity(0xc20_0000, 0xc20_2000, pte::R | pte::W | pte::G, "plic-claim", false)?;
    Ok(ks)
}
