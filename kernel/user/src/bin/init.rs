//! init: the first process. The kernel starts it with the boot command line as arguments,
//! and it starts the one program the command line asks for: the shell with `shell`, the
//! deliberate failures with `test=userfault` and `test=quota`, and the user-mode tests
//! otherwise. Then it collects every child that ends (orphans are given to it) until that
//! program is done, and exits with its verdict, which ends the machine.
#![no_std]
#![no_main]

extern crate user_lib;

use user_lib::*;

/// The frame quota test=quota runs hog under.
const QUOTA_FRAMES: usize = 96;

#[no_mangle]
pub fn main(args: &[&str]) -> i32 {
    let asked = |word: &str| args.iter().any(|a| *a == word);
    let (program, argv, quota): (&str, &[&str], usize) = if asked("shell") {
        ("sh", &["sh"], 0)
    } else if asked("test=userfault") {
        ("fault", &["fault"], 0)
    } else if asked("test=quota") {
        ("hog", &["hog", "--until-refused"], QUOTA_FRAMES)
    } else {
        ("utest", &["utest"], 0)
    };
    let pid = fork();
    if pid == 0 {
        if quota != 0 {
            setquota(0, quota);
        }
        exec(program, argv);
        println!("init: cannot run {}", program);
        exit(127);
    }
    if pid < 0 {
        println!("init: fork failed ({})", pid);
        return 1;
    }
    loop {
        let mut status = 0;
        let p = wait(&mut status);
        if p < 0 {
            println!("init: wait failed ({})", p);
            return 1;
        }
        if p == pid {
            return verdict(program, pid, status);
        }
    }
}

/// What the run ends with: the program's own status, except for `fault`, whose job is to be
/// killed while the kernel carries on.
fn verdict(program: &str, pid: isize, status: i32) -> i32 {
    if program == "fault" {
        if status == EXIT_FAULT {
            println!("init: fault (pid {}) was killed for its fault; the kernel goes on", pid);
            return 0;
        }
        println!("init: fault (pid {}) ended with status {} instead of being killed", pid, status);
        return 1;
    }
    println!("init: {} (pid {}) exited with status {}", program, pid, status);
    status
}
