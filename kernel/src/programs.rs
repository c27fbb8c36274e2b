//! The user programs the kernel carries until a file system gives them a disk. Each is built
//! from kernel/user by scripts/build-kernel.sh and embedded whole: the ELF that exec loads, with
//! its symbols and DWARF, so a debugger can read a user program's debugging information out of
//! the kernel image (CHRONOS_PROGRAMS, docs/debug-descriptor.md).

use crate::task::NAME_LEN;

/// One embedded program. The layout is part of the debugger contract.
#[repr(C)]
pub struct Program {
    /// The name exec takes, NUL-padded.
    pub name: [u8; NAME_LEN],
    pub elf: *const u8,
    pub size: u64,
}

unsafe impl Sync for Program {}

const fn name(s: &str) -> [u8; NAME_LEN] {
    let b = s.as_bytes();
    let mut out = [0u8; NAME_LEN];
    let mut i = 0;
    while i < b.len() && i < NAME_LEN {
        out[i] = b[i];
        i += 1;
    }
    out
}

macro_rules! program {
    ($name:literal) => {{
        const ELF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/user/target/embed/", $name));
        Program { name: name($name), elf: ELF.as_ptr(), size: ELF.len() as u64 }
    }};
}

pub const PROGRAM_COUNT: usize = 8;

#[no_mangle]
pub static CHRONOS_PROGRAMS: [Program; PROGRAM_COUNT] = [
    program!("init"),
    program!("sh"),
    program!("utest"),
    program!("hog"),
    program!("pingpong"),
    program!("spin"),
    program!("fault"),
    program!("echo"),
];

impl Program {
    pub fn name(&self) -> &str {
        let n = self.name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        core::str::from_utf8(&self.name[..n]).unwrap_or("")
    }
    pub fn elf(&self) -> &'static [u8] {
        unsafe { core::slice::from_raw_parts(self.elf, self.size as usize) }
    }
}

/// The ELF image of the program called `name`.
pub fn find(name: &str) -> Option<&'static [u8]> {
    CHRONOS_PROGRAMS.iter().find(|p| p.name() == name).map(|p| p.elf())
}
