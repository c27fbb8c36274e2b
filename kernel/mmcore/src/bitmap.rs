//! A frame bitmap: one bit per 4 KiB frame, 1 = allocated. Single frames are taken lock-free
//! with compare-and-swap on 64-bit words, starting at a next-fit hint; runs of frames claim
//! their bits one at a time and give them back if another hart got there first.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

#[derive(Debug, PartialEq, Eq)]
pub enum FreeError {
    /// The frame is not allocated: a double free.
    NotAllocated,
    /// The frame index is outside what this bitmap manages.
    NotOwned,
}

pub struct FrameBitmap<'a> {
    words: &'a [AtomicU64],
    count: usize,
    hint: &'a AtomicUsize,
}

impl<'a> FrameBitmap<'a> {
    /// Manage `count` frames (bits) of `words`; `hint` remembers where the last search ended.
    pub fn new(words: &'a [AtomicU64], count: usize, hint: &'a AtomicUsize) -> Self {
        assert!(count <= words.len() * 64, "bitmap: {} frames need more than {} words", count, words.len());
        FrameBitmap { words, count, hint }
    }

    pub fn count(&self) -> usize { self.count }

    pub fn is_allocated(&self, i: usize) -> bool {
        i < self.count && self.words[i / 64].load(Ordering::Acquire) & (1 << (i % 64)) != 0
    }

    /// Set bit `i` if it is clear; false if it was already set.
    fn claim(&self, i: usize) -> bool {
        let bit = 1u64 << (i % 64);
        self.words[i / 64].fetch_or(bit, Ordering::AcqRel) & bit == 0
    }

    /// Mark a frame allocated without searching (reserving frames at start-up).
    pub fn reserve(&self, i: usize) -> bool {
        i < self.count && self.claim(i)
    }

    /// Take one free frame, searching from the hint and wrapping around.
    pub fn alloc(&self) -> Option<usize> {
        let words = (self.count + 63) / 64;
        let start = self.hint.load(Ordering::Relaxed) / 64;
        for k in 0..words {
            let w = (start + k) % words;
            let mut cur = self.words[w].load(Ordering::Acquire);
            loop {
                let free = !cur;
                if free == 0 {
                    break;
                }
                let bit = free.trailing_zeros() as usize;
                let i = w * 64 + bit;
                if i >= self.count {
                    break;
                }
                match self.words[w].compare_exchange_weak(cur, cur | (1 << bit), Ordering::AcqRel, Ordering::Acquire) {
                    Ok(_) => {
                        self.hint.store(i + 1, Ordering::Relaxed);
                        return Some(i);
                    }
                    Err(now) => cur = now,
                }
            }
        }
        None
    }

    /// Take `n` consecutive free frames; returns the first.
    pub fn alloc_contiguous(&self, n: usize) -> Option<usize> {
        if n == 0 || n > self.count {
            return None;
        }
        let mut start = 0;
        while start + n <= self.count {
            // Find a run that looks free, then claim it bit by bit.
            match (start..start + n).rev().find(|&i| self.is_allocated(i)) {
                Some(taken) => start = taken + 1,
                None => {
                    let mut claimed = 0;
                    while claimed < n && self.claim(start + claimed) {
                        claimed += 1;
                    }
                    if claimed == n {
                        return Some(start);
                    }
                    // Someone took a frame in the middle: give back what we took and move on.
                    for i in start..start + claimed {
                        self.clear(i);
                    }
                    start += claimed + 1;
                }
            }
        }
        None
    }

    fn clear(&self, i: usize) {
        self.words[i / 64].fetch_and(!(1u64 << (i % 64)), Ordering::AcqRel);
    }

    /// Give a frame back.
    pub fn free(&self, i: usize) -> Result<(), FreeError> {
        if i >= self.count {
            return Err(FreeError::NotOwned);
        }
        let bit = 1u64 << (i % 64);
        if self.words[i / 64].fetch_and(!bit, Ordering::AcqRel) & bit == 0 {
            return Err(FreeError::NotAllocated);
        }
        let h = self.hint.load(Ordering::Relaxed);
        if i < h {
            self.hint.store(i, Ordering::Relaxed);
        }
        Ok(())
    }

    pub fn allocated(&self) -> usize {
        let mut n = 0;
        for w in 0..(self.count + 63) / 64 {
            let mut v = self.words[w].load(Ordering::Relaxed);
            if (w + 1) * 64 > self.count {
                v &= (1u64 << (self.count - w * 64)) - 1;
            }
            n += v.count_ones() as usize;
        }
        n
    }
}
