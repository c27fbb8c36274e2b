//! The panic handler: the message and where, the process it happened for, a backtrace from
//! the frame pointers, and a failed run. With -C force-frame-pointers, each frame stores its
//! return address at fp-8 and the caller's frame pointer at fp-16; _start and the user-trap
//! entry zero fp, which ends the walk.

use core::panic::PanicInfo;

extern "C" {
    fn boot_stack_lower_bound();
    fn boot_stack_top();
}

/// Walk the frames from `fp` while they stay on the stack they started on: the boot stack or
/// the running process's kernel stack.
pub fn backtrace(mut fp: usize) {
    crate::console::print_unlocked(format_args!("backtrace:\n"));
    let (mut low, mut high) = (boot_stack_lower_bound as usize, boot_stack_top as usize);
    if !(low < fp && fp <= high) {
        if let Some((base, top)) = crate::task::current_kernel_stack_unlocked() {
            low = base;
            high = top;
        }
    }
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
    if let Some(pid) = crate::task::current_pid_unlocked() {
        crate::console::print_unlocked(format_args!("[kernel] while running pid {}\n", pid));
    }
    let fp: usize;
    unsafe { core::arch::asm!("mv {0}, fp", out(reg) fp) };
    backtrace(fp);
    crate::finisher::exit(2)
}
