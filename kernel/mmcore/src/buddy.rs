//! The buddy allocator for physical frames (Knuth, TAOCP vol. 1, §2.5). Free memory is kept as
//! blocks of 2^k frames, k = 0..=MAX_ORDER, each aligned to its own size in absolute frame
//! numbers (PPNs), so a block of order k at frame p has exactly one buddy, p ^ 2^k, and the two
//! together are the block of order k + 1 they were split from.
//!
//! - Allocating order k takes the lowest-addressed free block of order >= k and splits it,
//!   putting the upper halves back on the lists below. Taking the lowest address (rather than
//!   the smallest block, the textbook choice) packs what is in use at the bottom of RAM, the way
//!   the frame picture a debugger draws is easiest to read, and makes every allocation
//!   predictable: it is the first aligned run of 2^k free frames.
//! - Freeing puts the block back and merges it with its buddy for as long as the buddy is free
//!   and whole, so no two free buddies of the same order ever sit on the lists.
//!
//! The free lists are doubly linked through a BuddyNode written at the start of each free
//! block's first frame, and kept in address order (so each list's head is its lowest block).
//! Links are addresses (the kernel's identity map makes them physical addresses), which is what
//! lets a debugger walk the lists (docs/debug-descriptor.md).
//!
//! Which frames are allocated is the frame bitmap's business: a block's bits are set while it
//! is out. That is also what makes merging safe: if the buddy's first frame is free, it is the
//! head of a free block of order <= k (a larger free block would contain our own frames), and
//! its node says which order.

use crate::bitmap::{FrameBitmap, FreeError};
use core::ptr;

/// Blocks go up to 2^10 frames: 4 MiB.
pub const MAX_ORDER: usize = 10;
pub const ORDERS: usize = MAX_ORDER + 1;
pub const FRAME_SIZE: usize = 4096;

/// One free list: the address of its first node (0 when empty) and how many blocks it holds.
/// The layout is part of the debugger contract.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FreeArea {
    pub head: usize,
    pub count: usize,
}

/// The header of a free block, in its first frame. The layout is part of the debugger contract:
/// next at offset 0, prev at 8, order at 16; links are node addresses, 0 ends the list.
#[repr(C)]
pub struct BuddyNode {
    pub next: usize,
    pub prev: usize,
    pub order: usize,
}

/// The smallest order whose blocks hold `n` frames.
pub fn order_for(n: usize) -> usize {
    n.next_power_of_two().trailing_zeros() as usize
}

/// repr(C) with the free lists first: the allocator's address is the lists' address, which the
/// kernel publishes to the debugger.
#[repr(C)]
pub struct Buddy {
    pub free_area: [FreeArea; ORDERS],
    /// The absolute frame number (PPN) of bitmap index 0: alignment is computed on it.
    base_frame: usize,
    /// Where index 0's frame can be read and written.
    base_addr: usize,
    count: usize,
    free_frames: usize,
}

unsafe impl Send for Buddy {}

impl Buddy {
    pub const fn empty() -> Self {
        Buddy { free_area: [FreeArea { head: 0, count: 0 }; ORDERS], base_frame: 0, base_addr: 0, count: 0, free_frames: 0 }
    }

    /// Take over every frame the bitmap shows free, as the largest aligned blocks they form.
    ///
    /// # Safety
    /// Frame i must be writable memory at `base_addr + i * FRAME_SIZE` for as long as the
    /// allocator is used, and nothing else may use the free frames.
    pub unsafe fn init(&mut self, base_frame: usize, base_addr: usize, bits: &FrameBitmap) {
        *self = Buddy::empty();
        self.base_frame = base_frame;
        self.base_addr = base_addr;
        self.count = bits.count();
        let mut i = 0;
        while i < self.count {
            if bits.is_allocated(i) {
                i += 1;
                continue;
            }
            let mut k = self.largest_aligned_order(i, self.count);
            while !bits.is_range_free(i, 1 << k) {
                k -= 1;
            }
            self.push(i, k);
            i += 1 << k;
        }
    }

    pub fn frames(&self) -> usize { self.count }
    pub fn free_frames(&self) -> usize { self.free_frames }

    /// The largest order of a block that may start at index `i` and end by `end`.
    fn largest_aligned_order(&self, i: usize, end: usize) -> usize {
        let abs = self.base_frame + i;
        let mut k = if abs == 0 { MAX_ORDER } else { (abs.trailing_zeros() as usize).min(MAX_ORDER) };
        while i + (1 << k) > end {
            k -= 1;
        }
        k
    }

    fn node(&self, i: usize) -> *mut BuddyNode {
        (self.base_addr + i * FRAME_SIZE) as *mut BuddyNode
    }

    fn index_of(&self, node: usize) -> usize {
        (node - self.base_addr) / FRAME_SIZE
    }

    /// Put block (i, order) on its list, in address order.
    fn push(&mut self, i: usize, order: usize) {
        let n = self.node(i) as usize;
        let (mut prev, mut next) = (0usize, self.free_area[order].head);
        while next != 0 && next < n {
            prev = next;
            next = unsafe { (*(next as *const BuddyNode)).next };
        }
        unsafe {
            ptr::write(n as *mut BuddyNode, BuddyNode { next, prev, order });
            if next != 0 {
                (*(next as *mut BuddyNode)).prev = n;
            }
            if prev != 0 {
                (*(prev as *mut BuddyNode)).next = n;
            }
        }
        if prev == 0 {
            self.free_area[order].head = n;
        }
        self.free_area[order].count += 1;
        self.free_frames += 1 << order;
    }

    fn unlink(&mut self, i: usize, order: usize) {
        let n = self.node(i);
        unsafe {
            let (next, prev) = ((*n).next, (*n).prev);
            if prev == 0 {
                self.free_area[order].head = next;
            } else {
                (*(prev as *mut BuddyNode)).next = next;
            }
            if next != 0 {
                (*(next as *mut BuddyNode)).prev = prev;
            }
        }
        self.free_area[order].count -= 1;
        self.free_frames -= 1 << order;
    }

    /// A block of 2^order frames aligned to its size; returns its first index.
    pub fn alloc(&mut self, order: usize, bits: &FrameBitmap) -> Option<usize> {
        if order > MAX_ORDER {
            return None;
        }
        // Each list's head is its lowest block: the lowest of the heads is the block.
        let k = (order..ORDERS).filter(|&k| self.free_area[k].head != 0).min_by_key(|&k| self.free_area[k].head)?;
        let i = self.index_of(self.free_area[k].head);
        self.unlink(i, k);
        // Split down to the order asked for: the upper half of each split stays free.
        for j in (order..k).rev() {
            self.push(i + (1 << j), j);
        }
        bits.set_range(i, 1 << order);
        Some(i)
    }

    /// `n` contiguous frames (any n up to 2^MAX_ORDER): a block of the next power of two,
    /// with the frames past `n` given back at once.
    pub fn alloc_run(&mut self, n: usize, bits: &FrameBitmap) -> Option<usize> {
        if n == 0 {
            return None;
        }
        let order = order_for(n);
        let i = self.alloc(order, bits)?;
        if n < 1 << order {
            self.release(i + n, (1 << order) - n, bits);
        }
        Some(i)
    }

    /// Give back [i, i + n), which must all be allocated; on an error nothing changes.
    pub fn free_run(&mut self, i: usize, n: usize, bits: &FrameBitmap) -> Result<(), FreeError> {
        if i >= self.count || n > self.count - i {
            return Err(FreeError::NotOwned);
        }
        if !bits.is_range_allocated(i, n) {
            return Err(FreeError::NotAllocated);
        }
        self.release(i, n, bits);
        Ok(())
    }

    /// Free [i, i + n) as the largest aligned blocks it splits into, merging each.
    /// Each block's bits are cleared only as it goes on the lists: a later block of the run
    /// still looks allocated, so a merge never reads a node that has not been written yet.
    fn release(&mut self, i: usize, n: usize, bits: &FrameBitmap) {
        let end = i + n;
        let mut p = i;
        while p < end {
            let k = self.largest_aligned_order(p, end);
            bits.clear_range(p, 1 << k);
            self.merge_in(p, k, bits);
            p += 1 << k;
        }
    }

    /// Put the free block (p, k) on the lists, merged with its buddies.
    fn merge_in(&mut self, mut p: usize, mut k: usize, bits: &FrameBitmap) {
        while k < MAX_ORDER {
            let buddy_abs = (self.base_frame + p) ^ (1 << k);
            if buddy_abs < self.base_frame {
                break;
            }
            let b = buddy_abs - self.base_frame;
            if b + (1 << k) > self.count || bits.is_allocated(b) || unsafe { (*self.node(b)).order } != k {
                break;
            }
            self.unlink(b, k);
            p = p.min(b);
            k += 1;
        }
        self.push(p, k);
    }

    /// The first index of every block on list `order`, in list (address) order.
    pub fn blocks(&self, order: usize) -> BlockIter<'_> {
        BlockIter { buddy: self, node: self.free_area[order].head }
    }
}

pub struct BlockIter<'a> {
    buddy: &'a Buddy,
    node: usize,
}

impl Iterator for BlockIter<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.node == 0 {
            return None;
        }
        let i = self.buddy.index_of(self.node);
        self.node = unsafe { (*(self.node as *const BuddyNode)).next };
        Some(i)
    }
}
