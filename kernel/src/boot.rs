//! Boot self-tests: each exercises one part of the memory system (frames, the buddy allocator
//! and reference counts, the heap, page tables, address spaces and copy-on-write, the embedded
//! programs, the debug descriptor) and prints `[PASS] name` or `[FAIL] name: reason`; then the
//! summary line `ktest: N passed, M failed`. rust_main stops the run there with status 1 unless
//! every test passed.

use crate::debug_descriptor::{self, ChronosDebug, CHRONOS_DEBUG, STATE};
use crate::mm::frame_allocator::{self, FrameTracker, FRAME_BUDDY, FRAME_STATS};
use crate::mm::memory_set::{MemoryError, MemorySet};
use crate::task::{Process, PROCS};
use crate::mm::heap;
use crate::mm::memory_layout::{self, PhysAddr, PhysPageNum, VirtAddr, VirtPageNum, PAGE_SIZE, USER_BASE};
use crate::mm::page_table::{pte, MapError, PageSize, PageTable};
use crate::mm::KERNEL_SPACE;
use crate::println;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::sync::atomic::Ordering;
use mmcore::bitmap::FreeError;

type TestResult = Result<(), String>;

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => { if !$cond { return Err(format!($($msg)*)); } };
}

/// Allocate three frames: valid, inside RAM, zeroed, distinct; then free them.
fn frames_alloc_free() -> TestResult {
    let before = FRAME_STATS.allocated.load(Ordering::Relaxed);
    let mut frames = Vec::new();
    for _ in 0..3 {
        let f = frame_allocator::alloc_frame().ok_or("out of frames")?;
        let page = unsafe { core::slice::from_raw_parts(f.addr().0 as *const u64, PAGE_SIZE / 8) };
        check!(page.iter().all(|&w| w == 0), "frame {:?} is not zeroed", f);
        check!(f.addr().0 >= memory_layout::heap_end(), "frame {:?} overlaps the kernel or heap", f);
        check!(frame_allocator::is_allocated(f), "frame {:?} not marked", f);
        unsafe { *(f.addr().0 as *mut u64) = 0xdead_beef };
        frames.push(f);
    }
    check!(frames[0] != frames[1] && frames[1] != frames[2] && frames[0] != frames[2], "frames repeat");
    check!(FRAME_STATS.allocated.load(Ordering::Relaxed) == before + 3, "statistics did not count 3 frames");
    for f in frames {
        frame_allocator::free_frame(f);
    }
    check!(FRAME_STATS.allocated.load(Ordering::Relaxed) == before, "statistics did not return");
    Ok(())
}

/// Contiguous frames come out consecutive.
fn frames_contiguous() -> TestResult {
    let first = frame_allocator::alloc_frames(4).ok_or("no run of 4 frames")?;
    for i in 0..4 {
        check!(frame_allocator::is_allocated(crate::mm::memory_layout::PhysPageNum(first.0 + i)), "frame {} of the run is free", i);
    }
    for i in 0..4 {
        frame_allocator::free_frame(crate::mm::memory_layout::PhysPageNum(first.0 + i));
    }
    Ok(())
}

/// Freeing a frame twice is caught (the panicking free uses this same check).
fn frames_double_free_detected() -> TestResult {
    let f = frame_allocator::alloc_frame().ok_or("out of frames")?;
    frame_allocator::free_frame(f);
    check!(frame_allocator::try_free_frame(f) == Err(FreeError::NotAllocated), "second free of {:?} accepted", f);
    check!(frame_allocator::try_free_frame(crate::mm::memory_layout::PhysPageNum(1)) == Err(FreeError::NotOwned), "a foreign frame accepted");
    Ok(())
}

fn heap_vec() -> TestResult {
    let mut v: Vec<i32> = Vec::new();
    for i in 0..10 {
        v.push(i * i);
    }
    check!(v.len() == 10 && v.iter().sum::<i32>() == 285, "Vec holds {:?}", v);
    check!(v.as_ptr() as usize >= memory_layout::heap_start() && (v.as_ptr() as usize) < memory_layout::heap_end(), "Vec not on the heap");
    Ok(())
}

fn heap_string() -> TestResult {
    let mut s = String::from("chronos");
    s.push_str(" os");
    let t = format!("{}-{}", s, 42);
    check!(t == "chronos os-42", "String is {:?}", t);
    Ok(())
}

/// Freeing three adjacent blocks in any order merges them back into one free block.
fn heap_merges_free_blocks() -> TestResult {
    let layout = Layout::from_size_align(256, 16).unwrap();
    let before = heap::stats();
    let (a, b, c) = unsafe { (alloc::alloc::alloc(layout), alloc::alloc::alloc(layout), alloc::alloc::alloc(layout)) };
    check!(!a.is_null() && !b.is_null() && !c.is_null(), "allocation failed");
    unsafe {
        alloc::alloc::dealloc(a, layout);
        alloc::alloc::dealloc(c, layout);
    }
    let split = heap::stats();
    unsafe { alloc::alloc::dealloc(b, layout) };
    let after = heap::stats();
    check!(split.free_blocks == before.free_blocks + 1, "a and c should leave a hole: {} blocks", split.free_blocks);
    check!(after.free_blocks == before.free_blocks && after.largest_free == before.largest_free,
        "blocks did not merge: {} blocks, largest {}", after.free_blocks, after.largest_free);
    Ok(())
}

/// A double free on the heap is reported, not absorbed into a corrupt list.
fn heap_double_free_detected() -> TestResult {
    let layout = Layout::from_size_align(64, 16).unwrap();
    let p = unsafe { alloc::alloc::alloc(layout) };
    unsafe { alloc::alloc::dealloc(p, layout) };
    check!(heap::try_free(p as usize, layout).is_err(), "a second free was accepted");
    Ok(())
}

/// Map, translate, unmap in a fresh table; its intermediate tables come and go.
fn page_table_map_translate_unmap() -> TestResult {
    let mut pt = PageTable::new().map_err(|e| format!("{:?}", e))?;
    let frame = frame_allocator::alloc_frame().ok_or("out of frames")?;
    let va = VirtAddr(0x4000_1000);
    pt.map(va, frame.addr(), PageSize::Size4K, pte::R | pte::W).map_err(|e| format!("map: {:?}", e))?;
    check!(pt.table_frames() == 3, "expected root + 2 tables, have {}", pt.table_frames());
    let t = pt.translate(VirtAddr(va.0 + 0x123)).ok_or("not mapped after map")?;
    check!(t.pa == PhysAddr(frame.addr().0 + 0x123), "translates to {:?}", t.pa);
    check!(pt.map(va, frame.addr(), PageSize::Size4K, pte::R) == Err(MapError::AlreadyMapped(va)), "double map accepted");
    pt.unmap(va).map_err(|e| format!("unmap: {:?}", e))?;
    check!(pt.translate(va).is_none(), "still mapped after unmap");
    check!(pt.table_frames() == 1, "emptied tables not freed: {} left", pt.table_frames());
    frame_allocator::free_frame(frame);
    Ok(())
}

/// A 2 MiB page maps a whole aligned range with one entry at level 1.
fn page_table_huge_pages() -> TestResult {
    let mut pt = PageTable::new().map_err(|e| format!("{:?}", e))?;
    let pa = PhysAddr(0x8060_0000);
    check!(pt.map(VirtAddr(0x4020_1000), pa, PageSize::Size2M, pte::R) == Err(MapError::Misaligned), "misaligned huge page accepted");
    pt.map(VirtAddr(0x4020_0000), pa, PageSize::Size2M, pte::R | pte::W).map_err(|e| format!("{:?}", e))?;
    let t = pt.translate(VirtAddr(0x4020_0000 + 0x1f_f008)).ok_or("not mapped")?;
    check!(t.size == PageSize::Size2M && t.pa == PhysAddr(0x8060_0000 + 0x1f_f008), "translation {:?}", t.pa);
    pt.map(VirtAddr(0x8000_0000), PhysAddr(0x8000_0000), PageSize::Size1G, pte::R).map_err(|e| format!("1G: {:?}", e))?;
    check!(pt.translate(VirtAddr(0xbfff_fff8)).map(|t| t.size) == Some(PageSize::Size1G), "1 GiB page missing");
    pt.unmap(VirtAddr(0x4020_0000)).map_err(|e| format!("{:?}", e))?;
    Ok(())
}

/// A run of 4 KiB pages across a leaf table's end maps each page as map would, and a page
/// already mapped stops the run there with the pages before it mapped.
fn page_table_map_run() -> TestResult {
    let mut pt = PageTable::new().map_err(|e| format!("{:?}", e))?;
    let (va, pa) = (0x401f_e000usize, 0x8070_0000usize);
    pt.map_run(VirtAddr(va), PhysAddr(pa), 5, pte::R | pte::W).map_err(|e| format!("{:?}", e))?;
    let mut i = 0;
    while i < 5 {
        let t = pt.translate(VirtAddr(va + i * PAGE_SIZE + 8)).ok_or(format!("page {} of the run unmapped", i))?;
        check!(t.size == PageSize::Size4K && t.pa == PhysAddr(pa + i * PAGE_SIZE + 8), "page {} at {:?}", i, t.pa);
        check!(t.flags & (pte::R | pte::W | pte::X) == pte::R | pte::W, "page {} flags {:#x}", i, t.flags);
        i += 1;
    }
    check!(pt.translate(VirtAddr(va + 5 * PAGE_SIZE)).is_none(), "the page after the run is mapped");
    check!(pt.map_run(VirtAddr(va - 2 * PAGE_SIZE), PhysAddr(pa), 4, pte::R) == Err(MapError::AlreadyMapped(VirtAddr(va))), "an overlapping run accepted");
    check!(pt.translate(VirtAddr(va - 2 * PAGE_SIZE)).is_some() && pt.translate(VirtAddr(va - PAGE_SIZE)).is_some(), "the pages before the mapped one are not mapped");
    check!(pt.map_run(VirtAddr(va + 0x10_0001), PhysAddr(pa), 1, pte::R) == Err(MapError::Misaligned), "a misaligned run accepted");
    Ok(())
}

/// Paging is on with the kernel's own table, and its sections have the right permissions.
fn kernel_space_active() -> TestResult {
    let satp: usize;
    unsafe { core::arch::asm!("csrr {0}, satp", out(reg) satp) };
    let guard = KERNEL_SPACE.lock();
    let space = guard.as_ref().ok_or("no kernel space")?;
    check!(satp == space.satp(), "satp {:#x} is not the kernel table's {:#x}", satp, space.satp());
    let text = space.translate(VirtAddr(memory_layout::text().0)).ok_or("text unmapped")?;
    check!(text.flags & (pte::R | pte::W | pte::X) == pte::R | pte::X, "text flags {:#x}", text.flags);
    let rodata = space.translate(VirtAddr(memory_layout::rodata().0)).ok_or("rodata unmapped")?;
    check!(rodata.flags & (pte::R | pte::W | pte::X) == pte::R, "rodata flags {:#x}", rodata.flags);
    check!(crate::mm::page_table::is_mapped(VirtPageNum(0x1000_0000 >> 12), space.root_ppn()), "UART unmapped");
    let last = STATE.mem_end.load(Ordering::Relaxed) as usize - PAGE_SIZE;
    check!(space.translate(VirtAddr(last)).map(|t| t.size) == Some(PageSize::Size2M), "free frames are not on 2 MiB pages");
    // User space is root entry 1 of every process's table: the kernel must leave it empty.
    check!((0..512).all(|i| space.translate(VirtAddr(USER_BASE + (i << 21))).is_none()), "the kernel maps something in user space");
    Ok(())
}

/// The statistics add up, and say so.
fn memory_statistics() -> TestResult {
    let f = (FRAME_STATS.total.load(Ordering::Relaxed), FRAME_STATS.free.load(Ordering::Relaxed),
        FRAME_STATS.allocated.load(Ordering::Relaxed), FRAME_STATS.peak.load(Ordering::Relaxed));
    let h = heap::stats();
    println!("  frames: total {} free {} allocated {} peak {}", f.0, f.1, f.2, f.3);
    println!("  heap: size {} used {} free {} in {} blocks, largest {}", h.heap_size, h.used, h.free, h.free_blocks, h.largest_free);
    check!(f.1 + f.2 == f.0 && f.3 >= f.2, "frame statistics do not add up");
    check!(h.used + h.free == h.heap_size, "heap statistics do not add up");
    Ok(())
}

/// The descriptor's published layout matches the real one, and changes bump the generation.
fn debug_descriptor_layout() -> TestResult {
    let d = &CHRONOS_DEBUG;
    let base = d as *const ChronosDebug as usize;
    let off = |p: usize| p - base;
    check!(d.magic == debug_descriptor::MAGIC && d.size as usize == core::mem::size_of::<ChronosDebug>(), "header");
    check!(d.size == 344 && d.version == 1 && d.revision == 2, "size {}, version {}, revision {} (the contract says 344, 1, 2)", d.size, d.version, d.revision);
    check!(off(core::ptr::addr_of!(d.frame_bitmap) as usize) == 80 && off(core::ptr::addr_of!(d.heap_head) as usize) == 128
        && off(core::ptr::addr_of!(d.node_size) as usize) == 144 && off(core::ptr::addr_of!(d.buddy_free_area) as usize) == 160,
        "field offsets moved");
    check!(off(core::ptr::addr_of!(d.revision) as usize) == 152 && off(core::ptr::addr_of!(d.task_list) as usize) == 176
        && off(core::ptr::addr_of!(d.buddy_orders) as usize) == 208 && off(core::ptr::addr_of!(d.proc_off) as usize) == 224
        && off(core::ptr::addr_of!(d.current_pid) as usize) == 264 && off(core::ptr::addr_of!(d.user_base) as usize) == 288
        && off(core::ptr::addr_of!(d.pte_cow_bit) as usize) == 336, "revision 2 offsets moved");
    check!(debug_descriptor::buddy_node_offsets() == [d.buddy_node_off_next as usize, d.buddy_node_off_prev as usize, d.buddy_node_off_order as usize], "buddy node layout");
    check!(d.buddy_free_area as usize == unsafe { FRAME_BUDDY.peek_unlocked() }.free_area.as_ptr() as usize, "buddy lists address");
    // Every process-slot offset against the real struct, through slot 1 of the live table.
    let table = unsafe { PROCS.peek_unlocked() };
    check!(d.task_list as usize == &table.slots[0] as *const _ as usize && d.proc_stride as usize == core::mem::size_of::<Process>(), "table address or stride");
    let slot = &table.slots[1];
    let sb = slot as *const Process as usize;
    let i = &slot.info;
    let real = [
        core::ptr::addr_of!(i.pid) as usize, core::ptr::addr_of!(i.state) as usize, core::ptr::addr_of!(i.ppid) as usize,
        core::ptr::addr_of!(i.exit_code) as usize, core::ptr::addr_of!(i.root_ppn) as usize, core::ptr::addr_of!(i.name) as usize,
        core::ptr::addr_of!(i.frames) as usize, core::ptr::addr_of!(i.quota) as usize, core::ptr::addr_of!(i.kstack_base) as usize,
        core::ptr::addr_of!(i.kstack_top) as usize, core::ptr::addr_of!(i.trap_frame) as usize, core::ptr::addr_of!(i.wait) as usize,
        core::ptr::addr_of!(i.killed) as usize, core::ptr::addr_of!(i.wake_at) as usize, core::ptr::addr_of!(i.heap_start) as usize,
        core::ptr::addr_of!(i.brk) as usize, core::ptr::addr_of!(i.context) as usize,
    ].map(|a| (a - sb) as u16);
    let o = &d.proc_off;
    let published = [o.pid, o.state, o.ppid, o.exit_code, o.root_ppn, o.name, o.frames, o.quota, o.kstack_base, o.kstack_top,
        o.trap_frame, o.wait, o.killed, o.wake_at, o.heap_start, o.brk, o.context];
    check!(real == published, "process slot offsets {:?}, published {:?}", real, published);
    check!(d.trap_frame_size as usize == 34 * 8 && d.context_size as usize == 14 * 8 && d.program_size == 32, "trap frame, context or program size");
    let node = mmcore::freelist::FreeNode { size: 0, next: core::ptr::null_mut() };
    let nb = &node as *const _ as usize;
    check!(core::ptr::addr_of!(node.next) as usize - nb == d.node_off_next as usize, "FreeNode.next offset");
    check!(d.heap_head as usize == unsafe { core::ptr::addr_of!((*d.heap_free_list).head) } as usize, "heap head address");
    let g0 = STATE.generation.load(Ordering::Relaxed);
    let v: Vec<u8> = Vec::with_capacity(8);
    drop(v);
    check!(STATE.generation.load(Ordering::Relaxed) >= g0 + 2, "generation did not move");
    Ok(())
}


/// The buddy allocator hands out aligned blocks and merges them back when they return.
fn buddy_blocks_align_and_merge() -> TestResult {
    let free = frame_allocator::free_count();
    let lists = unsafe { FRAME_BUDDY.peek_unlocked() }.free_area;
    let run = frame_allocator::alloc_frames(8).ok_or("no block of 8 frames")?;
    check!(run.0 % 8 == 0, "a block of 8 frames at {:?} is not aligned to 8", run);
    check!(frame_allocator::free_count() == free - 8, "8 frames out, {} fewer free", free - frame_allocator::free_count());
    let odd = frame_allocator::alloc_frames(3).ok_or("no run of 3 frames")?;
    check!(frame_allocator::is_allocated(PhysPageNum(odd.0 + 2)) && !frame_allocator::is_allocated(PhysPageNum(odd.0 + 3)), "a run of 3 took a 4th frame");
    for i in 0..3 {
        frame_allocator::free_frame(PhysPageNum(odd.0 + i));
    }
    for i in 0..8 {
        frame_allocator::free_frame(PhysPageNum(run.0 + i));
    }
    let after = unsafe { FRAME_BUDDY.peek_unlocked() }.free_area;
    check!(frame_allocator::free_count() == free && after == lists, "the blocks did not merge back: {:?} then {:?}", lists, after);
    Ok(())
}

/// A shared frame stays allocated until its last owner lets go.
fn frame_refcounts_follow_owners() -> TestResult {
    let a = FrameTracker::new().ok_or("out of frames")?;
    let ppn = a.ppn();
    check!(a.owners() == 1, "a new frame has {} owners", a.owners());
    let b = a.share();
    check!(b.ppn() == ppn && a.owners() == 2, "shared: {} owners", a.owners());
    drop(a);
    check!(b.owners() == 1 && frame_allocator::is_allocated(ppn), "one owner left, and the frame must stay");
    drop(b);
    check!(!frame_allocator::is_allocated(ppn) && frame_allocator::owners(ppn) == 0, "the last owner's drop must free {:?}", ppn);
    Ok(())
}

/// A user space shares the kernel's root entries, and keeps its own areas in user space.
fn memory_set_areas_and_frames() -> TestResult {
    let before = FRAME_STATS.allocated.load(Ordering::Relaxed);
    {
        let ks = KERNEL_SPACE.lock();
        let kernel = ks.as_ref().ok_or("no kernel space")?;
        let mut ms = MemorySet::new_user(kernel).map_err(|e| format!("{:?}", e))?;
        check!(ms.translate(VirtAddr(memory_layout::text().0)).is_some(), "the kernel's text is not mapped in a user space");
        let start = VirtAddr(USER_BASE + 0x10_0000);
        ms.insert_framed(start, VirtAddr(start.0 + 3 * PAGE_SIZE), pte::R | pte::W, "test").map_err(|e| format!("{:?}", e))?;
        let t = ms.translate(VirtAddr(start.0 + PAGE_SIZE)).ok_or("page 1 unmapped")?;
        check!(t.flags & (pte::R | pte::W | pte::U) == pte::R | pte::W | pte::U, "flags {:#x}", t.flags);
        check!(ms.insert_framed(start, VirtAddr(start.0 + PAGE_SIZE), pte::R, "again") == Err(MemoryError::Overlap(start)), "an overlapping area was accepted");
        check!(ms.insert_framed(VirtAddr(0x8000_0000), VirtAddr(0x8000_1000), pte::R, "kernel") == Err(MemoryError::BadRange(VirtAddr(0x8000_0000))), "an area outside user space was accepted");
        let held = ms.frames_in_use();
        ms.remove(VirtAddr(start.0 + PAGE_SIZE).floor(), VirtAddr(start.0 + 2 * PAGE_SIZE).floor());
        check!(ms.translate(VirtAddr(start.0 + PAGE_SIZE)).is_none() && ms.translate(start).is_some(), "the middle page is not the only one gone");
        check!(ms.areas().count() == 2 && ms.frames_in_use() == held - 1, "{} areas, {} frames after the split", ms.areas().count(), ms.frames_in_use());
        ms.set_quota(Some(ms.frames_in_use() + 1));
        let r = ms.insert_framed(VirtAddr(start.0 + 8 * PAGE_SIZE), VirtAddr(start.0 + 10 * PAGE_SIZE), pte::R, "quota");
        check!(matches!(r, Err(MemoryError::Quota { .. })) && ms.frames_in_use() == held - 1, "two pages over a quota of one more: {:?}", r);
    }
    check!(FRAME_STATS.allocated.load(Ordering::Relaxed) == before, "dropping the space did not return its frames");
    Ok(())
}

/// fork's copy shares the frames read-only; a write fault copies, and the last owner's
/// write takes the page back.
fn cow_fork_shares_then_copies() -> TestResult {
    let ks = KERNEL_SPACE.lock();
    let kernel = ks.as_ref().ok_or("no kernel space")?;
    let mut parent = MemorySet::new_user(kernel).map_err(|e| format!("{:?}", e))?;
    let va = VirtAddr(USER_BASE);
    parent.insert_framed(va, VirtAddr(va.0 + PAGE_SIZE), pte::R | pte::W, "data").map_err(|e| format!("{:?}", e))?;
    parent.init_bytes(va.0, b"parent").map_err(|e| format!("{:?}", e))?;
    let mut child = parent.fork(kernel).map_err(|e| format!("{:?}", e))?;
    let (p, c) = (parent.translate(va).ok_or("parent unmapped")?, child.translate(va).ok_or("child unmapped")?);
    check!(p.pa == c.pa && p.flags & (pte::W | pte::COW) == pte::COW && c.flags & (pte::W | pte::COW) == pte::COW, "not shared copy-on-write");
    check!(frame_allocator::owners(p.pa.floor()) == 2, "the shared frame has {} owners", frame_allocator::owners(p.pa.floor()));
    child.handle_cow_fault(va).map_err(|e| format!("child: {:?}", e))?;
    let c2 = child.translate(va).ok_or("child unmapped")?;
    check!(c2.pa != p.pa && c2.flags & pte::W != 0, "the child's write did not get a copy");
    check!(unsafe { core::slice::from_raw_parts(c2.pa.0 as *const u8, 6) } == b"parent", "the copy lost the data");
    parent.handle_cow_fault(va).map_err(|e| format!("parent: {:?}", e))?;
    let p2 = parent.translate(va).ok_or("parent unmapped")?;
    check!(p2.pa == p.pa && p2.flags & pte::W != 0 && frame_allocator::owners(p.pa.floor()) == 1, "the last owner did not get its page back");
    Ok(())
}

/// Every embedded program is an ELF the loader accepts; garbage is refused.
fn embedded_programs_load() -> TestResult {
    for p in crate::programs::CHRONOS_PROGRAMS.iter() {
        let entry = crate::loader::inspect(p.elf()).map_err(|e| format!("{}: {:?}", p.name(), e))?;
        check!(entry >= USER_BASE, "{}: entry {:#x}", p.name(), entry);
    }
    check!(crate::loader::inspect(b"\x7fELF but not really").is_err() && crate::programs::find("init").is_some(), "garbage accepted, or no init");
    Ok(())
}

const TESTS: &[(&str, fn() -> TestResult)] = &[
    ("frames_alloc_free", frames_alloc_free),
    ("frames_contiguous", frames_contiguous),
    ("frames_double_free_detected", frames_double_free_detected),
    ("heap_vec", heap_vec),
    ("heap_string", heap_string),
    ("heap_merges_free_blocks", heap_merges_free_blocks),
    ("heap_double_free_detected", heap_double_free_detected),
    ("page_table_map_translate_unmap", page_table_map_translate_unmap),
    ("page_table_huge_pages", page_table_huge_pages),
    ("page_table_map_run", page_table_map_run),
    ("kernel_space_active", kernel_space_active),
    ("memory_statistics", memory_statistics),
    ("buddy_blocks_align_and_merge", buddy_blocks_align_and_merge),
    ("frame_refcounts_follow_owners", frame_refcounts_follow_owners),
    ("memory_set_areas_and_frames", memory_set_areas_and_frames),
    ("cow_fork_shares_then_copies", cow_fork_shares_then_copies),
    ("embedded_programs_load", embedded_programs_load),
    ("debug_descriptor_layout", debug_descriptor_layout),
];

/// Run every self-test; true when all passed.
#[inline(never)]
pub fn run_self_tests() -> bool {
    let mut passed = 0;
    let mut failed = 0;
    for &(name, test) in TESTS {
        match test() {
            Ok(()) => { passed += 1; println!("[PASS] {}", name); }
            Err(reason) => { failed += 1; println!("[FAIL] {}: {}", name, reason); }
        }
    }
    println!("ktest: {} passed, {} failed", passed, failed);
    failed == 0
}
