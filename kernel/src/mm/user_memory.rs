//! The kernel's way into user memory: system calls take pointers into the calling process's
//! space, and the kernel follows them through that space's page table, page by page, instead
//! of dereferencing them (sstatus.SUM stays off, so a stray kernel access to user memory
//! faults). Every page must be a user page with the access asked for; a write into a
//! copy-on-write page gives the process its own copy first, exactly as the process's own store
//! would. Anything else is MemoryError::NotMapped, which system calls answer with EFAULT.

use super::memory_layout::{VirtAddr, PAGE_SIZE, USER_BASE, USER_TOP};
use super::memory_set::{MemoryError, MemorySet};
use super::page_table::pte;
use alloc::string::String;
use alloc::vec::Vec;

impl MemorySet {
    /// The kernel address of user address `va`, if its page allows the access.
    fn user_byte(&mut self, va: usize, write: bool) -> Result<usize, MemoryError> {
        let v = VirtAddr(va);
        if !(USER_BASE..USER_TOP).contains(&va) {
            return Err(MemoryError::NotMapped(v));
        }
        let mut t = self.translate(v).ok_or(MemoryError::NotMapped(v))?;
        if t.flags & pte::U == 0 {
            return Err(MemoryError::NotMapped(v));
        }
        if write && t.flags & pte::W == 0 {
            if t.flags & pte::COW == 0 {
                return Err(MemoryError::NotMapped(v));
            }
            self.handle_cow_fault(v)?;
            t = self.translate(v).ok_or(MemoryError::NotMapped(v))?;
        } else if !write && t.flags & pte::R == 0 {
            return Err(MemoryError::NotMapped(v));
        }
        Ok(t.pa.0)
    }

    /// Walk [va, va + len) a page at a time: `f(kernel address, offset, length)` per piece.
    fn each_piece(&mut self, va: usize, len: usize, write: bool, mut f: impl FnMut(usize, usize, usize)) -> Result<(), MemoryError> {
        let end = va.checked_add(len).ok_or(MemoryError::NotMapped(VirtAddr(va)))?;
        let mut a = va;
        while a < end {
            let n = (PAGE_SIZE - a % PAGE_SIZE).min(end - a);
            let k = self.user_byte(a, write)?;
            f(k, a - va, n);
            a += n;
        }
        Ok(())
    }

    /// `len` bytes from user address `va`.
    pub fn copy_in(&mut self, va: usize, len: usize) -> Result<Vec<u8>, MemoryError> {
        let mut out = alloc::vec![0u8; len];
        self.each_piece(va, len, false, |k, off, n| {
            out[off..off + n].copy_from_slice(unsafe { core::slice::from_raw_parts(k as *const u8, n) });
        })?;
        Ok(out)
    }

    /// Write `bytes` at user address `va`.
    pub fn copy_out(&mut self, va: usize, bytes: &[u8]) -> Result<(), MemoryError> {
        self.each_piece(va, bytes.len(), true, |k, off, n| {
            unsafe { core::slice::from_raw_parts_mut(k as *mut u8, n) }.copy_from_slice(&bytes[off..off + n]);
        })
    }

    /// Fail now if [va, va + len) cannot be written (a call that blocks before it writes, such
    /// as read, checks first). Copy-on-write pages get their copy, which the write needs anyway.
    pub fn check_writable(&mut self, va: usize, len: usize) -> Result<(), MemoryError> {
        self.each_piece(va, len, true, |_, _, _| {})
    }

    pub fn read_u64(&mut self, va: usize) -> Result<u64, MemoryError> {
        let b = self.copy_in(va, 8)?;
        let mut w = [0u8; 8];
        w.copy_from_slice(&b);
        Ok(u64::from_le_bytes(w))
    }

    /// A UTF-8 string of `len` bytes at `va` (BadRange when it is not UTF-8).
    pub fn read_str(&mut self, va: usize, len: usize) -> Result<String, MemoryError> {
        String::from_utf8(self.copy_in(va, len)?).map_err(|_| MemoryError::BadRange(VirtAddr(va)))
    }
}
