//! SV39 arithmetic (ISA manual vol. II, §10.4): a virtual page number splits into three 9-bit
//! table indices, level 2 first; a page-table entry holds a 44-bit PPN above 10 flag bits.

pub const ENTRIES: usize = 512;

pub mod flags {
    pub const V: u64 = 1 << 0;
    pub const R: u64 = 1 << 1;
    pub const W: u64 = 1 << 2;
    pub const X: u64 = 1 << 3;
    pub const U: u64 = 1 << 4;
    pub const G: u64 = 1 << 5;
    pub const A: u64 = 1 << 6;
    pub const D: u64 = 1 << 7;
    /// The first of the two RSW bits the hardware ignores: Chronos OS marks a page it made
    /// read-only for copy-on-write with it.
    pub const COW: u64 = 1 << 8;
}

/// The table index a virtual page number uses at `level` (2 is the root).
pub const fn index(vpn: usize, level: usize) -> usize {
    (vpn >> (9 * level)) & (ENTRIES - 1)
}

/// Pages covered by one entry at `level`: 1, 512 (2 MiB) or 512*512 (1 GiB).
pub const fn pages_at(level: usize) -> usize {
    1 << (9 * level)
}

pub const fn make_pte(ppn: usize, flags: u64) -> u64 {
    ((ppn as u64) << 10) | flags
}

pub const fn pte_ppn(pte: u64) -> usize {
    ((pte >> 10) & ((1 << 44) - 1)) as usize
}

pub const fn pte_flags(pte: u64) -> u64 {
    pte & 0x3ff
}

/// A valid entry with any of R, W, X is a leaf; one with none points to the next table.
pub const fn is_leaf(pte: u64) -> bool {
    pte & flags::V != 0 && pte & (flags::R | flags::W | flags::X) != 0
}

/// satp for SV39 with a root table at `root_ppn`.
pub const fn satp(root_ppn: usize, asid: usize) -> usize {
    (8 << 60) | ((asid & 0xffff) << 44) | root_ppn
}
