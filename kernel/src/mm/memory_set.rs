//! An address space: a page table and the areas mapped in it. Each area is a range of pages
//! with permissions, mapped either identically (the kernel's RAM and devices: virtual address
//! = physical address) or framed (user memory: one frame per page, owned by a FrameTracker, so
//! the frames go back when the area or the whole space is dropped). The area arithmetic is
//! mmcore::area's; this file maps and unmaps what it answers.
//!
//! A process's space shares the kernel's root entries (the kernel is mapped in every process,
//! supervisor-only), and its own areas stay inside [USER_BASE, USER_TOP). fork copies a space
//! copy-on-write: both spaces map the same frames, whose reference counts go up, and writable
//! pages turn read-only with the COW bit in both, until a write fault gives the writer its own
//! copy (or, when no one else holds the frame any more, the page back).
//!
//! A space may have a frame quota. What it counts is the frames the space holds: one per
//! mapped page (a shared frame counts in every space that maps it) plus its page-table frames.
//! Whatever would go over the quota is refused with MemoryError::Quota before anything is
//! allocated, so a quota failure is a clean error, never a half-built mapping.

use super::asid::{self, Asid};
use super::frame_allocator::FrameTracker;
use super::memory_layout::*;
use super::page_table::{self, pte, MapError, PageSize, PageTable, Translation};
use alloc::collections::BTreeMap;
use mmcore::area::{Area, AreaError, AreaSet};
use mmcore::refcount::{cow_action, CowAction};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MapKind {
    Identity,
    Framed,
}

/// What an area is: how it is mapped, the PTE permissions of its pages (R W X U G), and a name
/// for reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct AreaKind {
    pub map: MapKind,
    pub perm: u64,
    pub name: &'static str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum MemoryError {
    OutOfFrames,
    /// The space holds `frames` frames and may hold `quota`: the request would go over.
    Quota { frames: usize, quota: usize },
    /// The range meets an area that is already there.
    Overlap(VirtAddr),
    /// The range is empty, misaligned or outside user space.
    BadRange(VirtAddr),
    /// Nothing is mapped there, or the page does not allow the access.
    NotMapped(VirtAddr),
}

impl From<MapError> for MemoryError {
    fn from(e: MapError) -> Self {
        match e {
            MapError::OutOfFrames => MemoryError::OutOfFrames,
            // The areas decide what is mapped, so any other answer from the page table means
            // the two disagree: a kernel bug, not something to report to a process.
            other => panic!("memory_set: the page table and the areas disagree: {:?}", other),
        }
    }
}

/// A user heap: it starts at `start` (page-aligned, after the program's segments) and its
/// pages cover [start, brk) rounded up to whole pages.
#[derive(Copy, Clone, Debug)]
pub struct UserHeap {
    pub start: usize,
    pub brk: usize,
}

/// The highest a user heap may reach: a guard gap of one stack's size below the stack.
pub const HEAP_LIMIT: usize = USER_STACK_TOP - 2 * USER_STACK_SIZE;

pub struct MemorySet {
    page_table: PageTable,
    /// The kernel's space is ASID 0; each user space has its own (asid.rs).
    asid: Asid,
    areas: AreaSet<AreaKind>,
    /// The frame behind each page of the framed areas.
    frames: BTreeMap<VirtPageNum, FrameTracker>,
    quota: Option<usize>,
    heap: Option<UserHeap>,
}

fn user_range(start: usize, end: usize) -> bool {
    start < end && start >= USER_BASE && end <= USER_TOP && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0
}

fn area_error(e: AreaError, at: usize) -> MemoryError {
    match e {
        AreaError::Overlap { start } => MemoryError::Overlap(VirtAddr(start << PAGE_SHIFT)),
        _ => MemoryError::BadRange(VirtAddr(at)),
    }
}

impl MemorySet {
    /// A space with nothing mapped (the kernel's, before its areas go in).
    pub fn new_bare() -> Result<Self, MemoryError> {
        Ok(MemorySet { page_table: PageTable::new()?, asid: Asid::KERNEL, areas: AreaSet::new(), frames: BTreeMap::new(), quota: None, heap: None })
    }

    /// A process's space: the kernel's mappings, shared, and no user areas yet.
    pub fn new_user(kernel: &MemorySet) -> Result<Self, MemoryError> {
        let mut set = MemorySet::new_bare()?;
        set.page_table.share_root_entries(&kernel.page_table);
        set.asid = asid::fresh();
        Ok(set)
    }

    /// satp for this space: its table and its ASID.
    pub fn satp(&self) -> usize { mmcore::sv39::satp(self.page_table.root_ppn().0, self.asid.value as usize) }
    pub fn root_ppn(&self) -> PhysPageNum { self.page_table.root_ppn() }
    /// Load this space's table and forget every cached translation: the kernel's space at
    /// boot. (The scheduler switches between processes itself, with no flush: asid.rs.)
    pub fn activate(&self) {
        unsafe { core::arch::asm!("csrw satp, {0}", "sfence.vma", in(reg) self.satp()) };
    }

    /// Take a fresh ASID if this space's belongs to an old generation (before switching to it).
    pub fn renew_asid(&mut self) {
        if !self.asid.is_current() {
            self.asid = asid::fresh();
        }
    }

    /// Is the hart using this space now?
    fn is_active(&self) -> bool {
        let satp: usize;
        unsafe { core::arch::asm!("csrr {0}, satp", out(reg) satp) };
        satp == self.satp()
    }

    /// Forget the cached translations of `va` (or all) after a mapping lost permissions or went
    /// away, if this space is the one in use. A space that is not in use needs nothing: its
    /// ASID is never loaded again unless it is, and then its own entries are still right.
    fn flush(&self, va: Option<VirtAddr>) {
        if self.is_active() {
            page_table::flush_tlb(va);
        }
    }
    pub fn translate(&self, va: VirtAddr) -> Option<Translation> { self.page_table.translate(va) }
    pub fn areas(&self) -> impl Iterator<Item = &Area<AreaKind>> { self.areas.iter() }
    pub fn heap(&self) -> Option<UserHeap> { self.heap }
    pub fn quota(&self) -> Option<usize> { self.quota }
    pub fn set_quota(&mut self, quota: Option<usize>) { self.quota = quota; }
    pub fn frame_of(&self, vpn: VirtPageNum) -> Option<&FrameTracker> { self.frames.get(&vpn) }

    /// The frames this space holds: its pages' frames and its page-table frames.
    pub fn frames_in_use(&self) -> usize { self.frames.len() + self.page_table.table_frames() }

    /// Refuse `more` frames if they would take the space over its quota.
    fn charge(&self, more: usize) -> Result<(), MemoryError> {
        match self.quota {
            Some(quota) if self.frames_in_use() + more > quota => Err(MemoryError::Quota { frames: self.frames_in_use(), quota }),
            _ => Ok(()),
        }
    }

    /// Identity-map [start, end) (page-aligned); with `huge`, 2 MiB pages wherever a whole
    /// aligned one fits, as the kernel does for the free frames.
    pub fn insert_identity(&mut self, start: usize, end: usize, perm: u64, name: &'static str, huge: bool) -> Result<(), MemoryError> {
        let kind = AreaKind { map: MapKind::Identity, perm, name };
        self.areas.insert(start >> PAGE_SHIFT, end >> PAGE_SHIFT, kind).map_err(|e| area_error(e, start))?;
        const HUGE: usize = 2 << 20;
        let mut a = start;
        while a < end {
            if huge && a % HUGE == 0 && a + HUGE <= end {
                self.page_table.map(VirtAddr(a), PhysAddr(a), PageSize::Size2M, perm)?;
                a += HUGE;
            } else {
                // 4 KiB pages up to where a 2 MiB page can start (none can past the last one that fits).
                let next_huge = (a / HUGE + 1) * HUGE;
                let stop = if huge && next_huge + HUGE <= end { next_huge } else { end };
                let pages = (stop - a + PAGE_SIZE - 1) / PAGE_SIZE;
                self.page_table.map_run(VirtAddr(a), PhysAddr(a), pages, perm)?;
                a += pages * PAGE_SIZE;
            }
        }
        Ok(())
    }

    /// A user area [start, end) (page-aligned, inside user space) of zeroed frames of its own.
    /// On any failure nothing of it stays mapped.
    pub fn insert_framed(&mut self, start: VirtAddr, end: VirtAddr, perm: u64, name: &'static str) -> Result<(), MemoryError> {
        if !user_range(start.0, end.0) {
            return Err(MemoryError::BadRange(start));
        }
        let (first, last) = (start.floor(), end.floor());
        self.charge(last.0 - first.0)?;
        let kind = AreaKind { map: MapKind::Framed, perm: perm | pte::U, name };
        self.areas.insert(first.0, last.0, kind).map_err(|e| area_error(e, start.0))?;
        for vpn in first.0..last.0 {
            if let Err(e) = self.map_new_page(VirtPageNum(vpn), kind.perm) {
                self.remove(first, last);
                return Err(e);
            }
        }
        Ok(())
    }

    fn map_new_page(&mut self, vpn: VirtPageNum, perm: u64) -> Result<(), MemoryError> {
        self.charge(1 + self.page_table.tables_needed(vpn.addr(), PageSize::Size4K))?;
        let frame = FrameTracker::new().ok_or(MemoryError::OutOfFrames)?;
        self.page_table.map(vpn.addr(), frame.ppn().addr(), PageSize::Size4K, perm)?;
        self.frames.insert(vpn, frame);
        Ok(())
    }

    /// Unmap the pages [start, end) of the framed areas, splitting areas that stick out; their
    /// frames lose an owner (and are freed when that was the last).
    pub fn remove(&mut self, start: VirtPageNum, end: VirtPageNum) {
        for piece in self.areas.remove(start.0, end.0) {
            for vpn in piece.start..piece.end {
                // A page an unfinished insert_framed never got to is not mapped: nothing to undo.
                if self.frames.remove(&VirtPageNum(vpn)).is_some() {
                    self.page_table.unmap(VirtPageNum(vpn).addr()).expect("memory_set: a framed page without a mapping");
                }
            }
        }
        self.flush(None);
    }

    /// A copy of this (user) space for a child, copy-on-write: the same frames, shared, with
    /// every writable page read-only and marked COW in both spaces. The child inherits the
    /// quota, and must fit in it.
    pub fn fork(&mut self, kernel: &MemorySet) -> Result<MemorySet, MemoryError> {
        let mut child = MemorySet::new_user(kernel)?;
        child.quota = self.quota;
        child.heap = self.heap;
        child.charge(self.frames.len())?;
        for a in self.areas.iter() {
            child.areas.insert(a.start, a.end, a.tag).expect("memory_set: fork copies disjoint areas");
        }
        let shared = self.share_pages_with(&mut child);
        // This space's pages lost their write permission (also when the copy failed half-way):
        // forget the old translations.
        self.flush(None);
        shared.map(|_| child)
    }

    /// fork's page-by-page part: every framed page into `child`, writable ones turned
    /// copy-on-write here and there.
    fn share_pages_with(&mut self, child: &mut MemorySet) -> Result<(), MemoryError> {
        for (vpn, frame) in self.frames.iter() {
            let flags = self.page_table.translate(vpn.addr()).expect("memory_set: a framed page without a mapping").flags;
            let mut perm = flags & (pte::R | pte::W | pte::X | pte::U | pte::COW);
            if perm & pte::W != 0 {
                perm = (perm & !pte::W) | pte::COW;
                self.page_table.set_leaf(vpn.addr(), frame.ppn().addr(), perm)?;
            }
            child.charge(1 + child.page_table.tables_needed(vpn.addr(), PageSize::Size4K))?;
            child.page_table.map(vpn.addr(), frame.ppn().addr(), PageSize::Size4K, perm)?;
            child.frames.insert(*vpn, frame.share());
        }
        Ok(())
    }

    /// A write to `va` faulted: if it is a copy-on-write page, give this space a private
    /// writable page (a copy, or the same frame when no one else holds it any more). NotMapped
    /// when the page is not copy-on-write (a real fault).
    ///
    /// When the page keeps its frame, the new writable entry is not flushed from the TLB: a
    /// TLB that still holds the old read-only one makes the retried store fault once more,
    /// find the page writable already, and flush it (a spurious fault, the price of not
    /// flushing after every permission upgrade). A copy changes the frame, and then the TLB
    /// must forget the old one at once: loads may keep using a cached translation to the
    /// shared frame while stores go to the copy (RISC-V lets a hart cache loads' and stores'
    /// translations separately, and Chronos does).
    pub fn handle_cow_fault(&mut self, va: VirtAddr) -> Result<(), MemoryError> {
        let vpn = va.floor();
        let t = self.page_table.translate(va).ok_or(MemoryError::NotMapped(va))?;
        if t.flags & (pte::W | pte::U) == pte::W | pte::U {
            self.flush(Some(vpn.addr()));
            return Ok(());
        }
        if t.flags & pte::COW == 0 || !matches!(self.areas.find(vpn.0), Some(a) if a.tag.perm & pte::W != 0) {
            return Err(MemoryError::NotMapped(va));
        }
        let perm = (t.flags & (pte::R | pte::X | pte::U) | pte::W) & !pte::COW;
        let frame = self.frames.get(&vpn).expect("memory_set: a COW page without a frame");
        match cow_action(frame.owners()) {
            CowAction::Reuse => self.page_table.set_leaf(vpn.addr(), frame.ppn().addr(), perm)?,
            CowAction::Copy => {
                let copy = FrameTracker::new().ok_or(MemoryError::OutOfFrames)?;
                copy.bytes().copy_from_slice(frame.bytes());
                self.page_table.set_leaf(vpn.addr(), copy.ppn().addr(), perm)?;
                // The old frame loses this space as an owner.
                self.frames.insert(vpn, copy);
                self.flush(Some(vpn.addr()));
            }
        }
        Ok(())
    }

    /// Write `bytes` at `va` into this space's framed pages from the kernel side, whatever
    /// their permissions: the loader filling a read-only text segment, or exec putting the
    /// arguments on the stack of a space that is not running yet.
    pub fn init_bytes(&mut self, va: usize, bytes: &[u8]) -> Result<(), MemoryError> {
        let mut done = 0;
        while done < bytes.len() {
            let a = va + done;
            let n = (PAGE_SIZE - a % PAGE_SIZE).min(bytes.len() - done);
            let frame = self.frames.get(&VirtAddr(a).floor()).ok_or(MemoryError::NotMapped(VirtAddr(a)))?;
            let off = a % PAGE_SIZE;
            frame.bytes()[off..off + n].copy_from_slice(&bytes[done..done + n]);
            done += n;
        }
        Ok(())
    }

    /// Start an empty heap at `start` (page-aligned, after the segments).
    pub fn init_heap(&mut self, start: usize) {
        self.heap = Some(UserHeap { start, brk: start });
    }

    /// Move the heap's end to `new` (whole pages are mapped or unmapped as the end crosses
    /// them); returns the new break. Growing is all or nothing.
    pub fn set_brk(&mut self, new: usize) -> Result<usize, MemoryError> {
        let heap = self.heap.ok_or(MemoryError::BadRange(VirtAddr(new)))?;
        if new < heap.start || new > HEAP_LIMIT {
            return Err(MemoryError::BadRange(VirtAddr(new)));
        }
        let (first, old_end, new_end) = (heap.start >> PAGE_SHIFT, align_up(heap.brk, PAGE_SIZE) >> PAGE_SHIFT, align_up(new, PAGE_SIZE) >> PAGE_SHIFT);
        if new_end > old_end {
            self.charge(new_end - old_end)?;
            let kind = AreaKind { map: MapKind::Framed, perm: pte::R | pte::W | pte::U, name: "heap" };
            let r = if old_end == first { self.areas.insert(first, new_end, kind).map(|_| first) } else { self.areas.resize(first, new_end) };
            r.map_err(|e| area_error(e, new))?;
            for vpn in old_end..new_end {
                if let Err(e) = self.map_new_page(VirtPageNum(vpn), kind.perm) {
                    self.remove(VirtPageNum(old_end), VirtPageNum(new_end));
                    return Err(e);
                }
            }
        } else if new_end < old_end {
            self.remove(VirtPageNum(new_end), VirtPageNum(old_end));
        }
        self.heap = Some(UserHeap { start: heap.start, brk: new });
        Ok(new)
    }
}
