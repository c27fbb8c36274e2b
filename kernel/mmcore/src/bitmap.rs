//! The frame bitmap: one bit per 4 KiB frame, 1 = allocated. It is the record of which frames
//! are in use: the buddy allocator (buddy.rs) sets and clears runs of bits as it hands blocks
//! out and takes them back, and a debugger reads the bits to draw the frames. Bits are updated
//! with atomic word operations so that a reader on another hart (or a debugger stopping the
//! machine at any instruction) never sees a torn word.

use core::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, PartialEq, Eq)]
pub enum FreeError {
    /// The frame is not allocated: a double free.
    NotAllocated,
    /// The frame index is outside what this bitmap manages.
    NotOwned,
    /// The frame was set aside at start-up (the device tree) and is never freed.
    Reserved,
}

pub struct FrameBitmap<'a> {
    words: &'a [AtomicU64],
    count: usize,
}

/// The bits of word `w` that frames [start, end) cover.
fn word_mask(w: usize, start: usize, end: usize) -> u64 {
    let lo = start.max(w * 64) - w * 64;
    let hi = end.min(w * 64 + 64) - w * 64;
    if hi - lo == 64 { u64::MAX } else { ((1u64 << (hi - lo)) - 1) << lo }
}

impl<'a> FrameBitmap<'a> {
    /// Manage `count` frames (bits) of `words`.
    pub fn new(words: &'a [AtomicU64], count: usize) -> Self {
        assert!(count <= words.len() * 64, "bitmap: {} frames need more than {} words", count, words.len());
        FrameBitmap { words, count }
    }

    pub fn count(&self) -> usize { self.count }

    /// Whether frame `i` is allocated; frames outside the bitmap are not ours, so never free.
    pub fn is_allocated(&self, i: usize) -> bool {
        i >= self.count || self.words[i / 64].load(Ordering::Acquire) & (1 << (i % 64)) != 0
    }

    /// Mark a frame allocated without searching (reserving frames at start-up); false if it
    /// was already set or is not ours.
    pub fn reserve(&self, i: usize) -> bool {
        let bit = 1u64 << (i % 64);
        i < self.count && self.words[i / 64].fetch_or(bit, Ordering::AcqRel) & bit == 0
    }

    /// True when every frame of [i, i + n) is ours and free.
    pub fn is_range_free(&self, i: usize, n: usize) -> bool {
        if i + n > self.count {
            return false;
        }
        (i / 64..(i + n + 63) / 64).all(|w| self.words[w].load(Ordering::Acquire) & word_mask(w, i, i + n) == 0)
    }

    /// True when every frame of [i, i + n) is ours and allocated.
    pub fn is_range_allocated(&self, i: usize, n: usize) -> bool {
        if i + n > self.count {
            return false;
        }
        (i / 64..(i + n + 63) / 64).all(|w| {
            let m = word_mask(w, i, i + n);
            self.words[w].load(Ordering::Acquire) & m == m
        })
    }

    /// Mark [i, i + n) allocated. The caller (the buddy allocator, under its lock) knows the
    /// frames are free and ours.
    pub fn set_range(&self, i: usize, n: usize) {
        debug_assert!(i + n <= self.count);
        for w in i / 64..(i + n + 63) / 64 {
            self.words[w].fetch_or(word_mask(w, i, i + n), Ordering::AcqRel);
        }
    }

    /// Mark [i, i + n) free.
    pub fn clear_range(&self, i: usize, n: usize) {
        debug_assert!(i + n <= self.count);
        for w in i / 64..(i + n + 63) / 64 {
            self.words[w].fetch_and(!word_mask(w, i, i + n), Ordering::AcqRel);
        }
    }

    /// How many frames are allocated (a count of the set bits).
    pub fn allocated(&self) -> usize {
        let mut n = 0;
        for w in 0..(self.count + 63) / 64 {
            n += (self.words[w].load(Ordering::Relaxed) & word_mask(w, 0, self.count)).count_ones() as usize;
        }
        n
    }
}
