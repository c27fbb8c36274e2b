//! SV39 page tables (ISA manual vol. II, §10.4). A table is one 4 KiB frame of 512 entries;
//! a virtual address picks one entry per level with VPN[2], VPN[1], VPN[0] (bits 38:30, 29:21,
//! 20:12). A leaf at level 2 maps 1 GiB, at level 1 2 MiB, at level 0 4 KiB. Intermediate
//! tables are allocated as mappings need them and freed when unmapping empties them; a
//! PageTable owns its frames and frees them when dropped. Kernel memory is identity-mapped, so
//! a table's physical address is also where the kernel reads it.

use super::frame_allocator::{alloc_frame, free_frame};
use super::memory_layout::{PhysAddr, PhysPageNum, VirtAddr, VirtPageNum, PAGE_SIZE};
use crate::debug_descriptor::{self, Event};
use alloc::vec::Vec;
use mmcore::sv39::{self, flags};

pub use mmcore::sv39::flags as pte;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PageSize {
    Size4K,
    Size2M,
    Size1G,
}

impl PageSize {
    pub fn level(self) -> usize {
        match self { PageSize::Size4K => 0, PageSize::Size2M => 1, PageSize::Size1G => 2 }
    }
    pub fn bytes(self) -> usize { PAGE_SIZE << (9 * self.level()) }
    fn at_level(level: usize) -> PageSize {
        match level { 0 => PageSize::Size4K, 1 => PageSize::Size2M, _ => PageSize::Size1G }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum MapError {
    AlreadyMapped(VirtAddr),
    Misaligned,
    NotMapped(VirtAddr),
    OutOfFrames,
    /// A huge page is in the way of a smaller mapping there.
    HugePageInTheWay(VirtAddr),
}

pub struct Translation {
    pub pa: PhysAddr,
    pub flags: u64,
    pub size: PageSize,
}

pub struct PageTable {
    root: PhysPageNum,
    /// Every table frame this table owns, the root first.
    frames: Vec<PhysPageNum>,
}

fn entries(ppn: PhysPageNum) -> &'static mut [u64; 512] {
    unsafe { &mut *(ppn.addr().0 as *mut [u64; 512]) }
}

impl PageTable {
    pub fn new() -> Result<Self, MapError> {
        let root = alloc_frame().ok_or(MapError::OutOfFrames)?;
        let mut frames = Vec::new();
        frames.push(root);
        Ok(PageTable { root, frames })
    }

    pub fn root_ppn(&self) -> PhysPageNum { self.root }
    pub fn table_frames(&self) -> usize { self.frames.len() }
    /// satp for this table with ASID 0 (the kernel's).
    pub fn satp(&self) -> usize { sv39::satp(self.root.0, 0) }

    /// Map `va` to `pa` with one page of `size` and the given R/W/X/U/G flags (A and D are
    /// set too, so the hardware never needs to).
    pub fn map(&mut self, va: VirtAddr, pa: PhysAddr, size: PageSize, perm: u64) -> Result<(), MapError> {
        if va.0 % size.bytes() != 0 || pa.0 % size.bytes() != 0 {
            return Err(MapError::Misaligned);
        }
        let vpn = va.floor().0;
        let mut table = self.root;
        for level in (size.level() + 1..3).rev() {
            let e = &mut entries(table)[sv39::index(vpn, level)];
            if *e & flags::V == 0 {
                let t = alloc_frame().ok_or(MapError::OutOfFrames)?;
                self.frames.push(t);
                *e = sv39::make_pte(t.0, flags::V);
            } else if sv39::is_leaf(*e) {
                return Err(MapError::HugePageInTheWay(va));
            }
            table = PhysPageNum(sv39::pte_ppn(*e));
        }
        let e = &mut entries(table)[sv39::index(vpn, size.level())];
        if *e & flags::V != 0 {
            return Err(MapError::AlreadyMapped(va));
        }
        *e = sv39::make_pte(pa.floor().0, perm | flags::V | flags::A | flags::D);
        debug_descriptor::event(Event::Map);
        Ok(())
    }

    /// Map `count` consecutive 4 KiB pages from `va` to `pa`: the same tables, made in the same
    /// order, the same entries and events as `count` calls of `map`, and the same error at the
    /// first page that has one (the pages before it stay mapped). Only the first page of each
    /// leaf table walks from the root; the rest are written into that table. At opt-level 0 a
    /// walk per page cost some 1,200 instructions, and the kernel's own space maps thousands
    /// of pages at boot (most of the boot's instructions went there).
    pub fn map_run(&mut self, va: VirtAddr, pa: PhysAddr, count: usize, perm: u64) -> Result<(), MapError> {
        let mut done = 0;
        while done < count {
            let first = VirtAddr(va.0 + done * PAGE_SIZE);
            self.map(first, PhysAddr(pa.0 + done * PAGE_SIZE), PageSize::Size4K, perm)?;
            done += 1;
            let (path, depth) = self.walk(first);
            let (table, at) = path[depth];
            let leaf = entries(table);
            let mut idx = at + 1;
            while idx < sv39::ENTRIES && done < count {
                if leaf[idx] & flags::V != 0 {
                    return Err(MapError::AlreadyMapped(VirtAddr(va.0 + done * PAGE_SIZE)));
                }
                leaf[idx] = sv39::make_pte((pa.0 + done * PAGE_SIZE) >> 12, perm | flags::V | flags::A | flags::D);
                debug_descriptor::event(Event::Map);
                idx += 1;
                done += 1;
            }
        }
        Ok(())
    }

    /// Map [va, va + len) to [pa, pa + len) with 4 KiB pages.
    pub fn map_range(&mut self, va: usize, pa: usize, len: usize, perm: u64) -> Result<(), MapError> {
        let mut off = 0;
        while off < len {
            self.map(VirtAddr(va + off), PhysAddr(pa + off), PageSize::Size4K, perm)?;
            off += PAGE_SIZE;
        }
        Ok(())
    }

    /// The chain of tables down to `va`'s entry: (table, index) per level, root first.
    fn walk(&self, va: VirtAddr) -> ([(PhysPageNum, usize); 3], usize) {
        let vpn = va.floor().0;
        let mut path = [(self.root, 0); 3];
        let mut table = self.root;
        for (depth, level) in (0..3).rev().enumerate() {
            let idx = sv39::index(vpn, level);
            path[depth] = (table, idx);
            let e = entries(table)[idx];
            if e & flags::V == 0 || sv39::is_leaf(e) || level == 0 {
                return (path, depth);
            }
            table = PhysPageNum(sv39::pte_ppn(e));
        }
        (path, 2)
    }

    pub fn translate(&self, va: VirtAddr) -> Option<Translation> {
        let (path, depth) = self.walk(va);
        let (table, idx) = path[depth];
        let e = entries(table)[idx];
        if !sv39::is_leaf(e) {
            return None;
        }
        let size = PageSize::at_level(2 - depth);
        let offset = va.as_usize() & (size.bytes() - 1);
        Some(Translation { pa: PhysAddr(sv39::pte_ppn(e) * PAGE_SIZE + offset), flags: sv39::pte_flags(e), size })
    }

    /// How many new tables mapping one page of `size` at `va` would allocate (0 to 2): what a
    /// frame quota must count before the mapping is made.
    pub fn tables_needed(&self, va: VirtAddr, size: PageSize) -> usize {
        let vpn = va.floor().0;
        let mut table = self.root;
        for level in (size.level() + 1..3).rev() {
            let e = entries(table)[sv39::index(vpn, level)];
            if e & flags::V == 0 {
                return level - size.level();
            }
            table = PhysPageNum(sv39::pte_ppn(e));
        }
        0
    }

    /// Make this new, empty table's root entries `other`'s, so that everything `other` maps is
    /// mapped here too and stays in step with it (the kernel's part of every process's address
    /// space). The tables they point to stay `other`'s: this table never frees them.
    pub fn share_root_entries(&mut self, other: &PageTable) {
        assert!(self.frames.len() == 1, "share_root_entries: the table at {:?} is not new", self.root);
        *entries(self.root) = *entries(other.root);
    }

    /// Rewrite the 4 KiB leaf that maps `va`: a new frame and/or new R/W/X/U/G/COW flags (A and
    /// D set). Copy-on-write uses it to turn pages read-only at fork and writable again after.
    pub fn set_leaf(&mut self, va: VirtAddr, pa: PhysAddr, perm: u64) -> Result<(), MapError> {
        let (path, depth) = self.walk(va);
        let (table, idx) = path[depth];
        let e = &mut entries(table)[idx];
        if depth != 2 || !sv39::is_leaf(*e) {
            return Err(MapError::NotMapped(va));
        }
        *e = sv39::make_pte(pa.floor().0, perm | flags::V | flags::A | flags::D);
        debug_descriptor::event(Event::Map);
        Ok(())
    }

    /// Remove the mapping that covers `va`; tables it leaves empty are freed.
    pub fn unmap(&mut self, va: VirtAddr) -> Result<Translation, MapError> {
        let t = self.translate(va).ok_or(MapError::NotMapped(va))?;
        let (path, depth) = self.walk(va);
        let (table, idx) = path[depth];
        entries(table)[idx] = 0;
        // Free each now-empty table bottom-up (never the root, nor a table shared from
        // another page table).
        for d in (1..=depth).rev() {
            let (t, _) = path[d];
            if entries(t).iter().any(|&e| e & flags::V != 0) || !self.frames.contains(&t) {
                break;
            }
            let (parent, pidx) = path[d - 1];
            entries(parent)[pidx] = 0;
            self.frames.retain(|&f| f != t);
            free_frame(t);
        }
        debug_descriptor::event(Event::Unmap);
        Ok(t)
    }

}

impl Drop for PageTable {
    fn drop(&mut self) {
        for &f in &self.frames {
            free_frame(f);
        }
    }
}

/// Forget cached translations after a mapping lost permissions or went away: of one page, or
/// of everything.
pub fn flush_tlb(va: Option<VirtAddr>) {
    match va {
        Some(va) => unsafe { core::arch::asm!("sfence.vma {0}, zero", in(reg) va.0) },
        None => unsafe { core::arch::asm!("sfence.vma") },
    }
}

/// Whether `va` is mapped under `satp`'s tables; used by tests to look at the live space.
pub fn is_mapped(va: VirtPageNum, root: PhysPageNum) -> bool {
    let mut table = root;
    for level in (0..3).rev() {
        let e = entries(table)[sv39::index(va.0, level)];
        if e & flags::V == 0 {
            return false;
        }
        if sv39::is_leaf(e) {
            return true;
        }
        table = PhysPageNum(sv39::pte_ppn(e));
    }
    false
}
