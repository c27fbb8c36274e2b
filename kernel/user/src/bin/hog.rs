//! hog: a memory hog that shows sbrk and copy-on-write at work. `hog [PAGES]` grows its heap
//! by PAGES pages with sbrk, fills them, forks, and lets the child write every other page: each
//! write to a shared page costs one frame (the copy), which the figures it prints show; then
//! both check their own data, and the parent shrinks the heap back.
//!
//! `hog --until-refused` (what init runs under a frame quota for test=quota) grows the heap a
//! page at a time until sbrk says no, and succeeds only if the no was the quota's (EDQUOT):
//! the allocation fails cleanly and the program goes on.
//!
//! hog moves the break itself, so it allocates nothing on the heap while its pages are out: a
//! heap growing past them would be cut off by the shrink.
#![no_std]
#![no_main]

extern crate user_lib;

use user_lib::*;

const PAGE: usize = 4096;

#[no_mangle]
pub fn main(args: &[&str]) -> i32 {
    if args.get(1) == Some(&"--until-refused") {
        return until_refused();
    }
    let pages = args.get(1).and_then(|a| a.parse::<usize>().ok()).unwrap_or(32);
    let before = meminfo();
    let base = match sbrk((pages * PAGE) as isize) {
        Ok(b) => b,
        Err(e) => {
            println!("hog: sbrk of {} pages refused (error {})", pages, e);
            return 1;
        }
    };
    let grown = meminfo();
    println!("hog: {} pages at {:#x}: this process holds {} frames (was {}), {} free in the machine", pages, base, grown.frames, before.frames, grown.free_frames);
    for p in 0..pages {
        fill(base, p, p as u64);
    }
    let pid = fork();
    if pid == 0 {
        let shared = meminfo();
        for p in (0..pages).step_by(2) {
            fill(base, p, 1000 + p as u64);
        }
        let copied = meminfo();
        println!("hog (child): wrote {} of the {} shared pages: {} frames fewer free ({} -> {})", (pages + 1) / 2, pages,
            shared.free_frames - copied.free_frames, shared.free_frames, copied.free_frames);
        let ok = (0..pages).all(|p| check(base, p, if p % 2 == 0 { 1000 + p as u64 } else { p as u64 }));
        return if ok { 0 } else { 1 };
    }
    let mut status = 0;
    waitpid(pid, &mut status, 0);
    let ok = (0..pages).all(|p| check(base, p, p as u64));
    println!("hog: the child exited with {}; my pages are {}", status, if ok { "untouched" } else { "CHANGED" });
    if sbrk(-((pages * PAGE) as isize)).is_err() {
        println!("hog: the shrink was refused");
        return 1;
    }
    let after = meminfo();
    println!("hog: heap shrunk back: this process holds {} frames, {} free in the machine", after.frames, after.free_frames);
    if ok && status == 0 { 0 } else { 1 }
}

fn word(base: usize, page: usize) -> *mut u64 {
    (base + page * PAGE) as *mut u64
}

/// Write `value` at the start and the end of a page.
fn fill(base: usize, page: usize, value: u64) {
    unsafe {
        word(base, page).write_volatile(value);
        word(base, page).add(PAGE / 8 - 1).write_volatile(!value);
    }
}

fn check(base: usize, page: usize, value: u64) -> bool {
    unsafe { word(base, page).read_volatile() == value && word(base, page).add(PAGE / 8 - 1).read_volatile() == !value }
}

fn until_refused() -> i32 {
    let start = meminfo();
    let mut pages = 0;
    loop {
        match sbrk(PAGE as isize) {
            Ok(at) => {
                fill(at, 0, pages as u64);
                pages += 1;
            }
            Err(e) => {
                let m = meminfo();
                if e == errno::EDQUOT && m.quota != 0 && m.frames <= m.quota {
                    println!("hog: sbrk refused after {} pages: this process holds {} frames, its quota is {} (EDQUOT)", pages, m.frames, m.quota);
                    let intact = (0..pages).all(|p| check(start.brk, p, p as u64));
                    println!("hog: the {} pages it got are {}", pages, if intact { "intact" } else { "DAMAGED" });
                    return if intact { 0 } else { 1 };
                }
                println!("hog: sbrk refused with error {} (frames {}, quota {})", e, m.frames, m.quota);
                return 1;
            }
        }
    }
}
