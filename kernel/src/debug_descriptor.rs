//! The Chronos debug descriptor: one static, CHRONOS_DEBUG, in its own section, telling a
//! debugger without DWARF where the kernel keeps its state: the frames (bitmap, buddy lists,
//! reference counts), the heap, the page tables, and since revision 2 the processes, the one
//! running on each hart, and the embedded user programs. The contract (every field, offset and
//! rule) is docs/debug-descriptor.md; a boot self-test checks the offsets below against the
//! real layout.
//!
//! Revision 2 only appends to revision 1 (and fills in the fields revision 1 reserved for the
//! buddy allocator, the reference counts and the task list), so `version` stays 1: a reader of
//! revision 1 reads a revision-2 descriptor as it always did.

use crate::mm::frame_allocator::{FrameStats, BITMAP_WORDS, FRAME_BITMAP, FRAME_BUDDY, FRAME_COUNT, FRAME_REFCOUNT, FRAME_STATS, BASE_PPN};
use crate::mm::memory_layout::{KERNEL_HEAP_SIZE, USER_BASE, USER_STACK_SIZE, USER_TOP};
use crate::programs::{Program, CHRONOS_PROGRAMS, PROGRAM_COUNT};
use crate::task::{ProcInfo, Process, TaskContext, CHRONOS_CURRENT_PID, CHRONOS_PROCS, MAX_HARTS, NAME_LEN, NPROC};
use crate::trap::TrapFrame;
use core::mem::size_of;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use mmcore::buddy::{BuddyNode, FreeArea, ORDERS};
use mmcore::freelist::{FreeList, FreeNode, MIN_BLOCK};

pub const MAGIC: [u8; 8] = *b"CHRNDBG\0";
/// The layout's compatibility version: it changes only when a reader of the old layout would
/// misread the new one. Revision 2 appends, so it is still 1.
pub const VERSION: u16 = 1;
pub const REVISION: u16 = 2;

/// flags: bit 0, a set bitmap bit means allocated; bit 1, the free list is address-ordered;
/// bit 2, the kernel identity-maps RAM (a kernel virtual address equals the physical one);
/// bit 3, the kernel is mapped in every process's address space (any satp reaches it).
pub const FLAGS: u8 = 0b1111;

#[derive(Copy, Clone)]
#[repr(u32)]
pub enum Stage {
    Early = 0,
    Heap = 1,
    Frames = 2,
    Paging = 3,
    /// init exists: the process table is in use.
    Processes = 4,
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
    // ---- revision 1 ended its fields here; revision 2 fills in what it had reserved ----
    pub revision: u16,                       // 152  (0 in revision 1)
    pub _reserved0: u16,                     // 154
    pub _reserved1: u32,                     // 156
    pub buddy_free_area: *const FreeArea,    // 160  [FreeArea; buddy_orders]
    pub frame_refcount: *const u8,           // 168  u8 per frame, indexed like the bitmap
    pub task_list: *const ProcInfo,          // 176  slot 0 of the process table
    pub _reserved: [u64; 3],                 // 184..208
    // ---- revision 2 appends from here ----
    pub buddy_orders: u8,                    // 208
    pub buddy_node_off_next: u8,             // 209
    pub buddy_node_off_prev: u8,             // 210
    pub buddy_node_off_order: u8,            // 211
    pub buddy_area_size: u16,                // 212
    pub refcount_size: u16,                  // 214
    pub proc_slots: u32,                     // 216
    pub proc_stride: u32,                    // 220
    pub proc_off: ProcOffsets,               // 224..260
    pub max_harts: u16,                      // 260
    pub trap_frame_size: u16,                // 262
    pub current_pid: *const AtomicU32,       // 264  u32 per hart
    pub programs: *const Program,            // 272
    pub program_count: u32,                  // 280
    pub program_size: u16,                   // 284
    pub context_size: u16,                   // 286
    pub user_base: u64,                      // 288
    pub user_top: u64,                       // 296
    pub user_stack_size: u64,                // 304
    pub timebase_hz: *const AtomicU64,       // 312
    pub timer_interrupts: *const AtomicU64,  // 320
    pub context_switches: *const AtomicU64,  // 328
    pub pte_cow_bit: u8,                     // 336
    pub _reserved2: [u8; 7],                 // 337..344
}

/// Where each field of a process slot is (offsets from the slot's start), revision 2.
#[repr(C)]
pub struct ProcOffsets {
    pub pid: u16,          // 224
    pub state: u16,        // 226
    pub ppid: u16,         // 228
    pub exit_code: u16,    // 230
    pub root_ppn: u16,     // 232
    pub name: u16,         // 234
    pub name_len: u16,     // 236
    pub frames: u16,       // 238
    pub quota: u16,        // 240
    pub kstack_base: u16,  // 242
    pub kstack_top: u16,   // 244
    pub trap_frame: u16,   // 246
    pub wait: u16,         // 248
    pub killed: u16,       // 250
    pub wake_at: u16,      // 252
    pub heap_start: u16,   // 254
    pub brk: u16,          // 256
    pub context: u16,      // 258
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
    size: size_of::<ChronosDebug>() as u16,
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
    node_size: size_of::<FreeNode>() as u16,
    node_off_size: 0,
    node_off_next: 8,
    heap_min_block: MIN_BLOCK as u16,
    revision: REVISION,
    _reserved0: 0,
    _reserved1: 0,
    // The lock's value comes first, and the buddy's free lists first in it.
    buddy_free_area: &FRAME_BUDDY as *const _ as *const FreeArea,
    frame_refcount: &FRAME_REFCOUNT as *const _ as *const u8,
    // Likewise the table's slots, and each slot's ProcInfo.
    task_list: &CHRONOS_PROCS as *const _ as *const ProcInfo,
    _reserved: [0; 3],
    buddy_orders: ORDERS as u8,
    buddy_node_off_next: 0,
    buddy_node_off_prev: 8,
    buddy_node_off_order: 16,
    buddy_area_size: size_of::<FreeArea>() as u16,
    refcount_size: 1,
    proc_slots: NPROC as u32,
    proc_stride: size_of::<Process>() as u32,
    // ProcInfo is repr(C): these follow from its fields, and the self-test checks them.
    proc_off: ProcOffsets {
        pid: 0, state: 4, ppid: 8, exit_code: 12, root_ppn: 16, name: 24, name_len: NAME_LEN as u16, frames: 40,
        quota: 48, kstack_base: 56, kstack_top: 64, trap_frame: 72, wait: 80, killed: 84, wake_at: 88,
        heap_start: 96, brk: 104, context: 112,
    },
    max_harts: MAX_HARTS as u16,
    trap_frame_size: size_of::<TrapFrame>() as u16,
    current_pid: &CHRONOS_CURRENT_PID as *const _ as *const AtomicU32,
    programs: &CHRONOS_PROGRAMS as *const _ as *const Program,
    program_count: PROGRAM_COUNT as u32,
    program_size: size_of::<Program>() as u16,
    context_size: size_of::<TaskContext>() as u16,
    user_base: USER_BASE as u64,
    user_top: USER_TOP as u64,
    user_stack_size: USER_STACK_SIZE as u64,
    timebase_hz: &crate::timer::TIMEBASE_HZ,
    timer_interrupts: &crate::timer::TIMER_INTERRUPTS,
    context_switches: &crate::task::SWITCHES,
    pte_cow_bit: mmcore::sv39::flags::COW.trailing_zeros() as u8,
    _reserved2: [0; 7],
};

/// The buddy node's layout, checked by the self-test against what buddy_node_off_* say.
pub fn buddy_node_offsets() -> [usize; 3] {
    let n = core::mem::MaybeUninit::<BuddyNode>::uninit();
    let b = n.as_ptr();
    unsafe { [core::ptr::addr_of!((*b).next) as usize - b as usize, core::ptr::addr_of!((*b).prev) as usize - b as usize, core::ptr::addr_of!((*b).order) as usize - b as usize] }
}

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

/// An empty function a debugger can set a breakpoint on to see every change the views show.
#[no_mangle]
#[inline(never)]
pub extern "C" fn chronos_debug_event(kind: u32) {
    // Keep the call and its argument: an empty asm statement the optimiser cannot remove.
    unsafe { core::arch::asm!("/* {0} */", in(reg) kind, options(nomem, nostack)) };
}
