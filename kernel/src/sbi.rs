//! Calls into the SBI firmware (RISC-V SBI specification v2.0): the console, the timer and
//! system reset. The extension goes in a7, the function in a6, arguments in a0..a2; the
//! firmware answers an error in a0 and a value in a1.

use core::arch::asm;

const EXT_LEGACY_PUTCHAR: usize = 0x01;
const EXT_LEGACY_GETCHAR: usize = 0x02;
const EXT_TIME: usize = 0x5449_4d45;
const EXT_SRST: usize = 0x5352_5354;

#[inline(always)]
fn call(eid: usize, fid: usize, a0: usize, a1: usize, a2: usize) -> (isize, usize) {
    let (error, value);
    unsafe {
        asm!("ecall",
             inlateout("a0") a0 => error, inlateout("a1") a1 => value,
             in("a2") a2, in("a6") fid, in("a7") eid);
    }
    (error, value)
}

/// Print one byte on the firmware console (the legacy call every SBI implementation has).
pub fn console_putchar(c: u8) {
    call(EXT_LEGACY_PUTCHAR, 0, c as usize, 0, 0);
}

/// One byte from the firmware console, or None when nothing is waiting (the legacy call
/// answers -1 in a0; it has no error/value pair).
pub fn console_getchar() -> Option<u8> {
    let (c, _) = call(EXT_LEGACY_GETCHAR, 0, 0, 0, 0);
    if c < 0 { None } else { Some(c as u8) }
}

/// Ask for a supervisor timer interrupt when `time` reaches `deadline`.
pub fn set_timer(deadline: u64) {
    call(EXT_TIME, 0, deadline as usize, 0, 0);
}

/// Power off. `failure` passes the "system failure" reason.
pub fn shutdown(failure: bool) -> ! {
    call(EXT_SRST, 0, 0, failure as usize, 0);
    loop {}
}
