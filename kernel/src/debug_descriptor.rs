//! The Chronos debug descriptor: one static, CHRONOS_DEBUG, in its own section, telling a
//! debugger without DWARF where the kernel keeps its memory-management state. The contract
//! (every field, offset and rule) is docs/debug-descriptor.md; a boot self-test checks the
//! offsets below against the real layout.

use crate::mm::frame_allocator::{FrameStats, BITMAP_WORDS, FRAME_BITMAP, FRAME_STATS, BASE_PPN, FRAME_COUNT};
use crate::mm::memory_layout::KERNEL_HEAP_SIZE;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use mmcore::freelist::{FreeList, FreeNode, MIN_BLOCK};

pub const MAGIC: [u8; 8] = *b"CHRNDBG\0";
pub const VERSION: u16 = 1;
/// A roadmap field that is not built yet.
pub const UNIMPLEMENTED: u64 = u64::MAX;

/// flags: bit 0, a set bitmap bit means allocated; bit 1, the free list is address-ordered;
/// bit 2, the kernel identity-maps RAM (a kernel virtual address equals the physical one).
pub const FLAGS: u8 = 0b111;

#[derive(Copy, Clone)]
#[repr(u32)]
pub enum Stage {
    Early = 0,
    Heap = 1,
    Frames = 2,
    Paging = 3,
}

/// What kind of change bumped the generation (passed to chronos_debug_event).
#[derive(Copy, Clone)]
#[repr(u32)]
pub enum Event {
    FrameAlloc = 1,
    FrameFree = 2,
    HeapAlloc = 3,
    HeapFree = 4,
    Map = 5,
    Unmap = 6,
    /// A frame got another owner (a page shared copy-on-write).
    FrameShare = 7,
    /// A shared frame lost an owner and is still in use.
    FrameUnshare = 8,
    /// A process was created (init or fork).
    ProcessCreate = 9,
    /// A process runs a new program (exec).
    ProcessExec = 10,
    /// A process exited (it is a zombie now).
    ProcessExit = 11,
    /// A zombie was collected (its slot is free).
    ProcessReap = 12,
}

/// Values known only at run time, which the descriptor points to.
#[repr(C)]
pub struct DebugState {
    pub stage: AtomicU32,
    pub _pad: u32,
    pub generation: AtomicU64,
    pub mem_start: AtomicU64,
    pub mem_end: AtomicU64,
    pub heap_start: AtomicU64,
    pub root_ppn: AtomicU64,
}

#[no_mangle]
pub static CHRONOS_DEBUG_STATE: DebugState = DebugState {
    stage: AtomicU32::new(0), _pad: 0, generation: AtomicU64::new(0), mem_start: AtomicU64::new(0),
    mem_end: AtomicU64::new(0), heap_start: AtomicU64::new(0), root_ppn: AtomicU64::new(0),
};
pub use CHRONOS_DEBUG_STATE as STATE;

#[repr(C)]
pub struct ChronosDebug {
    pub magic: [u8; 8],                      //   0
    pub version: u16,                        //   8
    pub size: u16,                           //  10
    pub ptr_size: u8,                        //  12
    pub page_shift: u8,                      //  13
    pub paging_mode: u8,                     //  14  (8 = SV39, as in satp.MODE)
    pub flags: u8,                           //  15
    pub stage: *const AtomicU32,             //  16
    pub generation: *const AtomicU64,        //  24
    pub mem_start: *const AtomicU64,         //  32
    pub mem_end: *const AtomicU64,           //  40
    pub kernel_start: *const u8,             //  48
    pub kernel_end: *const u8,               //  56
    pub heap_start: *const AtomicU64,        //  64
    pub heap_size: u64,                      //  72
    pub frame_bitmap: *const AtomicU64,      //  80
    pub frame_bitmap_words: u64,             //  88
    pub frame_base_ppn: *const AtomicU64,    //  96
    pub frame_count: *const AtomicU64,       // 104
    pub frame_stats: *const FrameStats,      // 112
    pub kernel_root_ppn: *const AtomicU64,   // 120
    pub heap_head: *const FreeNode,          // 128
    pub heap_free_list: *const FreeList,     // 136
    pub node_size: u16,                      // 144
    pub node_off_size: u16,                  // 146
    pub node_off_next: u16,                  // 148
    pub heap_min_block: u16,                 // 150
    pub _reserved0: u32,                     // 152
    pub _reserved1: u32,                     // 156
    pub buddy_free_area: u64,                // 160  roadmap
    pub frame_refcount: u64,                 // 168  roadmap (copy-on-write)
    pub task_list: u64,                      // 176  roadmap
    pub _reserved: [u64; 3],                 // 184..208
}

unsafe impl Sync for ChronosDebug {}

extern "C" {
    fn stext();
    fn ekernel();
}

#[no_mangle]
#[used]
#[link_section = ".chronos_debug"]
pub static CHRONOS_DEBUG: ChronosDebug = ChronosDebug {
    magic: MAGIC,
    version: VERSION,
    size: core::mem::size_of::<ChronosDebug>() as u16,
    ptr_size: 8,
    page_shift: 12,
    paging_mode: 8,
    flags: FLAGS,
    stage: &CHRONOS_DEBUG_STATE.stage,
    generation: &CHRONOS_DEBUG_STATE.generation,
    mem_start: &CHRONOS_DEBUG_STATE.mem_start,
    mem_end: &CHRONOS_DEBUG_STATE.mem_end,
    kernel_start: stext as *const u8,
    kernel_end: ekernel as *const u8,
    heap_start: &CHRONOS_DEBUG_STATE.heap_start,
    heap_size: KERNEL_HEAP_SIZE as u64,
    frame_bitmap: &FRAME_BITMAP as *const _ as *const AtomicU64,
    frame_bitmap_words: BITMAP_WORDS as u64,
    frame_base_ppn: &BASE_PPN,
    frame_count: &FRAME_COUNT,
    frame_stats: &FRAME_STATS,
    kernel_root_ppn: &CHRONOS_DEBUG_STATE.root_ppn,
    heap_head: &crate::mm::heap::KERNEL_HEAP as *const crate::mm::heap::KernelHeap as *const FreeNode,
    heap_free_list: &crate::mm::heap::KERNEL_HEAP as *const crate::mm::heap::KernelHeap as *const FreeList,
    node_size: core::mem::size_of::<FreeNode>() as u16,
    node_off_size: 0,
    node_off_next: 8,
    heap_min_block: MIN_BLOCK as u16,
    _reserved0: 0,
    _reserved1: 0,
    buddy_free_area: UNIMPLEMENTED,
    frame_refcount: UNIMPLEMENTED,
    task_list: UNIMPLEMENTED,
    _reserved: [0; 3],
};

pub fn set_stage(s: Stage) {
    STATE.stage.store(s as u32, Ordering::Release);
    if let Stage::Heap = s {
        STATE.heap_start.store(crate::mm::memory_layout::heap_start() as u64, Ordering::Release);
    }
}

/// Bump the generation after a change, then call the hook a debugger may break on.
#[inline(always)]
pub fn event(kind: Event) {
    STATE.generation.fetch_add(1, Ordering::Release);
    chronos_debug_event(kind as u32);
}

/// An empty function a debugger can set a breakpoint on to see every allocator change.
#[no_mangle]
#[inline(never)]
pub extern "C" fn chronos_debug_event(kind: u32) {
    // Keep the call and its argument: an empty asm statement the optimiser cannot remove.
    unsafe { core::arch::asm!("/* {0} */", in(reg) kind, options(nomem, nostack)) };
}
