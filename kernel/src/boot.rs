//! Boot self-tests: each exercises one part of the memory system and prints `[PASS] name` or
//! `[FAIL] name: reason`; the summary line `ktest: N passed, M failed` ends the run through the
//! finisher, with status 0 only when every test passed.

use crate::debug_descriptor::{self, ChronosDebug, CHRONOS_DEBUG, STATE};
use crate::mm::frame_allocator::{self, FRAME_STATS};
use crate::mm::heap;
use crate::mm::memory_layout::{self, PhysAddr, VirtAddr, VirtPageNum, PAGE_SIZE};
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
    check!(d.size == 208, "size {} (the contract says 208)", d.size);
    check!(off(core::ptr::addr_of!(d.frame_bitmap) as usize) == 80 && off(core::ptr::addr_of!(d.heap_head) as usize) == 128
        && off(core::ptr::addr_of!(d.node_size) as usize) == 144 && off(core::ptr::addr_of!(d.buddy_free_area) as usize) == 160,
        "field offsets moved");
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
    ("kernel_space_active", kernel_space_active),
    ("memory_statistics", memory_statistics),
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
