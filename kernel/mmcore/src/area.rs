//! The areas of an address space: half-open ranges [start, end) of page numbers, kept sorted
//! and never overlapping, each with a tag (the kernel's is the area's permissions and kind).
//! This is only the arithmetic: which pages an insertion, a removal or a resize covers. The
//! kernel's memory set (kernel/src/mm/memory_set.rs) maps and unmaps what it answers.

use alloc::vec::Vec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Area<T> {
    pub start: usize,
    pub end: usize,
    pub tag: T,
}

impl<T> Area<T> {
    pub fn pages(&self) -> usize { self.end - self.start }
    pub fn contains(&self, page: usize) -> bool { self.start <= page && page < self.end }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaError {
    /// start >= end.
    Empty,
    /// The range meets an area already there, which starts at `start`.
    Overlap { start: usize },
    /// No area starts at that page.
    NotFound,
}

pub struct AreaSet<T> {
    areas: Vec<Area<T>>,
}

impl<T: Copy> Default for AreaSet<T> {
    fn default() -> Self { Self::new() }
}

impl<T: Copy> AreaSet<T> {
    pub const fn new() -> Self { AreaSet { areas: Vec::new() } }

    pub fn iter(&self) -> core::slice::Iter<'_, Area<T>> { self.areas.iter() }
    pub fn len(&self) -> usize { self.areas.len() }
    pub fn is_empty(&self) -> bool { self.areas.is_empty() }
    pub fn pages(&self) -> usize { self.areas.iter().map(|a| a.pages()).sum() }

    /// Index of the first area that ends after `page`.
    fn first_ending_after(&self, page: usize) -> usize {
        self.areas.partition_point(|a| a.end <= page)
    }

    /// The area holding `page`.
    pub fn find(&self, page: usize) -> Option<&Area<T>> {
        self.areas.get(self.first_ending_after(page)).filter(|a| a.start <= page)
    }

    /// The first area that meets [start, end), if any.
    pub fn overlapping(&self, start: usize, end: usize) -> Option<&Area<T>> {
        self.areas.get(self.first_ending_after(start)).filter(|a| a.start < end)
    }

    pub fn insert(&mut self, start: usize, end: usize, tag: T) -> Result<(), AreaError> {
        if start >= end {
            return Err(AreaError::Empty);
        }
        if let Some(a) = self.overlapping(start, end) {
            return Err(AreaError::Overlap { start: a.start });
        }
        let at = self.first_ending_after(start);
        self.areas.insert(at, Area { start, end, tag });
        Ok(())
    }

    /// Take [start, end) out of every area it meets, splitting areas that stick out on either
    /// side; returns the pieces taken, in order, so the caller can unmap exactly those pages.
    pub fn remove(&mut self, start: usize, end: usize) -> Vec<Area<T>> {
        let mut taken = Vec::new();
        if start >= end {
            return taken;
        }
        let mut i = self.first_ending_after(start);
        while i < self.areas.len() && self.areas[i].start < end {
            let a = self.areas[i];
            let (cut_start, cut_end) = (a.start.max(start), a.end.min(end));
            taken.push(Area { start: cut_start, end: cut_end, tag: a.tag });
            match (a.start < cut_start, cut_end < a.end) {
                (false, false) => { self.areas.remove(i); }
                (true, false) => { self.areas[i].end = cut_start; i += 1; }
                (false, true) => { self.areas[i].start = cut_end; i += 1; }
                (true, true) => {
                    self.areas[i].end = cut_start;
                    self.areas.insert(i + 1, Area { start: cut_end, end: a.end, tag: a.tag });
                    i += 2;
                }
            }
        }
        taken
    }

    /// Move the end of the area that starts at `start` to `new_end` (growing must not reach the
    /// next area; shrinking must leave at least one page). Returns the old end.
    pub fn resize(&mut self, start: usize, new_end: usize) -> Result<usize, AreaError> {
        let i = self.areas.binary_search_by_key(&start, |a| a.start).map_err(|_| AreaError::NotFound)?;
        if new_end <= start {
            return Err(AreaError::Empty);
        }
        if let Some(next) = self.areas.get(i + 1) {
            if new_end > next.start {
                return Err(AreaError::Overlap { start: next.start });
            }
        }
        let old = self.areas[i].end;
        self.areas[i].end = new_end;
        Ok(old)
    }
}
