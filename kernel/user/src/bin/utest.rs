//! utest: the user-mode tests init runs at boot. Each test exercises system calls from user
//! mode and prints `[PASS] name` or `[FAIL] name: reason`; the summary `utest: N passed, M
//! failed` follows, and the exit status is the number of failures (init passes it on, and
//! the machine powers off with it). Children the tests fork print nothing, so the output is
//! the same on every machine.
//!
//! With `--exec-child PPID ARGS...` utest is the program the exec test runs: it checks the
//! arguments it was given and exits with 42 when they are right.
#![no_std]
#![no_main]

extern crate alloc;
extern crate user_lib;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};
use user_lib::*;

type TestResult = Result<(), String>;

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => { if !$cond { return Err(format!($($msg)*)); } };
}

const PAGE: usize = 4096;
/// What the exec test's child exits with when its arguments arrived intact.
const EXEC_OK: i32 = 42;

/// Pages of their own (page-aligned, in .bss) for the copy-on-write tests.
#[repr(C, align(4096))]
struct Pages([u8; 4 * PAGE]);
static mut PAGES: Pages = Pages([0; 4 * PAGE]);

fn page_byte(i: usize) -> *mut u8 {
    unsafe { (addr_of_mut!(PAGES) as *mut u8).add(i) }
}

/// Run `f` in a child and wait for it: its pid and exit status.
fn in_child(f: impl FnOnce() -> i32) -> Result<(isize, i32), String> {
    let pid = fork();
    if pid < 0 {
        return Err(format!("fork failed ({})", pid));
    }
    if pid == 0 {
        exit(f());
    }
    let mut status = 0;
    let r = waitpid(pid, &mut status, 0);
    if r != pid {
        return Err(format!("waitpid({}) answered {}", pid, r));
    }
    Ok((pid, status))
}

fn getpid_and_getppid() -> TestResult {
    let me = getpid();
    check!(me > 1, "getpid is {}", me);
    check!(getppid() == 1, "my parent is {}, not init", getppid());
    let (_, status) = in_child(move || if getppid() == me && getpid() != me { 0 } else { 1 })?;
    check!(status == 0, "the child saw the wrong pids");
    Ok(())
}

fn write_checks_its_arguments() -> TestResult {
    check!(write(1, b"") == 0, "an empty write");
    check!(write(7, b"x") == -errno::EBADF, "fd 7 is not a console");
    let bad = unsafe { core::slice::from_raw_parts(0x1000 as *const u8, 4) };
    check!(write(1, bad) == -errno::EFAULT, "a buffer outside user space");
    let kernel = unsafe { core::slice::from_raw_parts(0x8020_0000 as *const u8, 4) };
    check!(write(1, kernel) == -errno::EFAULT, "a buffer in the kernel");
    Ok(())
}

fn read_checks_its_arguments() -> TestResult {
    let mut buf = [0u8; 4];
    check!(read(1, &mut buf) == -errno::EBADF, "fd 1 is not readable");
    check!(read(0, &mut buf[..0]) == 0, "an empty read");
    // Checked before it waits for input: a buffer in the program's text is refused at once.
    let text = unsafe { core::slice::from_raw_parts_mut(main as usize as *mut u8, 4) };
    check!(read(0, text) == -errno::EFAULT, "a read into text");
    Ok(())
}

fn unknown_syscall_is_enosys() -> TestResult {
    check!(syscall(9999, [0; 6]) == -errno::ENOSYS, "syscall 9999");
    Ok(())
}

fn fork_returns_twice() -> TestResult {
    let (pid, status) = in_child(|| 7)?;
    check!(pid > 0 && status == 7, "child {} ended with {}", pid, status);
    Ok(())
}

fn fork_isolates_memory_under_cow() -> TestResult {
    let mut local = 5u64;
    let heap: Vec<u64> = (0..600).collect();
    unsafe { write_volatile(page_byte(0), 1) };
    let (_, status) = in_child(|| {
        let ok = local == 5 && heap[599] == 599 && unsafe { read_volatile(page_byte(0)) } == 1;
        unsafe { write_volatile(addr_of_mut!(local), 6) };
        let mut mine = heap.clone();
        mine[0] = 99;
        unsafe { write_volatile(page_byte(0), 2) };
        if ok && unsafe { read_volatile(page_byte(0)) } == 2 { 0 } else { 1 }
    })?;
    check!(status == 0, "the child did not see the parent's data");
    check!(unsafe { read_volatile(addr_of!(local)) } == 5 && unsafe { read_volatile(page_byte(0)) } == 1, "the child's writes reached the parent");
    check!(heap.iter().enumerate().all(|(i, &v)| v == i as u64), "the parent's heap changed");
    Ok(())
}

fn cow_write_copies_one_frame() -> TestResult {
    unsafe { write_volatile(page_byte(PAGE), 1) };
    let (_, status) = in_child(|| {
        let before = meminfo().free_frames;
        unsafe { write_volatile(page_byte(PAGE), 2) };
        let after_one = meminfo().free_frames;
        unsafe { write_volatile(page_byte(PAGE + 8), 3) };
        let after_two = meminfo().free_frames;
        // The first write copies the shared page; the second finds it private already.
        if before - after_one == 1 && after_one == after_two { 0 } else { 1 }
    })?;
    check!(status == 0, "writing a shared page did not cost exactly one frame");
    Ok(())
}

fn cow_last_owner_keeps_the_frame() -> TestResult {
    unsafe { write_volatile(page_byte(2 * PAGE), 1) };
    let (_, status) = in_child(|| 0)?;
    check!(status == 0, "child");
    // The child that shared the page is gone: writing it reuses the frame, no copy.
    let before = meminfo().free_frames;
    unsafe { write_volatile(page_byte(2 * PAGE), 2) };
    let after = meminfo().free_frames;
    check!(before == after, "the write took {} frames", before as isize - after as isize);
    Ok(())
}

fn exec_passes_arguments() -> TestResult {
    let me = format!("{}", getpid());
    let (_, status) = in_child(|| {
        let me = me.clone();
        exec("utest", &["utest", "--exec-child", &me, "alpha", "beta gamma"]);
        1
    })?;
    check!(status == EXEC_OK, "the exec'd child ended with {}", status);
    Ok(())
}

fn exec_errors_leave_the_caller_running() -> TestResult {
    check!(exec("no-such-program", &["no-such-program"]) == -errno::ENOENT, "a missing program");
    let r = syscall(SYS_EXEC, [0x1000, 5, 0, 0, 0, 0]);
    check!(r == -errno::EFAULT, "a name outside user space gave {}", r);
    let many: Vec<&str> = (0..40).map(|_| "x").collect();
    check!(exec("echo", &many) == -errno::E2BIG, "40 arguments");
    Ok(())
}

fn sbrk_grows_and_shrinks() -> TestResult {
    let m0 = meminfo();
    let old = sbrk((5 * PAGE) as isize).map_err(|e| format!("sbrk refused ({})", e))?;
    let m1 = meminfo();
    check!(m1.brk == old + 5 * PAGE, "brk {:#x}, expected {:#x}", m1.brk, old + 5 * PAGE);
    check!(m1.frames >= m0.frames + 5 && m1.frames <= m0.frames + 6, "5 pages took {} frames", m1.frames - m0.frames);
    for p in 0..5 {
        let w = (old + p * PAGE) as *mut u64;
        unsafe { check!(read_volatile(w) == 0, "page {} is not zeroed", p); write_volatile(w, p as u64 + 1) };
    }
    check!((0..5).all(|p| unsafe { read_volatile((old + p * PAGE) as *const u64) } == p as u64 + 1), "pages lost their data");
    sbrk(-((5 * PAGE) as isize)).map_err(|e| format!("shrink refused ({})", e))?;
    let m2 = meminfo();
    check!(m2.brk == old && m2.frames == m0.frames, "after the shrink: brk {:#x}, {} frames (was {})", m2.brk, m2.frames, m0.frames);
    check!(brk(0x10) == -errno::EINVAL, "a break below the heap");
    Ok(())
}

fn shrunk_heap_faults() -> TestResult {
    let (_, status) = in_child(|| {
        let old = match sbrk(PAGE as isize) { Ok(o) => o, Err(_) => return 1 };
        unsafe { write_volatile(old as *mut u64, 1) };
        if sbrk(-(PAGE as isize)).is_err() {
            return 1;
        }
        unsafe { read_volatile(old as *const u64) as i32 }
    })?;
    check!(status == EXIT_FAULT, "touching a page given back ended with {}", status);
    Ok(())
}

fn faulting_child_is_killed() -> TestResult {
    let (_, status) = in_child(|| unsafe { write_volatile(core::ptr::null_mut::<u64>(), 1); 0 })?;
    check!(status == EXIT_FAULT, "a store to 0 ended with {}", status);
    let (_, status) = in_child(|| unsafe { read_volatile(0x8020_0000 as *const u64) as i32 })?;
    check!(status == EXIT_FAULT, "a load from the kernel ended with {}", status);
    let (_, status) = in_child(|| unsafe { write_volatile(main as usize as *mut u32, 0); 0 })?;
    check!(status == EXIT_FAULT, "a store to text ended with {}", status);
    Ok(())
}

fn illegal_instructions_are_killed() -> TestResult {
    let (_, status) = in_child(|| {
        let s: usize;
        unsafe { core::arch::asm!("csrr {0}, sstatus", out(reg) s) };
        s as i32
    })?;
    check!(status == EXIT_FAULT, "reading sstatus in U-mode ended with {}", status);
    // The FP unit is off for user processes (sstatus.FS = 0): FP instructions are illegal.
    let (_, status) = in_child(|| {
        unsafe { core::arch::asm!("fmv.d.x ft0, zero") };
        0
    })?;
    check!(status == EXIT_FAULT, "an FP instruction ended with {}", status);
    Ok(())
}

fn spinning_child_is_preempted() -> TestResult {
    let pid = fork();
    if pid == 0 {
        let mut n: u64 = 0;
        loop {
            unsafe { write_volatile(addr_of_mut!(n), read_volatile(addr_of!(n)) + 1) };
        }
    }
    check!(pid > 0, "fork");
    // The child never makes a system call: only the timer can give the hart back to us.
    check!(sleep(2) == 0, "sleep");
    let state = procs().iter().find(|p| p.pid as isize == pid).map(|p| String::from(p.state_name()));
    check!(state.as_deref() == Some("ready"), "the spinning child is {:?}, not ready", state);
    check!(kill(pid as usize) == 0, "kill");
    let mut status = 0;
    check!(waitpid(pid, &mut status, 0) == pid, "waitpid");
    check!(status == EXIT_KILLED, "the killed child ended with {}", status);
    Ok(())
}

fn waitpid_reports_and_refuses() -> TestResult {
    let mut status = 0;
    check!(waitpid(-1, &mut status, WNOHANG) == -errno::ECHILD, "no children yet");
    let pid = fork();
    if pid == 0 {
        sleep(20);
        exit(200);
    }
    check!(waitpid(pid, &mut status, WNOHANG) == 0, "WNOHANG while the child sleeps");
    check!(waitpid(pid + 1000, &mut status, 0) == -errno::ECHILD, "a pid that is not my child");
    check!(syscall(SYS_WAITPID, [pid as usize, 0x1000, 0, 0, 0, 0]) == -errno::EFAULT, "a status pointer outside user space");
    check!(waitpid(pid, &mut status, 0) == pid && status == 200, "waitpid gave status {}", status);
    check!(waitpid(pid, &mut status, 0) == -errno::ECHILD, "collected twice");
    Ok(())
}

fn kill_refuses_what_it_cannot() -> TestResult {
    check!(kill(999_999) == -errno::ESRCH, "a pid nobody has");
    check!(kill(1) == -errno::EPERM, "init");
    let (_, status) = in_child(|| {
        kill(getpid());
        0
    })?;
    check!(status == EXIT_KILLED, "a process that killed itself ended with {}", status);
    Ok(())
}

fn sleep_waits() -> TestResult {
    let t0 = time_ms();
    check!(sleep(20) == 0, "sleep");
    let t1 = time_ms();
    check!(t1 >= t0 + 20, "slept {} ms", t1 - t0);
    Ok(())
}

fn yield_gives_the_hart_away() -> TestResult {
    let pid = fork();
    if pid == 0 {
        loop {
            yield_now();
        }
    }
    for _ in 0..10 {
        check!(yield_now() == 0, "yield");
    }
    kill(pid as usize);
    let mut status = 0;
    check!(waitpid(pid, &mut status, 0) == pid && status == EXIT_KILLED, "the yielding child ended with {}", status);
    Ok(())
}

fn orphans_go_to_init() -> TestResult {
    let (_, grandchild) = in_child(|| {
        let pid = fork();
        if pid == 0 {
            loop {
                sleep(5);
            }
        }
        pid as i32
    })?;
    check!(grandchild > 0, "the child could not fork");
    let parent = procs().iter().find(|p| p.pid as i32 == grandchild).map(|p| p.ppid);
    check!(parent == Some(1), "the orphan's parent is {:?}", parent);
    check!(kill(grandchild as usize) == 0, "kill the orphan");
    Ok(())
}

fn quota_refuses_cleanly() -> TestResult {
    check!(setquota(1, 10) == -errno::EPERM, "setting init's quota");
    let (_, status) = in_child(|| {
        let held = meminfo().frames;
        if setquota(0, held + 3) != 0 {
            return 1;
        }
        if sbrk((2 * PAGE) as isize).is_err() {
            return 2;
        }
        let before = meminfo();
        if sbrk((4 * PAGE) as isize) != Err(errno::EDQUOT) {
            return 3;
        }
        let after = meminfo();
        if after.frames != before.frames || after.brk != before.brk || after.quota != held + 3 {
            return 4;
        }
        // A quota below what the process holds stops it growing, and forking: the child would
        // hold as many frames as the parent, under the same quota.
        if setquota(0, after.frames - 1) != 0 || sbrk(PAGE as isize) != Err(errno::EDQUOT) || fork() != -errno::EDQUOT {
            return 5;
        }
        0
    })?;
    check!(status == 0, "step {} of the quota test failed", status);
    Ok(())
}

fn heap_grows_with_sbrk() -> TestResult {
    let before = meminfo().brk;
    let v: Vec<u32> = (0..1000).collect();
    let s = format!("{}-{}", v.len(), v.iter().map(|&x| x as u64).sum::<u64>());
    check!(s == "1000-499500", "the heap holds {}", s);
    let mut big: Vec<u8> = Vec::with_capacity(256 * 1024);
    big.push(1);
    let grown = meminfo().brk;
    check!(grown >= before + 256 * 1024, "256 KB came from a heap that grew from {:#x} only to {:#x}", before, grown);
    let end = big.as_ptr() as usize + big.capacity();
    check!(end > before && end <= grown, "the block ends at {:#x}, not in the new memory", end);
    Ok(())
}

fn exit_returns_every_frame() -> TestResult {
    let before = meminfo().free_frames;
    let (_, status) = in_child(|| {
        // Pages of its own, copies of shared ones, a grandchild: all of it must come back.
        if sbrk((8 * PAGE) as isize).is_err() {
            return 1;
        }
        unsafe { write_volatile(page_byte(3 * PAGE), 9) };
        let (_, s) = match in_child(|| 0) { Ok(r) => r, Err(_) => return 2 };
        s
    })?;
    check!(status == 0, "the child ended with {}", status);
    let after = meminfo().free_frames;
    check!(after == before, "{} frames free before, {} after the child and grandchild exited", before, after);
    Ok(())
}

fn process_list_shows_init_and_me() -> TestResult {
    let list = procs();
    check!(list.iter().any(|p| p.pid == 1 && p.name == "init" && p.state_name() == "sleeping"), "init is missing: {:?}", list);
    check!(list.iter().any(|p| p.pid as usize == getpid() && p.name == "utest" && p.state_name() == "running" && p.frames > 0), "I am missing");
    Ok(())
}

const TESTS: &[(&str, fn() -> TestResult)] = &[
    ("getpid_and_getppid", getpid_and_getppid),
    ("write_checks_its_arguments", write_checks_its_arguments),
    ("read_checks_its_arguments", read_checks_its_arguments),
    ("unknown_syscall_is_enosys", unknown_syscall_is_enosys),
    ("fork_returns_twice", fork_returns_twice),
    ("fork_isolates_memory_under_cow", fork_isolates_memory_under_cow),
    ("cow_write_copies_one_frame", cow_write_copies_one_frame),
    ("cow_last_owner_keeps_the_frame", cow_last_owner_keeps_the_frame),
    ("exec_passes_arguments", exec_passes_arguments),
    ("exec_errors_leave_the_caller_running", exec_errors_leave_the_caller_running),
    ("sbrk_grows_and_shrinks", sbrk_grows_and_shrinks),
    ("shrunk_heap_faults", shrunk_heap_faults),
    ("faulting_child_is_killed", faulting_child_is_killed),
    ("illegal_instructions_are_killed", illegal_instructions_are_killed),
    ("spinning_child_is_preempted", spinning_child_is_preempted),
    ("waitpid_reports_and_refuses", waitpid_reports_and_refuses),
    ("kill_refuses_what_it_cannot", kill_refuses_what_it_cannot),
    ("sleep_waits", sleep_waits),
    ("yield_gives_the_hart_away", yield_gives_the_hart_away),
    ("orphans_go_to_init", orphans_go_to_init),
    ("quota_refuses_cleanly", quota_refuses_cleanly),
    ("exit_returns_every_frame", exit_returns_every_frame),
    ("process_list_shows_init_and_me", process_list_shows_init_and_me),
    // Last: the heap keeps the 256 KiB it grows by, and every later fork would copy its pages.
    ("heap_grows_with_sbrk", heap_grows_with_sbrk),
];

fn exec_child(args: &[&str]) -> i32 {
    let ppid = args.get(2).and_then(|a| a.parse::<usize>().ok());
    let right = args.len() == 5 && args[3] == "alpha" && args[4] == "beta gamma" && ppid == Some(getppid());
    if right { EXEC_OK } else { 1 }
}

#[no_mangle]
pub fn main(args: &[&str]) -> i32 {
    if args.get(1) == Some(&"--exec-child") {
        return exec_child(args);
    }
    let (mut passed, mut failed) = (0, 0);
    for &(name, test) in TESTS {
        match test() {
            Ok(()) => { passed += 1; println!("[PASS] {}", name); }
            Err(reason) => { failed += 1; println!("[FAIL] {}: {}", name, reason); }
        }
    }
    println!("utest: {} passed, {} failed", passed, failed);
    failed
}
