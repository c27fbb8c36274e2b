//! pingpong: a parent and its child take turns with yield: each prints one line and gives the
//! hart to the other, five times, so the lines alternate (round robin, no time slice used up).
#![no_std]
#![no_main]

extern crate user_lib;

use user_lib::*;

const ROUNDS: usize = 5;

#[no_mangle]
pub fn main(_args: &[&str]) -> i32 {
    let pid = fork();
    if pid < 0 {
        println!("pingpong: fork failed ({})", pid);
        return 1;
    }
    let word = if pid == 0 { "pong" } else { "ping" };
    for round in 0..ROUNDS {
        println!("{} {} (pid {})", word, round, getpid());
        yield_now();
    }
    if pid == 0 {
        return 0;
    }
    let mut status = 0;
    waitpid(pid, &mut status, 0);
    status
}
