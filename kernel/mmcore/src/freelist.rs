//! The heap's free list: free blocks in address order, each starting with a FreeNode that
//! gives its size and the next block. Allocation is first fit; freeing inserts in order and
//! merges with both neighbours, so the list never holds two adjacent blocks. Every size and
//! address is a multiple of MIN_BLOCK, so splitting never leaves a fragment too small to hold
//! a node.

use core::ptr;

pub const MIN_BLOCK: usize = 16;

/// The header of a free block. The layout is part of the debugger contract
/// (docs/debug-descriptor.md): size at offset 0, next at offset 8.
#[repr(C)]
pub struct FreeNode {
    pub size: usize,
    pub next: *mut FreeNode,
}

#[derive(Debug, PartialEq, Eq)]
pub enum FreeListError {
    /// The block overlaps a free block: freed twice, or a wrong size.
    Overlap { addr: usize, size: usize, free_block: usize },
    /// The block is not inside the heap.
    Outside { addr: usize },
}

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct HeapStats {
    pub heap_size: usize,
    pub used: usize,
    pub free: usize,
    pub free_blocks: usize,
    pub largest_free: usize,
    pub allocs: usize,
    pub frees: usize,
}

/// A free list over one region. `head` is a dummy node of size 0 whose `next` is the first
/// block; repr(C) keeps it at offset 0.
#[repr(C)]
pub struct FreeList {
    pub head: FreeNode,
    start: usize,
    end: usize,
    pub allocs: usize,
    pub frees: usize,
}

unsafe impl Send for FreeList {}

pub const fn round_size(size: usize) -> usize {
    let s = if size < MIN_BLOCK { MIN_BLOCK } else { size };
    (s + MIN_BLOCK - 1) & !(MIN_BLOCK - 1)
}

impl FreeList {
    pub const fn empty() -> Self {
        FreeList { head: FreeNode { size: 0, next: ptr::null_mut() }, start: 0, end: 0, allocs: 0, frees: 0 }
    }

    /// Hand the region [start, start + size) to the list.
    ///
    /// # Safety
    /// The region must be unused memory that lives as long as the list.
    pub unsafe fn init(&mut self, start: usize, size: usize) {
        let s = (start + MIN_BLOCK - 1) & !(MIN_BLOCK - 1);
        let e = (start + size) & !(MIN_BLOCK - 1);
        self.start = s;
        self.end = e;
        self.head.next = ptr::null_mut();
        if e > s {
            let node = s as *mut FreeNode;
            (*node).size = e - s;
            (*node).next = ptr::null_mut();
            self.head.next = node;
        }
    }

    pub fn bounds(&self) -> (usize, usize) { (self.start, self.end) }

    /// First fit: the first block that can hold `size` bytes at `align`.
    pub fn alloc(&mut self, size: usize, align: usize) -> Option<usize> {
        let size = round_size(size);
        let align = if align < MIN_BLOCK { MIN_BLOCK } else { align };
        let mut prev: *mut FreeNode = &mut self.head;
        unsafe {
            while !(*prev).next.is_null() {
                let block = (*prev).next;
                let bstart = block as usize;
                let bend = bstart + (*block).size;
                let astart = (bstart + align - 1) & !(align - 1);
                if astart + size <= bend {
                    let next = (*block).next;
                    // What is left before and after the allocation stays free, in order.
                    let mut link = next;
                    if bend > astart + size {
                        let tail = (astart + size) as *mut FreeNode;
                        (*tail).size = bend - (astart + size);
                        (*tail).next = next;
                        link = tail;
                    }
                    if astart > bstart {
                        (*block).size = astart - bstart;
                        (*block).next = link;
                    } else {
                        (*prev).next = link;
                    }
                    self.allocs += 1;
                    return Some(astart);
                }
                prev = block;
            }
        }
        None
    }

    /// Move the end of the region out to `new_end` and give [from, new_end) to the list,
    /// merged with the last block when they touch: how a heap that grows (a user heap on
    /// sbrk) takes its new memory. Bytes between the old end and `from` (memory someone else
    /// took from sbrk in between) never join the list.
    ///
    /// # Safety
    /// [from, new_end) must be unused memory that lives as long as the list.
    pub unsafe fn extend(&mut self, from: usize, new_end: usize) -> Result<(), FreeListError> {
        let s = (from.max(self.end) + MIN_BLOCK - 1) & !(MIN_BLOCK - 1);
        let e = new_end & !(MIN_BLOCK - 1);
        if e <= s {
            return Ok(());
        }
        self.end = e;
        self.insert(s, e - s)
    }

    /// Return [addr, addr + size) to the list, merging with its neighbours.
    pub fn free(&mut self, addr: usize, size: usize) -> Result<(), FreeListError> {
        self.insert(addr, size)?;
        self.frees += 1;
        Ok(())
    }

    fn insert(&mut self, addr: usize, size: usize) -> Result<(), FreeListError> {
        let size = round_size(size);
        if addr < self.start || addr + size > self.end || addr % MIN_BLOCK != 0 {
            return Err(FreeListError::Outside { addr });
        }
        let mut prev: *mut FreeNode = &mut self.head;
        unsafe {
            // Find the last block before addr.
            while !(*prev).next.is_null() && ((*prev).next as usize) < addr {
                prev = (*prev).next;
            }
            let next = (*prev).next;
            let prev_is_head = prev == &mut self.head as *mut FreeNode;
            if !prev_is_head && prev as usize + (*prev).size > addr {
                return Err(FreeListError::Overlap { addr, size, free_block: prev as usize });
            }
            if !next.is_null() && addr + size > next as usize {
                return Err(FreeListError::Overlap { addr, size, free_block: next as usize });
            }
            let node = addr as *mut FreeNode;
            (*node).size = size;
            (*node).next = next;
            (*prev).next = node;
            // Merge with the next block, then the previous one.
            if !next.is_null() && addr + size == next as usize {
                (*node).size += (*next).size;
                (*node).next = (*next).next;
            }
            if !prev_is_head && prev as usize + (*prev).size == addr {
                (*prev).size += (*node).size;
                (*prev).next = (*node).next;
            }
        }
        Ok(())
    }

    pub fn stats(&self) -> HeapStats {
        let mut s = HeapStats { heap_size: self.end - self.start, allocs: self.allocs, frees: self.frees, ..HeapStats::default() };
        let mut p = self.head.next;
        while !p.is_null() {
            unsafe {
                s.free += (*p).size;
                s.free_blocks += 1;
                if (*p).size > s.largest_free {
                    s.largest_free = (*p).size;
                }
                p = (*p).next;
            }
        }
        s.used = s.heap_size - s.free;
        s
    }
}
