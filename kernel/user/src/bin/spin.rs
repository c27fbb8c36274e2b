//! spin: loops for ever without a system call, so only the timer takes the hart from it
//! (preemption). Start it in the background in the shell (`spin &`), watch it with `ps`,
//! end it with `kill`.
#![no_std]
#![no_main]

extern crate user_lib;

#[no_mangle]
pub fn main(_args: &[&str]) -> i32 {
    let mut turns: u64 = 0;
    loop {
        turns = turns.wrapping_add(1);
        unsafe { core::ptr::write_volatile(&mut turns, turns) };
    }
}
