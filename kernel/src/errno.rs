//! Error numbers: what a system call answers, negated, in a0 (Linux's numbering, so the
//! values are familiar; docs/architecture.md lists which call returns which).

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(isize)]
pub enum Errno {
    /// Not allowed (killing init).
    EPERM = 1,
    /// No such program.
    ENOENT = 2,
    /// No such process.
    ESRCH = 3,
    /// A blocked call ended because the process was killed.
    EINTR = 4,
    /// Too many or too long arguments.
    E2BIG = 7,
    /// Not a program this kernel can run.
    ENOEXEC = 8,
    /// Not a file descriptor (only 0, 1 and 2 exist: the console).
    EBADF = 9,
    /// No child to wait for.
    ECHILD = 10,
    /// The process table is full.
    EAGAIN = 11,
    /// Out of frames.
    ENOMEM = 12,
    /// A pointer into memory the process cannot access that way.
    EFAULT = 14,
    /// A bad argument.
    EINVAL = 22,
    /// No such system call.
    ENOSYS = 38,
    /// Over the process's frame quota.
    EDQUOT = 122,
}

impl Errno {
    /// The value a0 carries back.
    pub fn ret(self) -> isize { -(self as isize) }
}

impl From<crate::mm::memory_set::MemoryError> for Errno {
    fn from(e: crate::mm::memory_set::MemoryError) -> Self {
        use crate::mm::memory_set::MemoryError::*;
        match e {
            OutOfFrames => Errno::ENOMEM,
            Quota { .. } => Errno::EDQUOT,
            Overlap(_) | BadRange(_) => Errno::EINVAL,
            NotMapped(_) => Errno::EFAULT,
        }
    }
}
