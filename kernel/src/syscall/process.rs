//! The process calls: exit, fork, exec, waitpid, kill, yield, sleep, getpid and getppid, the
//! time, and the process list that ps prints.

use super::SysResult;
use crate::errno::Errno;
use crate::loader::{MAX_ARGS, MAX_ARG_BYTES};
use crate::task::{self, ExitCode, PROCS};
use crate::timer;
use crate::trap::TrapFrame;
use alloc::string::String;
use alloc::vec::Vec;

/// waitpid's option: answer 0 at once instead of waiting for a child that still runs.
const WNOHANG: usize = 1;
/// The longest program name exec looks up.
const MAX_PATH: usize = 64;

pub fn sys_exit(code: i32) -> SysResult {
    task::exit(ExitCode(code))
}

pub fn sys_yield() -> SysResult {
    task::yield_now();
    Ok(0)
}

pub fn sys_sleep(ms: usize) -> SysResult {
    task::sleep_until(timer::now().saturating_add(timer::ms_to_ticks(ms as u64)))?;
    Ok(0)
}

pub fn sys_time() -> SysResult {
    Ok(timer::ticks_to_ms(timer::now()) as usize)
}

pub fn sys_getpid() -> SysResult {
    Ok(task::with_current(|p| p.pid()) as usize)
}

pub fn sys_getppid() -> SysResult {
    Ok(task::with_current(|p| p.info.ppid) as usize)
}

pub fn sys_kill(pid: usize) -> SysResult {
    if pid == 0 || pid > u32::MAX as usize {
        return Err(Errno::ESRCH);
    }
    task::kill(pid as u32)?;
    Ok(0)
}

pub fn sys_fork() -> SysResult {
    Ok(task::fork()? as usize)
}

/// exec(path, path_len, args, argc): `args` points at argc (pointer, length) pairs of u64.
pub fn sys_exec(path: usize, path_len: usize, args: usize, argc: usize, frame: &mut TrapFrame) -> SysResult {
    if path_len > MAX_PATH {
        return Err(Errno::ENOENT);
    }
    if argc > MAX_ARGS {
        return Err(Errno::E2BIG);
    }
    let (name, strings) = task::with_current_space(|ms| -> Result<(String, Vec<String>), Errno> {
        let name = ms.read_str(path, path_len)?;
        let mut strings = Vec::new();
        let mut total = 0;
        for i in 0..argc {
            let p = ms.read_u64(args + 16 * i)? as usize;
            let n = ms.read_u64(args + 16 * i + 8)? as usize;
            total += n;
            if total > MAX_ARG_BYTES {
                return Err(Errno::E2BIG);
            }
            strings.push(ms.read_str(p, n)?);
        }
        Ok((name, strings))
    })?;
    let refs: Vec<&str> = strings.iter().map(|s| s.as_str()).collect();
    task::exec(&name, &refs, frame)
}

/// waitpid(pid, status, options): pid -1 for any child; the exit code goes to the i32 at
/// `status` (unless it is 0). Returns the child's pid, or 0 with WNOHANG while none exited.
pub fn sys_waitpid(pid: isize, status: usize, options: usize) -> SysResult {
    if options & !WNOHANG != 0 || pid == 0 || pid < -1 {
        return Err(Errno::EINVAL);
    }
    // Make sure the code can be delivered before a child is collected for it.
    if status != 0 {
        task::with_current_space(|ms| ms.copy_out(status, &0i32.to_le_bytes()))?;
    }
    match task::waitpid(pid, options & WNOHANG != 0)? {
        Some((child, code)) => {
            if status != 0 {
                task::with_current_space(|ms| ms.copy_out(status, &code.to_le_bytes()))?;
            }
            Ok(child as usize)
        }
        None => Ok(0),
    }
}

/// One record of the process list: pid, ppid, state, exit code (u32 each), frames, quota
/// (u64), the name (16 bytes, NUL-padded): 48 bytes, little-endian.
pub const PROC_RECORD: usize = 48;

/// procs(buf, max): up to `max` records at `buf`; returns how many processes there are.
pub fn sys_procs(buf: usize, max: usize) -> SysResult {
    let records: Vec<[u8; PROC_RECORD]> = {
        let t = PROCS.lock();
        t.live().map(|p| {
            let mut r = [0u8; PROC_RECORD];
            r[0..4].copy_from_slice(&p.pid().to_le_bytes());
            r[4..8].copy_from_slice(&p.info.ppid.to_le_bytes());
            r[8..12].copy_from_slice(&p.info.state.to_le_bytes());
            r[12..16].copy_from_slice(&p.info.exit_code.to_le_bytes());
            r[16..24].copy_from_slice(&p.info.frames.to_le_bytes());
            r[24..32].copy_from_slice(&p.info.quota.to_le_bytes());
            r[32..48].copy_from_slice(&p.info.name);
            r
        }).collect()
    };
    let out: Vec<u8> = records.iter().take(max).flat_map(|r| r.iter().copied()).collect();
    task::with_current_space(|ms| ms.copy_out(buf, &out))?;
    Ok(records.len())
}
