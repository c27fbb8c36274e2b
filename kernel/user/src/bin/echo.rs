//! echo: prints its arguments, separated by spaces.
#![no_std]
#![no_main]

#[macro_use]
extern crate user_lib;

#[no_mangle]
pub fn main(args: &[&str]) -> i32 {
    for (i, a) in args.iter().enumerate().skip(1) {
        if i > 1 {
            print!(" ");
        }
        print!("{}", a);
    }
    println!();
    0
}
