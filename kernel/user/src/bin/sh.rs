//! sh: the shell. It prints `$ `, reads a line (echoing what is typed, with backspace), and
//! runs the program it names with the other words as arguments, waiting for it unless the
//! line ends with `&`. Built in: `ps` (the process list), `kill PID`, `exit [CODE]` (which
//! ends the shell, and with it init and the machine), `help`. Background programs that ended
//! are reported before the next prompt.
#![no_std]
#![no_main]

extern crate alloc;
extern crate user_lib;

use alloc::string::String;
use alloc::vec::Vec;
use user_lib::*;

const HELP: &str = "built-ins: ps, kill PID, exit [CODE], help; programs: utest, hog [PAGES], pingpong, spin, fault, echo WORDS...; end a line with & to run it in the background";

#[no_mangle]
pub fn main(_args: &[&str]) -> i32 {
    println!("Chronos OS shell. {}", HELP);
    loop {
        reap_background();
        print!("$ ");
        let line = match read_line() {
            Some(l) => l,
            None => return 1,
        };
        let mut words: Vec<&str> = line.split_whitespace().collect();
        let background = words.last() == Some(&"&");
        if background {
            words.pop();
        }
        let command = match words.first() {
            Some(&c) => c,
            None => continue,
        };
        match command {
            "help" => println!("{}", HELP),
            "ps" => ps(),
            "kill" => match words.get(1).and_then(|w| w.parse::<usize>().ok()) {
                Some(pid) => {
                    let r = kill(pid);
                    if r < 0 {
                        println!("kill: {}: {}", pid, describe(r));
                    }
                }
                None => println!("usage: kill PID"),
            },
            "exit" => return words.get(1).and_then(|w| w.parse::<i32>().ok()).unwrap_or(0),
            _ => run(command, &words, background),
        }
    }
}

/// A line from the console, echoed as it is typed; None when the console cannot be read.
fn read_line() -> Option<String> {
    let mut line = String::new();
    loop {
        let c = console::getchar()?;
        match c {
            b'\r' | b'\n' => {
                println!();
                return Some(line);
            }
            // Backspace or DEL, as terminals send it: erase the last character on screen too.
            0x08 | 0x7f => {
                if line.pop().is_some() {
                    print!("\x08 \x08");
                }
            }
            c if (0x20..0x7f).contains(&c) => {
                line.push(c as char);
                print!("{}", c as char);
            }
            _ => {}
        }
    }
}

fn run(program: &str, words: &[&str], background: bool) {
    let pid = fork();
    if pid < 0 {
        println!("sh: fork: {}", describe(pid));
        return;
    }
    if pid == 0 {
        let r = exec(program, words);
        println!("sh: {}: {}", program, describe(r));
        exit(127);
    }
    if background {
        println!("[{}] {}", pid, program);
        return;
    }
    let mut status = 0;
    if waitpid(pid, &mut status, 0) == pid {
        report(program, pid, status);
    }
}

/// Say how a program ended, unless it simply succeeded.
fn report(program: &str, pid: isize, status: i32) {
    match status {
        0 => {}
        EXIT_KILLED => println!("[{}] {}: killed", pid, program),
        EXIT_FAULT => println!("[{}] {}: killed for a fault", pid, program),
        EXIT_OUT_OF_MEMORY => println!("[{}] {}: killed, out of memory", pid, program),
        s => println!("[{}] {}: exit status {}", pid, program, s),
    }
}

fn reap_background() {
    loop {
        let mut status = 0;
        let pid = waitpid(-1, &mut status, WNOHANG);
        if pid <= 0 {
            return;
        }
        println!("[{}] done, status {}", pid, status);
    }
}

fn ps() {
    println!("  PID  PPID STATE     FRAMES  QUOTA NAME");
    for p in procs() {
        let quota = if p.quota == 0 { String::from("-") } else { alloc::format!("{}", p.quota) };
        println!("{:>5} {:>5} {:<9} {:>6} {:>6} {}", p.pid, p.ppid, p.state_name(), p.frames, quota, p.name);
    }
}

fn describe(r: isize) -> &'static str {
    match -r {
        errno::ENOENT => "no such program",
        errno::ESRCH => "no such process",
        errno::EPERM => "not allowed",
        errno::EAGAIN => "the process table is full",
        errno::ENOMEM => "out of memory",
        errno::EDQUOT => "over the frame quota",
        errno::ENOEXEC => "not a program",
        errno::E2BIG => "too many arguments",
        _ => "failed",
    }
}
