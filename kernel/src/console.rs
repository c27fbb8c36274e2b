//! Kernel console: `print!` and `println!` over the SBI console.

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

#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::print(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::console::print(format_args!("{}\n", format_args!($($arg)*))) };
}
