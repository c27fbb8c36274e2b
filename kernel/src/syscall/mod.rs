//! System calls: `ecall` from user mode with the call's number in a7 and up to six arguments
//! in a0..a5; the answer comes back in a0, a negative Errno on failure. The numbers are
//! Linux's (RISC-V, asm-generic) where Linux has the call, though the semantics are Chronos
//! OS's own, smaller ones; the calls Linux does not have are numbered from 1000.
//! docs/architecture.md has the table.

mod console;
mod memory;
mod process;

use crate::errno::Errno;
use crate::trap::TrapFrame;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Sys {
    Read = 63,
    Write = 64,
    Exit = 93,
    /// sleep(ms) (Linux's nanosleep number).
    Sleep = 101,
    Yield = 124,
    Kill = 129,
    /// Milliseconds since boot (Linux's gettimeofday number).
    Time = 169,
    GetPid = 172,
    GetPpid = 173,
    Brk = 214,
    Fork = 220,
    Exec = 221,
    WaitPid = 260,
    /// The process list, for ps.
    Procs = 1000,
    /// A process's frame quota.
    SetQuota = 1001,
    /// The caller's memory figures.
    MemInfo = 1002,
}

impl Sys {
    fn from_number(n: usize) -> Option<Sys> {
        use Sys::*;
        Some(match n {
            63 => Read,
            64 => Write,
            93 => Exit,
            101 => Sleep,
            124 => Yield,
            129 => Kill,
            169 => Time,
            172 => GetPid,
            173 => GetPpid,
            214 => Brk,
            220 => Fork,
            221 => Exec,
            260 => WaitPid,
            1000 => Procs,
            1001 => SetQuota,
            1002 => MemInfo,
            _ => return None,
        })
    }
}

/// Run system call `number`; the value for a0. `frame` is the caller's saved registers (exec
/// replaces them).
#[inline(never)]
pub fn dispatch(number: usize, a: [usize; 6], frame: &mut TrapFrame) -> isize {
    let sys = match Sys::from_number(number) {
        Some(s) => s,
        None => return Errno::ENOSYS.ret(),
    };
    let r = match sys {
        Sys::Read => console::sys_read(a[0], a[1], a[2]),
        Sys::Write => console::sys_write(a[0], a[1], a[2]),
        Sys::Exit => process::sys_exit(a[0] as i32),
        Sys::Sleep => process::sys_sleep(a[0]),
        Sys::Yield => process::sys_yield(),
        Sys::Kill => process::sys_kill(a[0]),
        Sys::Time => process::sys_time(),
        Sys::GetPid => process::sys_getpid(),
        Sys::GetPpid => process::sys_getppid(),
        Sys::Brk => memory::sys_brk(a[0]),
        Sys::Fork => process::sys_fork(),
        Sys::Exec => process::sys_exec(a[0], a[1], a[2], a[3], frame),
        Sys::WaitPid => process::sys_waitpid(a[0] as isize, a[1], a[2]),
        Sys::Procs => process::sys_procs(a[0], a[1]),
        Sys::SetQuota => memory::sys_setquota(a[0], a[1]),
        Sys::MemInfo => memory::sys_meminfo(a[0]),
    };
    match r {
        Ok(v) => v as isize,
        Err(e) => e.ret(),
    }
}

type SysResult = Result<usize, Errno>;
