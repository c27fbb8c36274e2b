//! The memory calls: brk moves the end of the heap, setquota limits the frames a process may
//! hold, meminfo reports the caller's figures and the machine's.

use super::SysResult;
use crate::errno::Errno;
use crate::mm::frame_allocator::{self, FRAME_STATS};
use crate::mm::memory_layout::VirtAddr;
use crate::mm::memory_set::MemoryError;
use crate::task::{self, PROCS};
use core::sync::atomic::Ordering;

/// brk(addr): move the heap's end to `addr` and return it; brk(0) returns where it is. A
/// refusal for the quota is also reported on the console, so the log shows the kernel's side.
pub fn sys_brk(addr: usize) -> SysResult {
    let r = task::with_current_space(|ms| {
        if addr == 0 {
            return ms.heap().map(|h| h.brk).ok_or(MemoryError::BadRange(VirtAddr(addr)));
        }
        ms.set_brk(addr)
    });
    if let Err(MemoryError::Quota { quota, .. }) = r {
        let (pid, name) = task::current_name();
        println!("[kernel] pid {} ({}): brk refused, over its quota of {} frames", pid, name, quota);
    }
    r.map_err(Errno::from)
}

/// setquota(pid, frames): pid 0 is the caller, otherwise one of its children; 0 frames lifts
/// the quota. A quota below what the process holds already stops it growing.
pub fn sys_setquota(pid: usize, frames: usize) -> SysResult {
    let quota = if frames == 0 { None } else { Some(frames) };
    let me = task::with_current(|p| p.pid());
    let mut t = PROCS.lock();
    let target = if pid == 0 { me } else { pid as u32 };
    let s = t.find(target).ok_or(Errno::ESRCH)?;
    let p = &mut t.slots[s];
    if target != me && p.info.ppid != me {
        return Err(Errno::EPERM);
    }
    match p.memory.as_mut() {
        Some(ms) => ms.set_quota(quota),
        None => return Err(Errno::ESRCH),
    }
    p.refresh_memory_info();
    Ok(0)
}

/// meminfo(buf): six u64 at `buf`: the frames the caller holds, its quota (0: none), the
/// machine's free and total frames, the heap's start and its end (brk).
pub fn sys_meminfo(buf: usize) -> SysResult {
    let free = frame_allocator::free_count() as u64;
    let total = FRAME_STATS.total.load(Ordering::Relaxed);
    task::with_current_space(|ms| {
        let heap = ms.heap();
        let words = [
            ms.frames_in_use() as u64,
            ms.quota().unwrap_or(0) as u64,
            free,
            total,
            heap.map(|h| h.start as u64).unwrap_or(0),
            heap.map(|h| h.brk as u64).unwrap_or(0),
        ];
        let mut out = [0u8; 48];
        for (i, w) in words.iter().enumerate() {
            out[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
        }
        ms.copy_out(buf, &out)
    })?;
    Ok(0)
}
