//! Chronos OS: a small RISC-V (RV64) teaching kernel, built around the Chronos debugger.
//! Firmware enters _start (entry.S) in S-mode; rust_main brings up the console, traps and
//! memory, then runs the boot self-tests, or a deliberate failure when the command line asks
//! for one (`test=pagefault`, `test=panic`), for the debugger's tests. With `shell` on the
//! command line it stays up after the tests and takes commands on the console.
#![no_std]
#![no_main]
#![cfg_attr(chronos_old_rustc, feature(alloc_error_handler))]

extern crate alloc;

#[macro_use]
pub mod console;
pub mod boot;
pub mod debug_descriptor;
pub mod fdt;
pub mod finisher;
pub mod mm;
pub mod panic;
pub mod sbi;
pub mod shell;
pub mod sync;
pub mod trap;

core::arch::global_asm!(include_str!("entry.S"));

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
    println!("Chronos OS v0.1 on hart {}", hart_id);
    let dt = match fdt::parse(fdt_addr) {
        Some(dt) => dt,
        None => panic!("rust_main: no device tree at {:#x}", fdt_addr),
    };
    println!("memory {:#x}..{:#x}, kernel {:#x}..{:#x}, bootargs \"{}\"",
        dt.memory_start, dt.memory_start + dt.memory_size, mm::memory_layout::text().0,
        mm::memory_layout::kernel_end(), dt.bootargs);
    mm::init(&dt, fdt_addr);
    println!("paging on: satp {:#x}", mm::KERNEL_SPACE.lock().as_ref().map(|s| s.satp()).unwrap_or(0));
    let mut shell = false;
    for arg in dt.bootargs.split(' ') {
        match arg {
            "test=pagefault" => deliberate_page_fault(),
            "test=panic" => panic!("rust_main: a panic asked for on the command line"),
            "shell" => shell = true,
            _ => {}
        }
    }
    let passed = boot::run_self_tests();
    if shell {
        shell::run()
    }
    finisher::exit(if passed { 0 } else { 1 })
}

/// A store to an address the kernel never maps: the trap handler reports a store page fault.
#[inline(never)]
fn deliberate_page_fault() -> ! {
    println!("storing to an unmapped address, as test=pagefault asks");
    unsafe { core::ptr::write_volatile(0x4000_0000 as *mut u64, 0x1bad_b002) };
    panic!("deliberate_page_fault: the store did not fault")
}
