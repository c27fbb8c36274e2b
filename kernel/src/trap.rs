//! Kernel traps. The vector (__trap_entry in entry.S) saves the interrupted registers as a
//! TrapFrame and calls trap_handler. Timer interrupts are counted; anything else is a kernel
//! bug, reported with its cause in words, and it fails the run.

use core::sync::atomic::{AtomicU64, Ordering};

#[repr(C)]
pub struct TrapFrame {
    /// x0's slot holds the interrupted stack pointer; x[1..32] the registers.
    pub x: [usize; 32],
    pub sstatus: usize,
    pub sepc: usize,
}

pub static TIMER_TICKS: AtomicU64 = AtomicU64::new(0);

const INTERRUPT: usize = 1 << 63;
const SUPERVISOR_TIMER: usize = INTERRUPT | 5;

extern "C" {
    fn __trap_entry();
}

pub fn init() {
    unsafe { core::arch::asm!("csrw stvec, {0}", in(reg) __trap_entry as usize) };
}

pub fn describe(cause: usize) -> &'static str {
    if cause & INTERRUPT != 0 {
        return match cause & !INTERRUPT {
            1 => "supervisor software interrupt",
            5 => "supervisor timer interrupt",
            9 => "supervisor external interrupt",
            _ => "unknown interrupt",
        };
    }
    match cause {
        0 => "instruction address misaligned",
        1 => "instruction access fault",
        2 => "illegal instruction",
        3 => "breakpoint",
        4 => "load address misaligned",
        5 => "load access fault",
        6 => "store/AMO address misaligned",
        7 => "store/AMO access fault",
        8 => "environment call from U-mode",
        9 => "environment call from S-mode",
        12 => "instruction page fault",
        13 => "load page fault",
        15 => "store/AMO page fault",
        _ => "unknown exception",
    }
}

#[no_mangle]
pub extern "C" fn trap_handler(frame: &mut TrapFrame) {
    let (scause, stval): (usize, usize);
    unsafe {
        core::arch::asm!("csrr {0}, scause", out(reg) scause);
        core::arch::asm!("csrr {0}, stval", out(reg) stval);
    }
    if scause == SUPERVISOR_TIMER {
        TIMER_TICKS.fetch_add(1, Ordering::Relaxed);
        crate::sbi::set_timer(u64::MAX);
        return;
    }
    crate::console::print_unlocked(format_args!(
        "[kernel] unexpected trap: {} (scause {:#x}), stval {:#x}, sepc {:#x}\n",
        describe(scause), scause, stval, frame.sepc
    ));
    crate::panic::backtrace(frame.x[8]);
    crate::finisher::exit(3);
}
