//! Reference counts for physical frames, one byte per frame: how many owners a frame has.
//! 0 is a free frame; allocation makes it 1; fork shares a frame between two address spaces
//! (copy-on-write) by adding one; each owner that lets go takes one away, and the last one
//! frees the frame. A write fault on a copy-on-write page asks `cow_action` what to do.
//!
//! Counts change with compare-and-swap, so a count never goes below 0 or wraps past 255 even
//! when two harts race; the caller treats a refusal as the bug it is.

use core::sync::atomic::{AtomicU8, Ordering};

pub const MAX_SHARERS: u8 = u8::MAX;

#[derive(Debug, PartialEq, Eq)]
pub enum RefError {
    /// The frame has no owner (count 0): it is free.
    Free,
    /// A frame being taken as new already has an owner.
    InUse(u8),
    /// 255 owners already.
    Saturated,
    /// The index is outside the table.
    NotOwned,
}

/// What a write fault on a copy-on-write page does.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum CowAction {
    /// The faulting space is the frame's only owner: make the page writable again.
    Reuse,
    /// Others share the frame: copy it to a new frame, and let go of this one.
    Copy,
}

pub fn cow_action(count: u8) -> CowAction {
    if count <= 1 { CowAction::Reuse } else { CowAction::Copy }
}

pub struct RefCounts<'a> {
    counts: &'a [AtomicU8],
}

impl<'a> RefCounts<'a> {
    pub fn new(counts: &'a [AtomicU8]) -> Self { RefCounts { counts } }

    fn slot(&self, i: usize) -> Result<&AtomicU8, RefError> {
        self.counts.get(i).ok_or(RefError::NotOwned)
    }

    pub fn get(&self, i: usize) -> u8 {
        self.counts.get(i).map(|c| c.load(Ordering::Acquire)).unwrap_or(0)
    }

    /// A frame just allocated gets its first owner.
    pub fn acquire(&self, i: usize) -> Result<(), RefError> {
        let c = self.slot(i)?;
        c.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire).map(|_| ()).map_err(RefError::InUse)
    }

    /// One more owner; returns the new count.
    pub fn share(&self, i: usize) -> Result<u8, RefError> {
        let c = self.slot(i)?;
        let mut cur = c.load(Ordering::Acquire);
        loop {
            if cur == 0 {
                return Err(RefError::Free);
            }
            if cur == MAX_SHARERS {
                return Err(RefError::Saturated);
            }
            match c.compare_exchange_weak(cur, cur + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(cur + 1),
                Err(now) => cur = now,
            }
        }
    }

    /// One owner fewer; true when that was the last one (the caller frees the frame).
    pub fn release(&self, i: usize) -> Result<bool, RefError> {
        let c = self.slot(i)?;
        let mut cur = c.load(Ordering::Acquire);
        loop {
            if cur == 0 {
                return Err(RefError::Free);
            }
            match c.compare_exchange_weak(cur, cur - 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(cur == 1),
                Err(now) => cur = now,
            }
        }
    }
}
