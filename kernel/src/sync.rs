//! A spin lock that also masks supervisor interrupts while held, so an interrupt handler on the
//! same hart can never spin forever on a lock its own hart holds.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};

/// repr(C) with the value first, so a lock's address is its value's (the debugger descriptor
/// points into the heap's lock this way).
#[repr(C)]
pub struct SpinLock<T> {
    value: UnsafeCell<T>,
    locked: AtomicBool,
}

unsafe impl<T: Send> Sync for SpinLock<T> {}

pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
    interrupts_were_on: bool,
}

const SSTATUS_SIE: usize = 1 << 1;

fn interrupts_off() -> bool {
    let old: usize;
    unsafe { core::arch::asm!("csrrc {0}, sstatus, {1}", out(reg) old, in(reg) SSTATUS_SIE) };
    old & SSTATUS_SIE != 0
}

fn interrupts_on() {
    unsafe { core::arch::asm!("csrs sstatus, {0}", in(reg) SSTATUS_SIE) };
}

impl<T> SpinLock<T> {
    pub const fn new(value: T) -> Self {
        SpinLock { value: UnsafeCell::new(value), locked: AtomicBool::new(false) }
    }

    pub fn lock(&self) -> SpinGuard<'_, T> {
        let interrupts_were_on = interrupts_off();
        while self.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        SpinGuard { lock: self, interrupts_were_on }
    }
}

impl<T> SpinLock<T> {
    /// The value without taking the lock, for the panic handler and trap reports only: they
    /// must not wait for a lock the failing code may hold, and they only read.
    ///
    /// # Safety
    /// What is read may be in the middle of a change.
    pub unsafe fn peek_unlocked(&self) -> &T {
        &*self.value.get()
    }
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
        if self.interrupts_were_on {
            interrupts_on();
        }
    }
}
