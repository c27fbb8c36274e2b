//! The ELF loader: a program's ELF64 image (RISC-V, executable, little-endian) becomes a new
//! user address space. Each PT_LOAD segment is an area with the segment's permissions, its
//! file bytes copied in and the rest (bss) left zero; then comes the user stack with the
//! arguments on it, and an empty heap after the highest segment. Only the program headers
//! matter here; the sections are the debugger's.
//!
//! The arguments are not C strings: a0 is argc and a1 points at argc (pointer, length) pairs
//! of u64, the bytes they point to (UTF-8, no terminator) stored above them on the stack. That
//! is what a Rust &str is made of, so the user library hands main a &[&str] at no cost.

use crate::mm::memory_layout::*;
use crate::mm::memory_set::{MemoryError, MemorySet, HEAP_LIMIT};
use crate::mm::page_table::pte;

pub const MAX_ARGS: usize = 32;
/// Room the arguments may take on the stack, strings and pairs together.
pub const MAX_ARG_BYTES: usize = 4096;

const EM_RISCV: u16 = 243;
const ET_EXEC: u16 = 2;
const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

#[derive(Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not an ELF file this kernel runs, and why.
    BadElf(&'static str),
    Memory(MemoryError),
    TooManyArgs,
}

impl From<MemoryError> for LoadError {
    fn from(e: MemoryError) -> Self { LoadError::Memory(e) }
}

/// A loaded program, ready to run: its space, and the registers to start it with.
pub struct Image {
    pub memory: MemorySet,
    pub entry: usize,
    pub sp: usize,
    pub argc: usize,
    pub argv: usize,
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> { b.get(o..o + 2).map(|s| u16::from_le_bytes([s[0], s[1]])) }
fn u32_at(b: &[u8], o: usize) -> Option<u32> { b.get(o..o + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]])) }
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    b.get(o..o + 8).map(|s| { let mut w = [0u8; 8]; w.copy_from_slice(s); u64::from_le_bytes(w) })
}

struct Segment { vaddr: usize, memsz: usize, offset: usize, filesz: usize, flags: u32 }

fn segments(elf: &[u8]) -> Result<(usize, impl Iterator<Item = Result<Option<Segment>, LoadError>> + '_), LoadError> {
    let bad = LoadError::BadElf;
    if elf.get(0..4) != Some(b"\x7fELF") {
        return Err(bad("no ELF magic"));
    }
    if elf.get(4) != Some(&2) || elf.get(5) != Some(&1) {
        return Err(bad("not a little-endian ELF64 file"));
    }
    if u16_at(elf, 16) != Some(ET_EXEC) || u16_at(elf, 18) != Some(EM_RISCV) {
        return Err(bad("not a RISC-V executable"));
    }
    let entry = u64_at(elf, 24).ok_or(bad("truncated header"))? as usize;
    let phoff = u64_at(elf, 32).ok_or(bad("truncated header"))? as usize;
    let phentsize = u16_at(elf, 54).ok_or(bad("truncated header"))? as usize;
    let phnum = u16_at(elf, 56).ok_or(bad("truncated header"))? as usize;
    if phentsize < 56 {
        return Err(bad("program headers too small"));
    }
    let it = (0..phnum).map(move |i| {
        let h = phoff.checked_add(i * phentsize).ok_or(LoadError::BadElf("program header offset overflows"))?;
        let field = |o: usize| u64_at(elf, h + o).map(|v| v as usize).ok_or(LoadError::BadElf("truncated program header"));
        if u32_at(elf, h).ok_or(LoadError::BadElf("truncated program header"))? != PT_LOAD {
            return Ok(None);
        }
        let flags = u32_at(elf, h + 4).ok_or(LoadError::BadElf("truncated program header"))?;
        Ok(Some(Segment { offset: field(8)?, vaddr: field(16)?, filesz: field(32)?, memsz: field(40)?, flags }))
    });
    Ok((entry, it))
}

/// Check `elf` as load would, without building anything; its entry point.
pub fn inspect(elf: &[u8]) -> Result<usize, LoadError> {
    let (entry, segs) = segments(elf)?;
    let mut entry_ok = false;
    for seg in segs {
        let s = match seg? { Some(s) => s, None => continue };
        let (_, end) = check_segment(&s, elf)?;
        entry_ok |= s.flags & PF_X != 0 && (s.vaddr..end).contains(&entry);
    }
    if entry_ok { Ok(entry) } else { Err(LoadError::BadElf("the entry point is not in an executable segment")) }
}

/// A segment's end, if it lies in the file and in user space.
fn check_segment(s: &Segment, elf: &[u8]) -> Result<(usize, usize), LoadError> {
    let end = s.vaddr.checked_add(s.memsz).ok_or(LoadError::BadElf("segment wraps around"))?;
    if s.filesz > s.memsz || s.offset.checked_add(s.filesz).map_or(true, |e| e > elf.len()) {
        return Err(LoadError::BadElf("segment larger than the file"));
    }
    // Segments must end below the heap's limit, so that a program always has a heap.
    if s.vaddr < USER_BASE || end > HEAP_LIMIT {
        return Err(LoadError::BadElf("segment outside user space"));
    }
    Ok((s.vaddr, end))
}

/// Load `elf` into a new space sharing `kernel`'s mappings, limited to `quota` frames, with
/// `args` on its stack.
pub fn load(elf: &[u8], args: &[&str], kernel: &MemorySet, quota: Option<usize>) -> Result<Image, LoadError> {
    if args.len() > MAX_ARGS {
        return Err(LoadError::TooManyArgs);
    }
    let mut ms = MemorySet::new_user(kernel)?;
    ms.set_quota(quota);
    let (entry, segs) = segments(elf)?;
    let (mut top, mut entry_ok) = (USER_BASE, false);
    for seg in segs {
        let s = match seg? { Some(s) => s, None => continue };
        if s.memsz == 0 {
            continue;
        }
        let (_, end) = check_segment(&s, elf)?;
        let mut perm = 0;
        if s.flags & PF_R != 0 { perm |= pte::R; }
        if s.flags & PF_W != 0 { perm |= pte::W; }
        if s.flags & PF_X != 0 { perm |= pte::X; }
        let name = if s.flags & PF_X != 0 { "text" } else if s.flags & PF_W != 0 { "data" } else { "rodata" };
        let (first, last) = (align_down(s.vaddr, PAGE_SIZE), align_up(end, PAGE_SIZE));
        ms.insert_framed(VirtAddr(first), VirtAddr(last), perm, name).map_err(|e| match e {
            MemoryError::Overlap(_) => LoadError::BadElf("two segments share a page"),
            e => LoadError::Memory(e),
        })?;
        ms.init_bytes(s.vaddr, &elf[s.offset..s.offset + s.filesz])?;
        entry_ok |= s.flags & PF_X != 0 && (s.vaddr..end).contains(&entry);
        top = top.max(last);
    }
    if !entry_ok {
        return Err(LoadError::BadElf("the entry point is not in an executable segment"));
    }
    ms.init_heap(top);
    ms.insert_framed(VirtAddr(USER_STACK_TOP - USER_STACK_SIZE), VirtAddr(USER_STACK_TOP), pte::R | pte::W, "stack")?;
    let (sp, argv) = push_args(&mut ms, args)?;
    Ok(Image { memory: ms, entry, sp, argc: args.len(), argv })
}

/// The strings at the top of the stack, then the (pointer, length) pairs below them; returns
/// the stack pointer (16-byte aligned, as the calling convention wants) and argv.
fn push_args(ms: &mut MemorySet, args: &[&str]) -> Result<(usize, usize), LoadError> {
    let strings: usize = args.iter().map(|a| a.len()).sum();
    if strings + 16 * args.len() + 16 > MAX_ARG_BYTES {
        return Err(LoadError::TooManyArgs);
    }
    let mut at = USER_STACK_TOP;
    let mut pairs = [(0usize, 0usize); MAX_ARGS];
    for (i, a) in args.iter().enumerate() {
        at -= a.len();
        ms.init_bytes(at, a.as_bytes())?;
        pairs[i] = (at, a.len());
    }
    let argv = align_down(at - 16 * args.len(), 16);
    for (i, &(p, n)) in pairs[..args.len()].iter().enumerate() {
        ms.init_bytes(argv + 16 * i, &(p as u64).to_le_bytes())?;
        ms.init_bytes(argv + 16 * i + 8, &(n as u64).to_le_bytes())?;
    }
    Ok((argv, argv))
}
