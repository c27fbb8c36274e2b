//! Kernel console: `print!` and `println!` over the SBI console, the bytes processes write,
//! and the bytes typed for them. There is no UART driver: input is polled through the SBI
//! (the scheduler polls while a process waits for it) into a small buffer that read() drains.

use crate::sbi;
use crate::sync::SpinLock;
use core::fmt::{self, Write};

struct Console;

impl Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            sbi::console_putchar(b);
        }
        Ok(())
    }
}

/// Held while printing, so lines from different contexts do not interleave.
static CONSOLE: SpinLock<()> = SpinLock::new(());

pub fn print(args: fmt::Arguments) {
    let _guard = CONSOLE.lock();
    let _ = Console.write_fmt(args);
}

/// Printing from the panic handler must not wait for a lock the panicking code may hold.
pub fn print_unlocked(args: fmt::Arguments) {
    let _ = Console.write_fmt(args);
}

/// A process's output, byte for byte (not necessarily UTF-8).
pub fn write_bytes(bytes: &[u8]) {
    let _guard = CONSOLE.lock();
    for &b in bytes {
        sbi::console_putchar(b);
    }
}

const INPUT_SIZE: usize = 256;

/// Typed bytes no process has read yet: a ring.
struct Input {
    bytes: [u8; INPUT_SIZE],
    head: usize,
    len: usize,
}

static INPUT: SpinLock<Input> = SpinLock::new(Input { bytes: [0; INPUT_SIZE], head: 0, len: 0 });

/// Move what the firmware has received into the buffer (while there is room); true when
/// something is waiting to be read.
pub fn poll_input() -> bool {
    let mut input = INPUT.lock();
    while input.len < INPUT_SIZE {
        match sbi::console_getchar() {
            Some(c) => {
                let at = (input.head + input.len) % INPUT_SIZE;
                input.bytes[at] = c;
                input.len += 1;
            }
            None => break,
        }
    }
    input.len > 0
}

/// Take up to `buf.len()` buffered bytes; how many.
pub fn read_input(buf: &mut [u8]) -> usize {
    let mut input = INPUT.lock();
    let n = buf.len().min(input.len);
    for b in buf.iter_mut().take(n) {
        *b = input.bytes[input.head];
        input.head = (input.head + 1) % INPUT_SIZE;
        input.len -= 1;
    }
    n
}

#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::print(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::console::print(format_args!("{}\n", format_args!($($arg)*))) };
}
