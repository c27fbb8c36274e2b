//! Chronos OS: a small RISC-V (RV64) teaching kernel, built around the Chronos debugger.
//! Firmware enters _start (entry.S) in S-mode; rust_main brings up the console, traps, memory
//! and the timer, runs the boot self-tests, then starts init, the first user process, and the
//! scheduler. init gets the command line as its arguments and picks what to run: the
//! user-mode tests (utest), or the shell `sh` with `shell`, or a deliberate user failure
//! (`test=userfault`, `test=quota`). The kernel itself acts on `test=pagefault` and
//! `test=panic` (deliberate kernel failures, for the debugger's tests) and on `monitor`: it
//! then stays in its own console monitor (shell.rs) after the self-tests and starts no process.
#![no_std]
#![no_main]
#![cfg_attr(chronos_old_rustc, feature(alloc_error_handler))]

extern crate alloc;

#[macro_use]
pub mod console;
pub mod boot;
pub mod debug_descriptor;
pub mod errno;
pub mod fdt;
pub mod finisher;
pub mod loader;
pub mod mm;
pub mod panic;
pub mod programs;
pub mod sbi;
pub mod shell;
pub mod sync;
pub mod syscall;
pub mod task;
pub mod timer;
pub mod trap;

use alloc::vec::Vec;

core::arch::global_asm!(include_str!("entry.S"));
core::arch::global_asm!(include_str!("trap.S"));

extern "C" {
    fn sbss();
    fn ebss();
}

fn clear_bss() {
    unsafe { core::ptr::write_bytes(sbss as usize as *mut u8, 0, ebss as usize - sbss as usize) };
}

#[no_mangle]
pub extern "C" fn rust_main(hart_id: usize, fdt_addr: usize) -> ! {
    clear_bss();
    trap::init();
    println!("Chronos OS v0.2 on hart {}", hart_id);
    let dt = match fdt::parse(fdt_addr) {
        Some(dt) => dt,
        None => panic!("rust_main: no device tree at {:#x}", fdt_addr),
    };
    println!("memory {:#x}..{:#x}, kernel {:#x}..{:#x}, bootargs \"{}\"",
        dt.memory_start, dt.memory_start + dt.memory_size, mm::memory_layout::text().0,
        mm::memory_layout::kernel_end(), dt.bootargs);
    mm::init(&dt, fdt_addr);
    timer::init(dt.timebase_hz);
    println!("paging on: satp {:#x}", mm::kernel_satp());
    let mut shell = false;
    let mut monitor = false;
    for arg in dt.bootargs.split(' ') {
        match arg {
            "test=pagefault" => deliberate_page_fault(),
            "test=panic" => panic!("rust_main: a panic asked for on the command line"),
            "shell" => shell = true,
            "monitor" => monitor = true,
            _ => {}
        }
    }
    let passed = boot::run_self_tests();
    if monitor {
        shell::run()
    }
    if !passed {
        finisher::exit(1)
    }
    start_init(dt.bootargs, shell)
}

/// init, with the command line's words as its arguments, then the scheduler for good.
fn start_init(bootargs: &str, shell: bool) -> ! {
    let mut args: Vec<&str> = Vec::new();
    args.push("init");
    args.extend(bootargs.split(' ').filter(|w| !w.is_empty()));
    match task::spawn_init(&args) {
        Ok(pid) => {
            debug_descriptor::set_stage(debug_descriptor::Stage::Processes);
            println!("[kernel] init is pid {}; it starts {}", pid, if shell { "the shell" } else { "what the command line asks for" });
        }
        Err(e) => panic!("start_init: cannot start init: {:?}", e),
    }
    task::run()
}

/// A store to an address the kernel never maps: the trap handler reports a store page fault.
#[inline(never)]
fn deliberate_page_fault() -> ! {
    println!("storing to an unmapped address, as test=pagefault asks");
    unsafe { core::ptr::write_volatile(0x4000_0000 as *mut u64, 0x1bad_b002) };
    panic!("deliberate_page_fault: the store did not fault")
}
