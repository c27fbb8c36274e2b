//! Memory management: the layout, the frame allocator, page tables and the heap.
//!
//! Init order: the heap first (so page tables can keep their frame lists in a Vec), then the
//! frames after it, then the kernel address space, switched on by writing satp.

pub mod frame_allocator;
pub mod heap;
pub mod memory_layout;
pub mod page_table;

use crate::debug_descriptor::{self, Stage};
use crate::fdt::DeviceTree;
use crate::sync::SpinLock;
use memory_layout::*;
use page_table::{pte, PageSize, PageTable};
use core::sync::atomic::Ordering;

/// The kernel's address space, kept for as long as the kernel runs.
pub static KERNEL_SPACE: SpinLock<Option<PageTable>> = SpinLock::new(None);

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
    debug_descriptor::STATE.root_ppn.store(space.root_ppn().0 as u64, Ordering::Relaxed);
    *KERNEL_SPACE.lock() = Some(space);
    debug_descriptor::set_stage(Stage::Paging);
}

/// The kernel's own mappings: text R-X, rodata R--, data/bss/heap/frames RW-, devices RW-.
/// RAM stays identity-mapped, so physical addresses work as pointers after paging is on; the
/// free-frame region uses 2 MiB pages wherever it is aligned to them.
fn new_kernel_space(mem_end: usize) -> Result<PageTable, page_table::MapError> {
    let mut pt = PageTable::new()?;
    let (ts, te) = text();
    pt.map_range(ts, ts, te - ts, pte::R | pte::X | pte::G)?;
    let (rs, re) = rodata();
    pt.map_range(rs, rs, re - rs, pte::R | pte::G)?;
    let (ds, de) = data();
    pt.map_range(ds, ds, de - ds, pte::R | pte::W | pte::G)?;
    pt.map_range(heap_start(), heap_start(), KERNEL_HEAP_SIZE, pte::R | pte::W | pte::G)?;
    let frames = heap_end();
    let huge = align_up(frames, 2 << 20);
    pt.map_range(frames, frames, huge.min(mem_end) - frames, pte::R | pte::W | pte::G)?;
    let mut a = huge;
    while a + (2 << 20) <= mem_end {
        pt.map(VirtAddr(a), PhysAddr(a), PageSize::Size2M, pte::R | pte::W | pte::G)?;
        a += 2 << 20;
    }
    if a < mem_end {
        pt.map_range(a, a, mem_end - a, pte::R | pte::W | pte::G)?;
    }
    for &(_, base, size) in MMIO {
        pt.map_range(base, base, size.min(0x1_0000).max(PAGE_SIZE), pte::R | pte::W | pte::G)?;
    }
    // The PLIC's claim/complete registers for contexts 0 and 1.
    pt.map_range(0xc20_0000, 0xc20_0000, 0x2000, pte::R | pte::W | pte::G)?;
    Ok(pt)
}
