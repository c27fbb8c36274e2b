//! Physical and virtual addresses, page numbers, and where everything lives in RAM.
//!
//! The physical map on QEMU `virt`:
//!   0x8000_0000 .. 0x8020_0000   SBI firmware (OpenSBI), not ours to touch
//!   0x8020_0000 .. ekernel       the kernel image (text, rodata, data, bss; linker symbols)
//!   ekernel     .. +8 MiB        the kernel heap
//!   heap end    .. end of RAM    free frames (RAM size from the device tree)
//! The device tree itself sits near the top of RAM; the frame allocator leaves it alone.
//!
//! The kernel's mappings are the same in every address space (identity-mapped: devices below
//! 1 GiB, RAM from 2 GiB). User programs live in the gigabyte between, [USER_BASE, USER_TOP),
//! which is root entry 1 of every process's page table and nothing of the kernel's:
//!   USER_BASE ..              the program's segments (text, rodata, data and bss), then its heap
//!   .. USER_STACK_TOP         the user stack, USER_STACK_SIZE bytes, with unmapped pages below
//!                             it and the kernel's supervisor-only RAM above, so running off
//!                             either end faults
//!
//! SV39 virtual addresses are 39 bits, sign-extended to 64; physical addresses are 56 bits.

use core::fmt;

pub const PAGE_SIZE: usize = 4096;
pub const PAGE_SHIFT: usize = 12;
pub const PA_WIDTH_SV39: usize = 56;
pub const VA_WIDTH_SV39: usize = 39;
pub const PPN_WIDTH_SV39: usize = PA_WIDTH_SV39 - PAGE_SHIFT;
pub const VPN_WIDTH_SV39: usize = VA_WIDTH_SV39 - PAGE_SHIFT;

pub const FIRMWARE_START: usize = 0x8000_0000;
pub const KERNEL_START: usize = 0x8020_0000;
pub const KERNEL_HEAP_SIZE: usize = 8 * 1024 * 1024;
/// The most RAM the frame bitmap can describe (its size is fixed at build time).
pub const MAX_RAM: usize = 1024 * 1024 * 1024;

pub const USER_BASE: usize = 0x4000_0000;
pub const USER_TOP: usize = 0x8000_0000;
pub const USER_STACK_TOP: usize = USER_TOP;
pub const USER_STACK_SIZE: usize = 64 * 1024;

/// Memory-mapped devices on QEMU `virt` the kernel maps: (name, base, size).
pub const MMIO: &[(&str, usize, usize)] = &[
    ("finisher", 0x10_0000, 0x1000),
    ("clint", 0x200_0000, 0x1_0000),
    ("plic", 0xc00_0000, 0x60_0000),
    ("uart", 0x1000_0000, 0x1000),
];

extern "C" {
    fn stext();
    fn etext();
    fn srodata();
    fn erodata();
    fn sdata();
    fn ekernel();
}

/// The kernel image's parts, from the linker script.
pub fn text() -> (usize, usize) { (stext as usize, etext as usize) }
pub fn rodata() -> (usize, usize) { (srodata as usize, erodata as usize) }
/// Data and bss together (both read-write).
pub fn data() -> (usize, usize) { (sdata as usize, ekernel as usize) }
pub fn kernel_end() -> usize { ekernel as usize }
pub fn heap_start() -> usize { align_up(kernel_end(), PAGE_SIZE) }
pub fn heap_end() -> usize { heap_start() + KERNEL_HEAP_SIZE }

pub const fn align_up(v: usize, a: usize) -> usize { (v + a - 1) & !(a - 1) }
pub const fn align_down(v: usize, a: usize) -> usize { v & !(a - 1) }

#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PhysAddr(pub usize);

#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VirtAddr(pub usize);

#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PhysPageNum(pub usize);

#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VirtPageNum(pub usize);

impl PhysAddr {
    pub fn new(v: usize) -> Self { PhysAddr(v & ((1 << PA_WIDTH_SV39) - 1)) }
    pub fn page_offset(self) -> usize { self.0 & (PAGE_SIZE - 1) }
    pub fn floor(self) -> PhysPageNum { PhysPageNum(self.0 >> PAGE_SHIFT) }
    pub fn ceil(self) -> PhysPageNum { PhysPageNum((self.0 + PAGE_SIZE - 1) >> PAGE_SHIFT) }
    pub fn is_aligned(self) -> bool { self.page_offset() == 0 }
}

impl VirtAddr {
    /// Keep the low 39 bits; `as_usize` sign-extends them back.
    pub fn new(v: usize) -> Self { VirtAddr(v & ((1 << VA_WIDTH_SV39) - 1)) }
    pub fn as_usize(self) -> usize {
        if self.0 & (1 << (VA_WIDTH_SV39 - 1)) != 0 { self.0 | !((1 << VA_WIDTH_SV39) - 1) } else { self.0 }
    }
    pub fn page_offset(self) -> usize { self.0 & (PAGE_SIZE - 1) }
    pub fn floor(self) -> VirtPageNum { VirtPageNum(self.0 >> PAGE_SHIFT) }
    pub fn ceil(self) -> VirtPageNum { VirtPageNum((self.0 + PAGE_SIZE - 1) >> PAGE_SHIFT) }
}

impl PhysPageNum {
    pub fn addr(self) -> PhysAddr { PhysAddr(self.0 << PAGE_SHIFT) }
}

impl VirtPageNum {
    pub fn addr(self) -> VirtAddr { VirtAddr(self.0 << PAGE_SHIFT) }
}

impl From<usize> for PhysAddr { fn from(v: usize) -> Self { PhysAddr::new(v) } }
impl From<usize> for VirtAddr { fn from(v: usize) -> Self { VirtAddr::new(v) } }
impl From<PhysPageNum> for PhysAddr { fn from(p: PhysPageNum) -> Self { p.addr() } }
impl From<VirtPageNum> for VirtAddr { fn from(p: VirtPageNum) -> Self { p.addr() } }

impl fmt::Debug for PhysAddr { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "PA:{:#x}", self.0) } }
impl fmt::Debug for VirtAddr { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "VA:{:#x}", self.as_usize()) } }
impl fmt::Debug for PhysPageNum { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "PPN:{:#x}", self.0) } }
impl fmt::Debug for VirtPageNum { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "VPN:{:#x}", self.0) } }
