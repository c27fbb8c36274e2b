//! The process control block. Its first part, ProcInfo, is plain repr(C) data with a layout the
//! debugger reads (docs/debug-descriptor.md): pid, parent, state, exit code, the address space's
//! root table, the program's name, frame counts, where its kernel stack and saved registers are.
//! Those fields are the kernel's own record, not a copy made for the debugger, except `frames`,
//! `quota`, `root_ppn`, `heap_start` and `brk`, which mirror the memory set and are refreshed
//! (under the table lock) after every change to it.

use super::context::TaskContext;
use crate::mm::frame_allocator::FrameRun;
use crate::mm::memory_set::MemorySet;
use crate::trap::TrapFrame;

pub const NAME_LEN: usize = 16;
/// A kernel stack: 8 frames, 32 KiB, one buddy block. The kernel is built at opt-level 0, so
/// its frames are large.
pub const KSTACK_FRAMES: usize = 8;
/// Written at the bottom of every kernel stack and checked at every switch: a kernel stack
/// has no guard page (the kernel's RAM is identity-mapped), so this is how an overflow shows.
pub const KSTACK_CANARY: u64 = 0xc0de_57ac_c0de_57ac;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ProcState {
    Unused = 0,
    Ready = 1,
    Running = 2,
    Sleeping = 3,
    Zombie = 4,
}

impl ProcState {
    pub fn name(self) -> &'static str {
        match self {
            ProcState::Unused => "unused",
            ProcState::Ready => "ready",
            ProcState::Running => "running",
            ProcState::Sleeping => "sleeping",
            ProcState::Zombie => "zombie",
        }
    }
}

/// What a sleeping process waits for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum WaitReason {
    None = 0,
    /// The time in `wake_at`.
    Timer = 1,
    /// A child to exit.
    Child = 2,
    /// Console input.
    Console = 3,
}

/// How a process ended, as waitpid reports it: the code it passed to exit, or one of these
/// (negative, so no exit(code) with a code in 0..=255 can be mistaken for them).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ExitCode(pub i32);

impl ExitCode {
    /// Killed by kill().
    pub const KILLED: ExitCode = ExitCode(-9);
    /// Killed for a fault it took (a bad access, an illegal instruction, ...).
    pub const FAULT: ExitCode = ExitCode(-11);
    /// Killed because memory ran out where no error could be returned (a copy-on-write copy).
    pub const OUT_OF_MEMORY: ExitCode = ExitCode(-12);
}

/// The part of the PCB the debugger reads. The layout is part of the debugger contract.
#[repr(C)]
pub struct ProcInfo {
    /// 0 marks a free slot.
    pub pid: u32,
    pub state: u32,
    pub ppid: u32,
    pub exit_code: i32,
    /// PPN of the address space's root table; 0 when the process has none (a zombie).
    pub root_ppn: u64,
    /// The program's name, NUL-padded.
    pub name: [u8; NAME_LEN],
    /// Frames its address space holds (pages, shared ones included, and page tables).
    pub frames: u64,
    /// The most frames it may hold; 0 for no limit.
    pub quota: u64,
    pub kstack_base: u64,
    pub kstack_top: u64,
    /// Where its user registers are saved (a TrapFrame just below kstack_top).
    pub trap_frame: u64,
    pub wait: u32,
    /// Nonzero once kill() was called on it.
    pub killed: u32,
    /// With wait = Timer, the time (timebase ticks) it wakes at.
    pub wake_at: u64,
    pub heap_start: u64,
    pub brk: u64,
    /// Its kernel thread's registers while it is not running.
    pub context: TaskContext,
}

pub struct Process {
    pub info: ProcInfo,
    pub memory: Option<MemorySet>,
    pub kstack: Option<FrameRun>,
}

impl Process {
    pub const EMPTY: Process = Process {
        info: ProcInfo {
            pid: 0, state: ProcState::Unused as u32, ppid: 0, exit_code: 0, root_ppn: 0, name: [0; NAME_LEN], frames: 0,
            quota: 0, kstack_base: 0, kstack_top: 0, trap_frame: 0, wait: WaitReason::None as u32, killed: 0, wake_at: 0,
            heap_start: 0, brk: 0, context: TaskContext::zero(),
        },
        memory: None,
        kstack: None,
    };

    pub fn pid(&self) -> u32 { self.info.pid }

    pub fn state(&self) -> ProcState {
        match self.info.state {
            1 => ProcState::Ready,
            2 => ProcState::Running,
            3 => ProcState::Sleeping,
            4 => ProcState::Zombie,
            _ => ProcState::Unused,
        }
    }

    pub fn wait_reason(&self) -> WaitReason {
        match self.info.wait {
            1 => WaitReason::Timer,
            2 => WaitReason::Child,
            3 => WaitReason::Console,
            _ => WaitReason::None,
        }
    }

    pub fn set_state(&mut self, state: ProcState) {
        self.info.state = state as u32;
        if state != ProcState::Sleeping {
            self.info.wait = WaitReason::None as u32;
        }
    }

    pub fn sleep_on(&mut self, reason: WaitReason) {
        self.info.state = ProcState::Sleeping as u32;
        self.info.wait = reason as u32;
    }

    pub fn is_waiting(&self, reason: WaitReason) -> bool {
        self.state() == ProcState::Sleeping && self.wait_reason() == reason
    }

    pub fn killed(&self) -> bool { self.info.killed != 0 }

    pub fn name(&self) -> &str {
        let n = self.info.name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        core::str::from_utf8(&self.info.name[..n]).unwrap_or("?")
    }

    /// Keep the first NAME_LEN bytes (cut at a character boundary).
    pub fn set_name(&mut self, name: &str) {
        let mut n = name.len().min(NAME_LEN);
        while !name.is_char_boundary(n) {
            n -= 1;
        }
        self.info.name = [0; NAME_LEN];
        self.info.name[..n].copy_from_slice(&name.as_bytes()[..n]);
    }

    /// Its saved user registers. The frame lives in the process's own kernel stack, which
    /// only this process's kernel thread and, while it is stopped, the kernel on its behalf
    /// (fork, exec) touch.
    pub fn trap_frame(&self) -> &'static mut TrapFrame {
        assert!(self.info.trap_frame != 0, "trap_frame: pid {} has no kernel stack", self.info.pid);
        unsafe { &mut *(self.info.trap_frame as *mut TrapFrame) }
    }

    /// A kernel stack with the trap frame at its top and the canary at its bottom.
    pub fn give_kernel_stack(&mut self, stack: FrameRun) {
        self.info.kstack_base = stack.start() as u64;
        self.info.kstack_top = stack.end() as u64;
        self.info.trap_frame = (stack.end() - core::mem::size_of::<TrapFrame>()) as u64;
        unsafe { *(stack.start() as *mut u64) = KSTACK_CANARY };
        self.kstack = Some(stack);
    }

    pub fn kernel_stack_intact(&self) -> bool {
        self.kstack.is_none() || unsafe { *(self.info.kstack_base as *const u64) } == KSTACK_CANARY
    }

    /// Copy the memory set's figures into the published fields.
    pub fn refresh_memory_info(&mut self) {
        let (root, frames, quota, heap) = match &self.memory {
            Some(m) => (m.root_ppn().0 as u64, m.frames_in_use() as u64, m.quota().unwrap_or(0) as u64, m.heap()),
            None => (0, 0, self.info.quota, None),
        };
        self.info.root_ppn = root;
        self.info.frames = frames;
        self.info.quota = quota;
        self.info.heap_start = heap.map(|h| h.start as u64).unwrap_or(0);
        self.info.brk = heap.map(|h| h.brk as u64).unwrap_or(0);
    }
}
