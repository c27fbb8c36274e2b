//! Traps. One vector, __trap_entry (trap.S), takes them from both modes and saves the
//! interrupted registers as a TrapFrame: on the current kernel stack for a trap from the kernel
//! (kernel_trap), at the top of the process's kernel stack for a trap from user mode
//! (user_trap). A user trap is a system call, a timer interrupt (the time slice is over), a
//! copy-on-write page to copy, or a fault: the process is killed with a report and the kernel
//! goes on. The kernel itself runs with interrupts off (sstatus.SIE is never set: the idle
//! loop's wfi wakes without taking the interrupt), so any trap in the kernel is a kernel bug,
//! reported with its cause in words, and it fails the run.

use crate::mm::memory_layout::VirtAddr;
use crate::mm::memory_set::MemoryError;
use crate::task::{self, ExitCode};

/// The registers of an interrupted context. The layout is trap.S's and part of the debugger
/// contract (docs/debug-descriptor.md): x1..x31 at their register numbers (x[0] is unused, x[2]
/// is the interrupted sp), then sstatus and sepc. (Once the kernel supports F/D, the FP
/// registers and fcsr will have to be saved here too, for user traps with sstatus.FS dirty.)
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TrapFrame {
    pub x: [usize; 32],
    pub sstatus: usize,
    pub sepc: usize,
}

impl TrapFrame {
    pub const fn zero() -> Self { TrapFrame { x: [0; 32], sstatus: 0, sepc: 0 } }
}

/// Register numbers the kernel reads in a TrapFrame.
pub mod reg {
    pub const SP: usize = 2;
    pub const FP: usize = 8;
    pub const A0: usize = 10;
    pub const A1: usize = 11;
    pub const A7: usize = 17;
}

/// scause's interrupt bit (ISA manual vol. II, §12.1.8).
const INTERRUPT: usize = 1 << 63;

/// Synchronous exception codes in scause (vol. II, §12.1.8, table 22).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Exception {
    InstructionMisaligned = 0,
    InstructionAccessFault = 1,
    IllegalInstruction = 2,
    Breakpoint = 3,
    LoadMisaligned = 4,
    LoadAccessFault = 5,
    StoreMisaligned = 6,
    StoreAccessFault = 7,
    UserEnvCall = 8,
    SupervisorEnvCall = 9,
    InstructionPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,
}

/// Interrupt codes in scause (interrupt bit set).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Interrupt {
    SupervisorSoftware = 1,
    SupervisorTimer = 5,
    SupervisorExternal = 9,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    Exception(Exception),
    Interrupt(Interrupt),
    Unknown(usize),
}

impl Cause {
    pub fn from_scause(scause: usize) -> Cause {
        use Exception::*;
        if scause & INTERRUPT != 0 {
            return match scause & !INTERRUPT {
                1 => Cause::Interrupt(Interrupt::SupervisorSoftware),
                5 => Cause::Interrupt(Interrupt::SupervisorTimer),
                9 => Cause::Interrupt(Interrupt::SupervisorExternal),
                _ => Cause::Unknown(scause),
            };
        }
        let e = match scause {
            0 => InstructionMisaligned,
            1 => InstructionAccessFault,
            2 => IllegalInstruction,
            3 => Breakpoint,
            4 => LoadMisaligned,
            5 => LoadAccessFault,
            6 => StoreMisaligned,
            7 => StoreAccessFault,
            8 => UserEnvCall,
            9 => SupervisorEnvCall,
            12 => InstructionPageFault,
            13 => LoadPageFault,
            15 => StorePageFault,
            _ => return Cause::Unknown(scause),
        };
        Cause::Exception(e)
    }

    pub fn describe(self) -> &'static str {
        use Exception::*;
        match self {
            Cause::Interrupt(Interrupt::SupervisorSoftware) => "supervisor software interrupt",
            Cause::Interrupt(Interrupt::SupervisorTimer) => "supervisor timer interrupt",
            Cause::Interrupt(Interrupt::SupervisorExternal) => "supervisor external interrupt",
            Cause::Exception(e) => match e {
                InstructionMisaligned => "instruction address misaligned",
                InstructionAccessFault => "instruction access fault",
                IllegalInstruction => "illegal instruction",
                Breakpoint => "breakpoint",
                LoadMisaligned => "load address misaligned",
                LoadAccessFault => "load access fault",
                StoreMisaligned => "store/AMO address misaligned",
                StoreAccessFault => "store/AMO access fault",
                UserEnvCall => "environment call from U-mode",
                SupervisorEnvCall => "environment call from S-mode",
                InstructionPageFault => "instruction page fault",
                LoadPageFault => "load page fault",
                StorePageFault => "store/AMO page fault",
            },
            Cause::Unknown(c) if c & INTERRUPT != 0 => "unknown interrupt",
            Cause::Unknown(_) => "unknown exception",
        }
    }
}

pub fn describe(scause: usize) -> &'static str {
    Cause::from_scause(scause).describe()
}

extern "C" {
    fn __trap_entry();
}

/// Point stvec at the vector; sscratch 0 says "the kernel is running"; interrupts off in the
/// kernel (whatever the firmware left).
pub fn init() {
    unsafe { core::arch::asm!("csrw stvec, {0}", "csrw sscratch, zero", "csrci sstatus, 2", in(reg) __trap_entry as usize) };
}

fn scause_stval() -> (usize, usize) {
    let (scause, stval): (usize, usize);
    unsafe {
        core::arch::asm!("csrr {0}, scause", out(reg) scause);
        core::arch::asm!("csrr {0}, stval", out(reg) stval);
    }
    (scause, stval)
}

/// A trap taken in S-mode: a kernel bug.
#[no_mangle]
pub extern "C" fn kernel_trap(frame: &mut TrapFrame) {
    let (scause, stval) = scause_stval();
    crate::console::print_unlocked(format_args!(
        "[kernel] unexpected trap: {} (scause {:#x}), stval {:#x}, sepc {:#x}\n",
        describe(scause), scause, stval, frame.sepc
    ));
    if let Some(p) = task::current_pid_unlocked() {
        crate::console::print_unlocked(format_args!("[kernel] in a system call of pid {}\n", p));
    }
    crate::panic::backtrace(frame.x[reg::FP]);
    crate::finisher::exit(3);
}

/// A trap taken in U-mode, on the process's kernel stack. Returns into trap.S, which goes back
/// to user mode through `frame` (which exec may have rewritten).
#[no_mangle]
pub extern "C" fn user_trap(frame: &mut TrapFrame) {
    let (scause, stval) = scause_stval();
    match Cause::from_scause(scause) {
        Cause::Exception(Exception::UserEnvCall) => {
            // Return past the ecall (4 bytes: there is no compressed ecall).
            frame.sepc += 4;
            let args = [frame.x[10], frame.x[11], frame.x[12], frame.x[13], frame.x[14], frame.x[15]];
            let r = crate::syscall::dispatch(frame.x[reg::A7], args, frame);
            frame.x[reg::A0] = r as usize;
        }
        Cause::Interrupt(Interrupt::SupervisorTimer) => {
            crate::timer::acknowledge();
            task::preempt();
        }
        Cause::Exception(Exception::StorePageFault) => {
            match task::with_current_space(|ms| ms.handle_cow_fault(VirtAddr(stval))) {
                Ok(()) => {}
                Err(MemoryError::OutOfFrames) => kill_on_fault("out of memory copying a copy-on-write page", scause, stval, frame, ExitCode::OUT_OF_MEMORY),
                Err(_) => kill_on_fault(describe(scause), scause, stval, frame, ExitCode::FAULT),
            }
        }
        // No other interrupt is enabled (sie has only STIE): report one, but it is not the
        // process's doing.
        cause @ Cause::Interrupt(_) => println!("[kernel] unexpected {} in user mode", cause.describe()),
        cause => kill_on_fault(cause.describe(), scause, stval, frame, ExitCode::FAULT),
    }
    task::exit_if_killed();
}

/// The process did something the kernel cannot let it go on from: say what, end it.
fn kill_on_fault(what: &str, scause: usize, stval: usize, frame: &TrapFrame, code: ExitCode) -> ! {
    let (pid, name) = task::current_name();
    println!("[kernel] pid {} ({}) killed: {} (scause {:#x}), stval {:#x}, pc {:#x}", pid, name, what, scause, stval, frame.sepc);
    task::exit(code)
}
