//! Address-space identifiers (satp.ASID, ISA manual vol. II, §10.1.11). Each user address space
//! gets an ASID no live space has, so the TLB can hold several spaces' translations at once and
//! switching processes is a satp write without a TLB flush. ASIDs are handed out in order;
//! when they run out, a new generation starts: one flush of the whole TLB, and every space
//! takes a fresh ASID the next time it is switched to. The kernel's own space is ASID 0 (its
//! mappings are global, so they serve every ASID anyway).
//!
//! A hart may implement no ASID bits at all (satp.ASID reads back as 0); then every switch
//! flushes, as it must.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How many ASID bits the hart keeps (0 to 16), found at boot.
static BITS: AtomicUsize = AtomicUsize::new(0);
static NEXT: AtomicUsize = AtomicUsize::new(1);
static GENERATION: AtomicU64 = AtomicU64::new(1);

const SATP_ASID_SHIFT: usize = 44;
const SATP_ASID_MASK: usize = 0xffff << SATP_ASID_SHIFT;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Asid {
    pub value: u16,
    generation: u64,
}

impl Asid {
    /// The kernel's: 0, never stale.
    pub const KERNEL: Asid = Asid { value: 0, generation: 0 };

    pub fn is_current(self) -> bool {
        self.generation == 0 || self.generation == GENERATION.load(Ordering::Relaxed)
    }
}

/// Find out how many ASID bits satp keeps: write all ones with the table that is loaded, read
/// back, put the old value back.
pub fn init() {
    let (old, back): (usize, usize);
    unsafe {
        core::arch::asm!("csrr {0}, satp", out(reg) old);
        core::arch::asm!("csrw satp, {0}", "csrr {1}, satp", "csrw satp, {2}", "sfence.vma",
            in(reg) old | SATP_ASID_MASK, out(reg) back, in(reg) old);
    }
    BITS.store(((back & SATP_ASID_MASK) >> SATP_ASID_SHIFT).count_ones() as usize, Ordering::Relaxed);
}

pub fn bits() -> usize {
    BITS.load(Ordering::Relaxed)
}

/// An ASID for a new address space (0, with flushing on every switch, if the hart has none).
pub fn fresh() -> Asid {
    let bits = bits();
    if bits == 0 {
        return Asid::KERNEL;
    }
    let mut n = NEXT.fetch_add(1, Ordering::Relaxed);
    if n >= 1 << bits {
        // Out of ASIDs: a new generation. Every ASID may have stale entries, so flush them all.
        GENERATION.fetch_add(1, Ordering::Relaxed);
        NEXT.store(2, Ordering::Relaxed);
        n = 1;
        unsafe { core::arch::asm!("sfence.vma") };
    }
    Asid { value: n as u16, generation: GENERATION.load(Ordering::Relaxed) }
}

/// Does switching to a table need a TLB flush? Only when the hart has no ASIDs.
pub fn switch_needs_flush() -> bool {
    bits() == 0
}
