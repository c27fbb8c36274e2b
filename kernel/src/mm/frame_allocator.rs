//! The physical frame allocator: one bit per 4 KiB frame of the region after the kernel heap,
//! lock-free (mmcore::bitmap), with frames zeroed as they are handed out and statistics the
//! debugger reads through the descriptor. Freeing a frame twice, or one the allocator does not
//! own, panics and names the frame.

use super::memory_layout::{PhysAddr, PhysPageNum, MAX_RAM, PAGE_SIZE};
use crate::debug_descriptor::{self, Event};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use mmcore::bitmap::{FrameBitmap, FreeError};

pub const BITMAP_WORDS: usize = MAX_RAM / PAGE_SIZE / 64;

/// The bitmap: bit i of word w is frame base_ppn + 64*w + i; 1 = allocated.
#[no_mangle]
pub static FRAME_BITMAP: [AtomicU64; BITMAP_WORDS] = {
    const ZERO: AtomicU64 = AtomicU64::new(0);
    [ZERO; BITMAP_WORDS]
};
static HINT: AtomicUsize = AtomicUsize::new(0);

/// Frame statistics; the layout is part of the debugger contract.
#[repr(C)]
pub struct FrameStats {
    pub total: AtomicU64,
    pub free: AtomicU64,
    pub allocated: AtomicU64,
    pub peak: AtomicU64,
}

#[no_mangle]
pub static FRAME_STATS: FrameStats = FrameStats {
    total: AtomicU64::new(0), free: AtomicU64::new(0), allocated: AtomicU64::new(0), peak: AtomicU64::new(0),
};
/// The first managed frame and how many there are (set once by init).
pub static BASE_PPN: AtomicU64 = AtomicU64::new(0);
pub static FRAME_COUNT: AtomicU64 = AtomicU64::new(0);

fn bitmap() -> FrameBitmap<'static> {
    FrameBitmap::new(&FRAME_BITMAP, FRAME_COUNT.load(Ordering::Relaxed) as usize, &HINT)
}

fn index_of(ppn: PhysPageNum) -> Option<usize> {
    let base = BASE_PPN.load(Ordering::Relaxed) as usize;
    let count = FRAME_COUNT.load(Ordering::Relaxed) as usize;
    if ppn.0 >= base && ppn.0 < base + count { Some(ppn.0 - base) } else { None }
}

/// Manage the frames of [start, end). `reserved` lists physical ranges inside it that are not
/// free (the device tree).
pub fn init(start: PhysAddr, end: PhysAddr, reserved: &[(usize, usize)]) {
    let first = start.ceil();
    let count = (end.floor().0.saturating_sub(first.0)).min(BITMAP_WORDS * 64);
    BASE_PPN.store(first.0 as u64, Ordering::Relaxed);
    FRAME_COUNT.store(count as u64, Ordering::Relaxed);
    let bm = bitmap();
    let mut taken = 0;
    for &(s, e) in reserved {
        for ppn in PhysAddr(s).floor().0..PhysAddr(e).ceil().0 {
            if let Some(i) = index_of(PhysPageNum(ppn)) {
                if bm.reserve(i) {
                    taken += 1;
                }
            }
        }
    }
    FRAME_STATS.total.store(count as u64, Ordering::Relaxed);
    FRAME_STATS.allocated.store(taken as u64, Ordering::Relaxed);
    FRAME_STATS.free.store((count - taken) as u64, Ordering::Relaxed);
    FRAME_STATS.peak.store(taken as u64, Ordering::Relaxed);
}

fn account(delta: isize) {
    let allocated = if delta > 0 {
        FRAME_STATS.allocated.fetch_add(delta as u64, Ordering::Relaxed) + delta as u64
    } else {
        FRAME_STATS.allocated.fetch_sub((-delta) as u64, Ordering::Relaxed) - (-delta) as u64
    };
    FRAME_STATS.free.store(FRAME_STATS.total.load(Ordering::Relaxed) - allocated, Ordering::Relaxed);
    FRAME_STATS.peak.fetch_max(allocated, Ordering::Relaxed);
}

fn zero(ppn: PhysPageNum, n: usize) {
    unsafe { core::ptr::write_bytes(ppn.addr().0 as *mut u8, 0, n * PAGE_SIZE) };
}

/// One zeroed frame, or None when memory is exhausted.
#[inline(never)]
pub fn alloc_frame() -> Option<PhysPageNum> {
    alloc_frames(1)
}

/// `n` physically contiguous zeroed frames; returns the first.
#[inline(never)]
pub fn alloc_frames(n: usize) -> Option<PhysPageNum> {
    let bm = bitmap();
    let i = if n == 1 { bm.alloc()? } else { bm.alloc_contiguous(n)? };
    let ppn = PhysPageNum(BASE_PPN.load(Ordering::Relaxed) as usize + i);
    zero(ppn, n);
    account(n as isize);
    debug_descriptor::event(Event::FrameAlloc);
    Some(ppn)
}

/// Give a frame back; an error for a frame that is free or not ours.
pub fn try_free_frame(ppn: PhysPageNum) -> Result<(), FreeError> {
    let i = index_of(ppn).ok_or(FreeError::NotOwned)?;
    bitmap().free(i)?;
    account(-1);
    debug_descriptor::event(Event::FrameFree);
    Ok(())
}

#[inline(never)]
pub fn free_frame(ppn: PhysPageNum) {
    match try_free_frame(ppn) {
        Ok(()) => {}
        Err(FreeError::NotAllocated) => panic!("free_frame: double free of frame {:?} ({:?})", ppn, ppn.addr()),
        Err(FreeError::NotOwned) => panic!("free_frame: frame {:?} ({:?}) does not belong to the frame allocator", ppn, ppn.addr()),
    }
}

pub fn is_allocated(ppn: PhysPageNum) -> bool {
    index_of(ppn).map(|i| bitmap().is_allocated(i)).unwrap_or(false)
}

/// A frame that frees itself when dropped.
pub struct FrameTracker(pub PhysPageNum);

impl FrameTracker {
    pub fn new() -> Option<Self> { alloc_frame().map(FrameTracker) }
}

impl Drop for FrameTracker {
    fn drop(&mut self) { free_frame(self.0) }
}
