//! Console output and input for programs: `print!`/`println!` format into a buffer and write
//! it with as few system calls as the buffer allows; getchar and read_line read what is typed.

use core::fmt::{self, Write};

const STDIN: usize = 0;
const STDOUT: usize = 1;

struct Buffered {
    buf: [u8; 256],
    len: usize,
}

impl Buffered {
    fn flush(&mut self) {
        if self.len > 0 {
            crate::syscall::write(STDOUT, &self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl Write for Buffered {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

pub fn print(args: fmt::Arguments) {
    let mut out = Buffered { buf: [0; 256], len: 0 };
    let _ = out.write_fmt(args);
    out.flush();
}

/// One byte typed on the console (blocks until there is one); None if read fails.
pub fn getchar() -> Option<u8> {
    let mut c = [0u8; 1];
    if crate::syscall::read(STDIN, &mut c) == 1 { Some(c[0]) } else { None }
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
