//! read and write on the console, the one device processes see: file descriptor 0 reads what
//! is typed, 1 and 2 write to the console.

use super::SysResult;
use crate::errno::Errno;
use crate::task::{self, WaitReason};

const STDIN: usize = 0;
const STDOUT: usize = 1;
const STDERR: usize = 2;
/// Bytes copied out of a process at a time.
const CHUNK: usize = 1024;

pub fn sys_write(fd: usize, buf: usize, len: usize) -> SysResult {
    if fd != STDOUT && fd != STDERR {
        return Err(Errno::EBADF);
    }
    let mut done = 0;
    while done < len {
        let n = CHUNK.min(len - done);
        let bytes = task::with_current_space(|ms| ms.copy_in(buf + done, n))?;
        crate::console::write_bytes(&bytes);
        done += n;
    }
    Ok(len)
}

/// At least one byte, blocking until something is typed; at most `len`.
pub fn sys_read(fd: usize, buf: usize, len: usize) -> SysResult {
    if fd != STDIN {
        return Err(Errno::EBADF);
    }
    if len == 0 {
        return Ok(0);
    }
    let mut kbuf = [0u8; 256];
    let want = len.min(kbuf.len());
    task::with_current_space(|ms| ms.check_writable(buf, want))?;
    loop {
        crate::console::poll_input();
        let n = crate::console::read_input(&mut kbuf[..want]);
        if n > 0 {
            task::with_current_space(|ms| ms.copy_out(buf, &kbuf[..n]))?;
            return Ok(n);
        }
        if !task::sleep_on(WaitReason::Console, 0) {
            return Err(Errno::EINTR);
        }
    }
}
