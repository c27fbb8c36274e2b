//! A console monitor for trying the memory system by hand while the debugger watches:
//! allocate and free frames, grow and shrink the heap, and see the statistics change in the
//! Physical Frames and Heap views at the next stop.

use crate::mm::frame_allocator::{self, FRAME_STATS};
use crate::mm::memory_layout::PhysPageNum;
use crate::mm::{self, heap};
use crate::sbi;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

const HELP: &str = "commands: help, frames, alloc [N], free PPN, heap, grow BYTES, shrink, satp, exit";

pub fn run() -> ! {
    println!("chronos shell: {}", HELP);
    // Blocks the shell allocated with `grow`, released by `shrink` newest first.
    let mut grown: Vec<Vec<u8>> = Vec::new();
    let mut line = String::new();
    prompt();
    loop {
        let c = match sbi::console_getchar() {
            Some(c) => c,
            None => continue,
        };
        match c {
            b'\r' | b'\n' => {
                println!();
                execute(line.trim(), &mut grown);
                line.clear();
                prompt();
            }
            // Backspace or DEL, as terminals send it: erase the last character on screen too.
            0x08 | 0x7f => {
                if line.pop().is_some() {
                    print!("\x08 \x08");
                }
            }
            c if (0x20..0x7f).contains(&c) => {
                line.push(c as char);
                print!("{}", c as char);
            }
            _ => {}
        }
    }
}

fn prompt() {
    print!("chronos> ");
}

fn execute(line: &str, grown: &mut Vec<Vec<u8>>) {
    let mut words = line.split_whitespace();
    let command = match words.next() {
        Some(w) => w,
        None => return,
    };
    let arg = words.next().and_then(parse_number);
    match command {
        "help" => println!("{}", HELP),
        "frames" => println!("frames: total {}, free {}, allocated {}, peak {}",
            FRAME_STATS.total.load(Ordering::Relaxed), FRAME_STATS.free.load(Ordering::Relaxed),
            FRAME_STATS.allocated.load(Ordering::Relaxed), FRAME_STATS.peak.load(Ordering::Relaxed)),
        "alloc" => {
            for _ in 0..arg.unwrap_or(1) {
                match frame_allocator::alloc_frame() {
                    Some(ppn) => println!("allocated frame {:#x} at {:#x}", ppn.0, ppn.0 << 12),
                    None => { println!("out of frames"); break; }
                }
            }
        }
        "free" => match arg {
            Some(ppn) => match frame_allocator::try_free_frame(PhysPageNum(ppn)) {
                Ok(()) => println!("freed frame {:#x}", ppn),
                Err(e) => println!("cannot free {:#x}: {:?}", ppn, e),
            },
            None => println!("usage: free PPN"),
        },
        "heap" => {
            let s = heap::stats();
            println!("heap: {} bytes, used {}, free {} in {} blocks, largest {}",
                s.heap_size, s.used, s.free, s.free_blocks, s.largest_free);
        }
        "grow" => {
            let bytes = arg.unwrap_or(4096);
            let mut block = Vec::new();
            if block.try_reserve_exact(bytes).is_err() {
                println!("the heap has no {} bytes free", bytes);
                return;
            }
            block.resize(bytes, 0xa5);
            println!("heap block of {} bytes at {:#x}", bytes, block.as_ptr() as usize);
            grown.push(block);
        }
        "shrink" => match grown.pop() {
            Some(block) => println!("freed the heap block at {:#x}", block.as_ptr() as usize),
            None => println!("nothing to shrink"),
        },
        "satp" => println!("satp {:#x}", mm::KERNEL_SPACE.lock().as_ref().map(|s| s.satp()).unwrap_or(0)),
        "exit" => crate::finisher::exit(0),
        _ => println!("unknown command '{}'; {}", command, HELP),
    }
}

/// Decimal, or hexadecimal with 0x.
fn parse_number(word: &str) -> Option<usize> {
    match word.strip_prefix("0x") {
        Some(hex) => usize::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}
