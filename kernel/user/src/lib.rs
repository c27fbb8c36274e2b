//! The Chronos OS user library: what every user program links with. The entry point
//! (_start, which calls the program's `main` with its arguments and exits with what it
//! returns), a wrapper per system call (syscall.rs), `print!`/`println!` and console input
//! (console.rs), a heap that grows with sbrk (heap.rs), and a panic handler that reports and
//! exits.
//!
//! A program is a `#![no_std] #![no_main]` binary in src/bin that defines
//! `#[no_mangle] pub fn main(args: &[&str]) -> i32`; args[0] is the program's name.
#![no_std]
#![cfg_attr(chronos_old_rustc, feature(alloc_error_handler))]

extern crate alloc;

#[macro_use]
pub mod console;
pub mod heap;
pub mod syscall;

pub use syscall::*;

use alloc::vec::Vec;

core::arch::global_asm!(
    "    .section .text.entry",
    "    .globl _start",
    "_start:",
    // The kernel left a0 = argc and a1 = the (pointer, length) pairs, and sp below them.
    // A zero frame pointer and return address end backtraces here.
    "    li fp, 0",
    "    li ra, 0",
    "    call user_start",
);

extern "Rust" {
    fn main(args: &[&str]) -> i32;
}

#[no_mangle]
extern "C" fn user_start(argc: usize, argv: *const [usize; 2]) -> ! {
    let mut args: Vec<&'static str> = Vec::with_capacity(argc);
    for i in 0..argc {
        let [p, n] = unsafe { *argv.add(i) };
        // The kernel copied them from strings it checked were UTF-8.
        args.push(unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(p as *const u8, n)) });
    }
    let code = unsafe { main(&args) };
    exit(code)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("[{}] {}", getpid(), info);
    exit(101)
}
