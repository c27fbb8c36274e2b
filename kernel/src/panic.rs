//! The panic handler: the message and where, a backtrace from the frame pointers, and a
//! failed run. With -C force-frame-pointers, each frame stores its return address at fp-8
//! and the caller's frame pointer at fp-16; _start zeroes fp, which ends the walk.

use core::panic::PanicInfo;

extern "C" {
    fn boot_stack_lower_bound();
    fn boot_stack_top();
}

pub fn backtrace(mut fp: usize) {
    crate::console::print_unlocked(format_args!("backtrace:\n"));
    let (low, high) = (boot_stack_lower_bound as usize, boot_stack_top as usize);
    for depth in 0..32 {
        if fp <= low || fp > high || fp % 8 != 0 {
            break;
        }
        let ra = unsafe { *((fp - 8) as *const usize) };
        if ra == 0 {
            break;
        }
        crate::console::print_unlocked(format_args!("  #{} {:#x}\n", depth, ra));
        fp = unsafe { *((fp - 16) as *const usize) };
    }
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    crate::console::print_unlocked(format_args!("[kernel] {}\n", info));
    let fp: usize;
    unsafe { core::arch::asm!("mv {0}, fp", out(reg) fp) };
    backtrace(fp);
    crate::finisher::exit(2)
}
