//! One wrapper per Chronos OS system call: the number in a7, the arguments in a0..a5, ecall,
//! the answer in a0 (negative: an error number, errno below). kernel/src/syscall/mod.rs and
//! docs/architecture.md list them.

use alloc::string::String;
use alloc::vec::Vec;
use core::arch::asm;

pub const SYS_READ: usize = 63;
pub const SYS_WRITE: usize = 64;
pub const SYS_EXIT: usize = 93;
pub const SYS_SLEEP: usize = 101;
pub const SYS_YIELD: usize = 124;
pub const SYS_KILL: usize = 129;
pub const SYS_TIME: usize = 169;
pub const SYS_GETPID: usize = 172;
pub const SYS_GETPPID: usize = 173;
pub const SYS_BRK: usize = 214;
pub const SYS_FORK: usize = 220;
pub const SYS_EXEC: usize = 221;
pub const SYS_WAITPID: usize = 260;
pub const SYS_PROCS: usize = 1000;
pub const SYS_SETQUOTA: usize = 1001;
pub const SYS_MEMINFO: usize = 1002;

/// Error numbers (Linux's values).
pub mod errno {
    pub const EPERM: isize = 1;
    pub const ENOENT: isize = 2;
    pub const ESRCH: isize = 3;
    pub const EINTR: isize = 4;
    pub const E2BIG: isize = 7;
    pub const ENOEXEC: isize = 8;
    pub const EBADF: isize = 9;
    pub const ECHILD: isize = 10;
    pub const EAGAIN: isize = 11;
    pub const ENOMEM: isize = 12;
    pub const EFAULT: isize = 14;
    pub const EINVAL: isize = 22;
    pub const ENOSYS: isize = 38;
    pub const EDQUOT: isize = 122;
}

/// How the kernel ends a process it kills (waitpid's status): killed by kill(), killed for a
/// fault, killed out of memory.
pub const EXIT_KILLED: i32 = -9;
pub const EXIT_FAULT: i32 = -11;
pub const EXIT_OUT_OF_MEMORY: i32 = -12;

/// waitpid's option: do not wait for a child that is still running.
pub const WNOHANG: usize = 1;

#[inline(never)]
pub fn syscall(id: usize, args: [usize; 6]) -> isize {
    let ret: isize;
    unsafe {
        asm!("ecall",
             inlateout("a0") args[0] => ret, in("a1") args[1], in("a2") args[2],
             in("a3") args[3], in("a4") args[4], in("a5") args[5], in("a7") id);
    }
    ret
}

pub fn write(fd: usize, buf: &[u8]) -> isize {
    syscall(SYS_WRITE, [fd, buf.as_ptr() as usize, buf.len(), 0, 0, 0])
}

/// Blocks until at least one byte is there.
pub fn read(fd: usize, buf: &mut [u8]) -> isize {
    syscall(SYS_READ, [fd, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0])
}

pub fn exit(code: i32) -> ! {
    syscall(SYS_EXIT, [code as usize, 0, 0, 0, 0, 0]);
    unreachable!("exit returned")
}

pub fn sleep(ms: usize) -> isize {
    syscall(SYS_SLEEP, [ms, 0, 0, 0, 0, 0])
}

pub fn yield_now() -> isize {
    syscall(SYS_YIELD, [0; 6])
}

pub fn kill(pid: usize) -> isize {
    syscall(SYS_KILL, [pid, 0, 0, 0, 0, 0])
}

/// Milliseconds since boot.
pub fn time_ms() -> usize {
    syscall(SYS_TIME, [0; 6]) as usize
}

pub fn getpid() -> usize {
    syscall(SYS_GETPID, [0; 6]) as usize
}

pub fn getppid() -> usize {
    syscall(SYS_GETPPID, [0; 6]) as usize
}

/// Move the end of the heap to `addr` (0: just say where it is).
pub fn brk(addr: usize) -> isize {
    syscall(SYS_BRK, [addr, 0, 0, 0, 0, 0])
}

/// Grow (or, negative, shrink) the heap by `increment` bytes; returns the old end.
pub fn sbrk(increment: isize) -> Result<usize, isize> {
    let old = brk(0);
    if old < 0 {
        return Err(-old);
    }
    let r = brk((old + increment) as usize);
    if r < 0 { Err(-r) } else { Ok(old as usize) }
}

/// The child's pid in the parent, 0 in the child.
pub fn fork() -> isize {
    syscall(SYS_FORK, [0; 6])
}

/// Run program `name` in this process with `args` (args[0] is the name, by convention).
/// Returns only on failure.
pub fn exec(name: &str, args: &[&str]) -> isize {
    let pairs: Vec<[usize; 2]> = args.iter().map(|a| [a.as_ptr() as usize, a.len()]).collect();
    syscall(SYS_EXEC, [name.as_ptr() as usize, name.len(), pairs.as_ptr() as usize, pairs.len(), 0, 0])
}

/// Wait for child `pid` (-1: any); its exit code goes to `status`.
pub fn waitpid(pid: isize, status: &mut i32, options: usize) -> isize {
    syscall(SYS_WAITPID, [pid as usize, status as *mut i32 as usize, options, 0, 0, 0])
}

pub fn wait(status: &mut i32) -> isize {
    waitpid(-1, status, 0)
}

/// Limit process `pid` (0: this one, else a child) to `frames` frames (0: no limit).
pub fn setquota(pid: usize, frames: usize) -> isize {
    syscall(SYS_SETQUOTA, [pid, frames, 0, 0, 0, 0])
}

#[derive(Clone, Copy, Debug, Default)]
pub struct MemInfo {
    /// Frames this process holds (its pages, shared ones included, and its page tables).
    pub frames: usize,
    /// Its quota (0: none).
    pub quota: usize,
    pub free_frames: usize,
    pub total_frames: usize,
    pub heap_start: usize,
    pub brk: usize,
}

pub fn meminfo() -> MemInfo {
    let mut w = [0u64; 6];
    syscall(SYS_MEMINFO, [w.as_mut_ptr() as usize, 0, 0, 0, 0, 0]);
    MemInfo { frames: w[0] as usize, quota: w[1] as usize, free_frames: w[2] as usize, total_frames: w[3] as usize, heap_start: w[4] as usize, brk: w[5] as usize }
}

/// A process as `procs` lists it.
#[derive(Clone, Debug)]
pub struct ProcStat {
    pub pid: u32,
    pub ppid: u32,
    pub state: u32,
    pub exit_code: i32,
    pub frames: u64,
    pub quota: u64,
    pub name: String,
}

pub const STATE_NAMES: [&str; 5] = ["unused", "ready", "running", "sleeping", "zombie"];

impl ProcStat {
    pub fn state_name(&self) -> &'static str {
        STATE_NAMES.get(self.state as usize).copied().unwrap_or("?")
    }
}

/// Every process there is.
pub fn procs() -> Vec<ProcStat> {
    let mut buf = alloc::vec![0u8; 48 * 64];
    let n = syscall(SYS_PROCS, [buf.as_mut_ptr() as usize, 64, 0, 0, 0, 0]);
    let n = if n < 0 { 0 } else { (n as usize).min(64) };
    let word = |r: &[u8], o: usize| u32::from_le_bytes([r[o], r[o + 1], r[o + 2], r[o + 3]]);
    let dword = |r: &[u8], o: usize| { let mut b = [0u8; 8]; b.copy_from_slice(&r[o..o + 8]); u64::from_le_bytes(b) };
    buf.chunks(48).take(n).map(|r| {
        let len = r[32..48].iter().position(|&b| b == 0).unwrap_or(16);
        ProcStat {
            pid: word(r, 0), ppid: word(r, 4), state: word(r, 8), exit_code: word(r, 12) as i32,
            frames: dword(r, 16), quota: dword(r, 24), name: String::from_utf8_lossy(&r[32..32 + len]).into_owned(),
        }
    }).collect()
}
