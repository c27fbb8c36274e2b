//! Just enough of a flattened-device-tree reader (Devicetree Specification v0.4, ch. 5) to
//! find the RAM (`/memory` `reg`), the kernel command line (`/chosen` `bootargs`), the timer's
//! frequency (`/cpus` `timebase-frequency`) and the tree's own size, so the frame allocator
//! can keep its hands off it.

const MAGIC: u32 = 0xd00d_feed;
const BEGIN_NODE: u32 = 1;
const END_NODE: u32 = 2;
const PROP: u32 = 3;
const NOP: u32 = 4;
const END: u32 = 9;

pub struct DeviceTree {
    pub memory_start: usize,
    pub memory_size: usize,
    pub total_size: usize,
    pub bootargs: &'static str,
    /// 0 when the tree does not say.
    pub timebase_hz: u64,
}

fn be32(p: usize) -> u32 {
    u32::from_be(unsafe { core::ptr::read_unaligned(p as *const u32) })
}

fn be64(p: usize) -> u64 {
    ((be32(p) as u64) << 32) | be32(p + 4) as u64
}

fn cstr(p: usize) -> &'static [u8] {
    let mut n = 0;
    while unsafe { *((p + n) as *const u8) } != 0 {
        n += 1;
    }
    unsafe { core::slice::from_raw_parts(p as *const u8, n) }
}

pub fn parse(addr: usize) -> Option<DeviceTree> {
    if addr == 0 || be32(addr) != MAGIC {
        return None;
    }
    let total_size = be32(addr + 4) as usize;
    let structs = addr + be32(addr + 8) as usize;
    let strings = addr + be32(addr + 12) as usize;
    let mut tree = DeviceTree { memory_start: 0, memory_size: 0, total_size, bootargs: "", timebase_hz: 0 };
    let mut p = structs;
    let mut depth = 0;
    let mut in_memory = false;
    let mut in_chosen = false;
    let mut in_cpus = false;
    loop {
        let token = be32(p);
        p += 4;
        match token {
            BEGIN_NODE => {
                let name = cstr(p);
                p += (name.len() + 4) & !3;
                depth += 1;
                in_memory = depth == 2 && name.starts_with(b"memory");
                in_chosen = depth == 2 && name == b"chosen";
                in_cpus = depth == 2 && name == b"cpus";
            }
            END_NODE => {
                depth -= 1;
                in_memory = false;
                in_chosen = false;
                in_cpus = false;
            }
            PROP => {
                let len = be32(p) as usize;
                let name = cstr(strings + be32(p + 4) as usize);
                let value = p + 8;
                if in_memory && name == b"reg" && len >= 16 && tree.memory_size == 0 {
                    tree.memory_start = be64(value) as usize;
                    tree.memory_size = be64(value + 8) as usize;
                }
                if in_chosen && name == b"bootargs" && len > 0 {
                    let bytes = unsafe { core::slice::from_raw_parts(value as *const u8, len - 1) };
                    tree.bootargs = core::str::from_utf8(bytes).unwrap_or("");
                }
                if in_cpus && name == b"timebase-frequency" && len == 4 {
                    tree.timebase_hz = be32(value) as u64;
                }
                p = value + ((len + 3) & !3);
            }
            NOP => {}
            END => return Some(tree),
            _ => return None,
        }
    }
}
