//! fault: a program that stores to an address nothing maps (0), for `test=userfault` and for
//! trying in the shell. The kernel kills it with a report (pid, cause, stval, pc) and goes on.
#![no_std]
#![no_main]

#[macro_use]
extern crate user_lib;

#[no_mangle]
pub fn main(_args: &[&str]) -> i32 {
    println!("fault: storing to address 0x0");
    unsafe { core::ptr::write_volatile(core::ptr::null_mut::<u64>(), 0xbad) };
    println!("fault: the store did not fault");
    1
}
