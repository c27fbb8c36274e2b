//! The physical frame allocator: a buddy allocator (mmcore::buddy) over the frames after the
//! kernel heap. Three tables describe the frames, and the debugger reads all three through the
//! descriptor: the bitmap (a set bit is an allocated frame: the truth the frame view draws),
//! the buddy's free lists, and one reference count per frame (how many owners it has: 2 or more
//! while address spaces share it copy-on-write). Frames are zeroed as they are handed out.
//! Freeing a frame that is free, reserved or not ours panics and names the frame.

use super::memory_layout::{PhysAddr, PhysPageNum, MAX_RAM, PAGE_SIZE};
use crate::debug_descriptor::{self, Event};
use crate::sync::SpinLock;
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use mmcore::bitmap::{FrameBitmap, FreeError};
use mmcore::buddy::Buddy;
use mmcore::refcount::{RefCounts, RefError};

pub const MAX_FRAMES: usize = MAX_RAM / PAGE_SIZE;
pub const BITMAP_WORDS: usize = MAX_FRAMES / 64;

/// The bitmap: bit i of word w is frame base_ppn + 64*w + i; 1 = allocated.
#[no_mangle]
pub static FRAME_BITMAP: [AtomicU64; BITMAP_WORDS] = {
    const ZERO: AtomicU64 = AtomicU64::new(0);
    [ZERO; BITMAP_WORDS]
};

/// Owners per frame, indexed like the bitmap: 0 free (or reserved), 1 one owner, n shared.
#[no_mangle]
pub static FRAME_REFCOUNT: [AtomicU8; MAX_FRAMES] = {
    const ZERO: AtomicU8 = AtomicU8::new(0);
    [ZERO; MAX_FRAMES]
};

/// The buddy allocator; its free lists are its first field, so this static's address is theirs.
#[no_mangle]
pub static FRAME_BUDDY: SpinLock<Buddy> = SpinLock::new(Buddy::empty());

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
    FrameBitmap::new(&FRAME_BITMAP, FRAME_COUNT.load(Ordering::Relaxed) as usize)
}

fn refs() -> RefCounts<'static> {
    RefCounts::new(&FRAME_REFCOUNT)
}

fn index_of(ppn: PhysPageNum) -> Option<usize> {
    let base = BASE_PPN.load(Ordering::Relaxed) as usize;
    let count = FRAME_COUNT.load(Ordering::Relaxed) as usize;
    if ppn.0 >= base && ppn.0 < base + count { Some(ppn.0 - base) } else { None }
}

fn ppn_of(i: usize) -> PhysPageNum {
    PhysPageNum(BASE_PPN.load(Ordering::Relaxed) as usize + i)
}

/// Manage the frames of [start, end). `reserved` lists physical ranges inside it that are not
/// free (the device tree): their bits stay set and they never reach the buddy's lists.
pub fn init(start: PhysAddr, end: PhysAddr, reserved: &[(usize, usize)]) {
    let first = start.ceil();
    let count = (end.floor().0.saturating_sub(first.0)).min(MAX_FRAMES);
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
    // Free frames are identity-mapped (and paging is still off), so a frame's PPN is where
    // the buddy writes its list node.
    unsafe { FRAME_BUDDY.lock().init(first.0, first.addr().0, &bm) };
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

/// One zeroed frame with one owner, or None when memory is exhausted.
#[inline(never)]
pub fn alloc_frame() -> Option<PhysPageNum> {
    alloc_frames(1)
}

/// `n` physically contiguous zeroed frames (n up to 1024), each with one owner; returns the
/// first. The buddy hands out the next power of two and takes the rest straight back.
#[inline(never)]
pub fn alloc_frames(n: usize) -> Option<PhysPageNum> {
    let i = FRAME_BUDDY.lock().alloc_run(n, &bitmap())?;
    for f in i..i + n {
        if let Err(e) = refs().acquire(f) {
            panic!("alloc_frames: frame {:?} came out of the buddy with owners ({:?})", ppn_of(f), e);
        }
    }
    let ppn = ppn_of(i);
    zero(ppn, n);
    account(n as isize);
    debug_descriptor::event(Event::FrameAlloc);
    Some(ppn)
}

/// Let go of one owner of a frame; the last owner's release frees it. An error for a frame
/// that is free, reserved or not ours.
pub fn try_free_frame(ppn: PhysPageNum) -> Result<(), FreeError> {
    let i = index_of(ppn).ok_or(FreeError::NotOwned)?;
    let mut buddy = FRAME_BUDDY.lock();
    match refs().release(i) {
        Ok(false) => {
            drop(buddy);
            debug_descriptor::event(Event::FrameUnshare);
            Ok(())
        }
        Ok(true) => {
            buddy.free_run(i, 1, &bitmap())?;
            drop(buddy);
            account(-1);
            debug_descriptor::event(Event::FrameFree);
            Ok(())
        }
        Err(RefError::Free) if bitmap().is_allocated(i) => Err(FreeError::Reserved),
        Err(_) => Err(FreeError::NotAllocated),
    }
}

#[inline(never)]
pub fn free_frame(ppn: PhysPageNum) {
    match try_free_frame(ppn) {
        Ok(()) => {}
        Err(FreeError::NotAllocated) => panic!("free_frame: double free of frame {:?} ({:?})", ppn, ppn.addr()),
        Err(FreeError::NotOwned) => panic!("free_frame: frame {:?} ({:?}) does not belong to the frame allocator", ppn, ppn.addr()),
        Err(FreeError::Reserved) => panic!("free_frame: frame {:?} ({:?}) is reserved", ppn, ppn.addr()),
    }
}

/// One more owner of an allocated frame (a page shared copy-on-write).
pub fn share_frame(ppn: PhysPageNum) {
    let r = index_of(ppn).ok_or(RefError::NotOwned).and_then(|i| refs().share(i));
    if let Err(e) = r {
        panic!("share_frame: frame {:?} cannot take another owner: {:?}", ppn, e);
    }
    debug_descriptor::event(Event::FrameShare);
}

pub fn is_allocated(ppn: PhysPageNum) -> bool {
    index_of(ppn).map(|i| bitmap().is_allocated(i)).unwrap_or(false)
}

/// How many owners a frame has (0 for a free or reserved frame, or one not ours).
pub fn owners(ppn: PhysPageNum) -> u8 {
    index_of(ppn).map(|i| refs().get(i)).unwrap_or(0)
}

/// Frames free right now (the buddy's count).
pub fn free_count() -> usize {
    FRAME_BUDDY.lock().free_frames()
}

/// An owner of one frame: dropping the last owner frees the frame. `share` makes another owner
/// of the same frame (fork's copy-on-write), counted in FRAME_REFCOUNT.
pub struct FrameTracker {
    ppn: PhysPageNum,
}

impl FrameTracker {
    /// A zeroed frame of its own.
    pub fn new() -> Option<Self> { alloc_frame().map(|ppn| FrameTracker { ppn }) }
    pub fn ppn(&self) -> PhysPageNum { self.ppn }
    pub fn owners(&self) -> u8 { owners(self.ppn) }
    pub fn share(&self) -> FrameTracker {
        share_frame(self.ppn);
        FrameTracker { ppn: self.ppn }
    }
    /// The frame's bytes (RAM is identity-mapped in every address space).
    pub fn bytes(&self) -> &'static mut [u8; PAGE_SIZE] {
        unsafe { &mut *(self.ppn.addr().0 as *mut [u8; PAGE_SIZE]) }
    }
}

impl core::fmt::Debug for FrameTracker {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result { write!(f, "FrameTracker({:?})", self.ppn) }
}

impl Drop for FrameTracker {
    fn drop(&mut self) { free_frame(self.ppn) }
}

/// Contiguous frames with one owner (a kernel stack), freed together when dropped.
pub struct FrameRun {
    first: PhysPageNum,
    count: usize,
}

impl FrameRun {
    pub fn new(count: usize) -> Option<Self> { alloc_frames(count).map(|first| FrameRun { first, count }) }
    pub fn start(&self) -> usize { self.first.addr().0 }
    pub fn end(&self) -> usize { self.start() + self.count * PAGE_SIZE }
}

impl Drop for FrameRun {
    fn drop(&mut self) {
        for i in 0..self.count {
            free_frame(PhysPageNum(self.first.0 + i));
        }
    }
}
