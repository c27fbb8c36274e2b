//! The host-side tests of the frame bitmap, the heap's free list and the SV39 arithmetic:
//! fixed cases, and long random sequences checked against a plain model after every step.
//! (buddy.rs, cow.rs and area.rs beside this file do the same for the other modules.)

use mmcore::bitmap::FrameBitmap;
use mmcore::freelist::{round_size, FreeList, FreeListError, MIN_BLOCK};
use mmcore::sv39;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;

mod common;
use common::Rng;

fn words(n: usize) -> Vec<AtomicU64> { (0..n).map(|_| AtomicU64::new(0)).collect() }

#[test]
fn bitmap_ranges_match_a_model() {
    let w = words(8);
    let bm = FrameBitmap::new(&w, 500);
    let mut model = vec![false; 500];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for step in 0..20_000 {
        let i = rng.below(500) as usize;
        let n = 1 + rng.below(130.min(500 - i as u64)) as usize;
        match rng.below(4) {
            0 => { bm.set_range(i, n); for f in i..i + n { model[f] = true; } }
            1 => { bm.clear_range(i, n); for f in i..i + n { model[f] = false; } }
            2 => { let r = bm.reserve(i); assert_eq!(r, !model[i], "step {}: reserve {}", step, i); model[i] = true; }
            _ => {}
        }
        assert_eq!(bm.is_range_free(i, n), model[i..i + n].iter().all(|&a| !a), "step {}: is_range_free({}, {})", step, i, n);
        assert_eq!(bm.is_range_allocated(i, n), model[i..i + n].iter().all(|&a| a), "step {}: is_range_allocated({}, {})", step, i, n);
        assert_eq!(bm.is_allocated(i), model[i]);
        assert_eq!(bm.allocated(), model.iter().filter(|&&a| a).count(), "step {}", step);
    }
    // Frames past the end are not ours: never free, never reservable, no range reaches them.
    assert!(bm.is_allocated(500) && !bm.reserve(500));
    assert!(!bm.is_range_free(499, 2) && !bm.is_range_allocated(499, 2));
}

#[test]
fn freelist_merges_neighbours_and_detects_double_free() {
    let mut arena = vec![0u8; 4096 + 16];
    let base = (arena.as_mut_ptr() as usize + 15) & !15;
    let mut fl = FreeList::empty();
    unsafe { fl.init(base, 4096) };
    let a = fl.alloc(100, 8).unwrap();
    let b = fl.alloc(100, 8).unwrap();
    let c = fl.alloc(100, 8).unwrap();
    assert_eq!(fl.stats().free_blocks, 1);
    fl.free(a, 100).unwrap();
    fl.free(c, 100).unwrap();
    assert_eq!(fl.stats().free_blocks, 2, "a alone, and c merged with the tail");
    fl.free(b, 100).unwrap();
    let s = fl.stats();
    assert_eq!((s.free_blocks, s.free, s.largest_free), (1, 4096, 4096), "everything merged back");
    let d = fl.alloc(64, 8).unwrap();
    fl.free(d, 64).unwrap();
    assert!(matches!(fl.free(d, 64), Err(FreeListError::Overlap { .. })), "double free must be caught");
    assert!(matches!(fl.free(base + 8192, 16), Err(FreeListError::Outside { .. })));
}

#[test]
fn freelist_random_sequences_match_a_model() {
    const SIZE: usize = 64 * 1024;
    let mut arena = vec![0u8; SIZE + 4096];
    let base = (arena.as_mut_ptr() as usize + 4095) & !4095;
    let mut fl = FreeList::empty();
    unsafe { fl.init(base, SIZE) };
    let mut live: BTreeMap<usize, usize> = BTreeMap::new();
    let mut rng = Rng(0xfeed_beef);
    for step in 0..30_000 {
        if rng.below(5) < 3 {
            let size = 1 + rng.below(700) as usize;
            let align = 1 << rng.below(9);
            if let Some(p) = fl.alloc(size, align) {
                assert_eq!(p % align.max(MIN_BLOCK), 0, "step {}: misaligned", step);
                assert!(p >= base && p + round_size(size) <= base + SIZE);
                // No overlap with any live block.
                if let Some((&q, &qs)) = live.range(..p + round_size(size)).next_back() {
                    assert!(q + round_size(qs) <= p || q >= p + round_size(size), "step {}: overlap", step);
                }
                live.insert(p, size);
            }
        } else if !live.is_empty() {
            let k = *live.keys().nth(rng.below(live.len() as u64) as usize).unwrap();
            let size = live.remove(&k).unwrap();
            fl.free(k, size).unwrap();
        }
        let s = fl.stats();
        let used: usize = live.values().map(|&v| round_size(v)).sum();
        assert_eq!(s.used, used, "step {}", step);
    }
    for (k, v) in std::mem::take(&mut live) { fl.free(k, v).unwrap(); }
    assert_eq!(fl.stats().free_blocks, 1, "all merged into one block at the end");
}

#[test]
fn freelist_extend_adds_memory_at_the_end_and_merges() {
    let mut arena = vec![0u8; 16 * 1024 + 16];
    let base = (arena.as_mut_ptr() as usize + 15) & !15;
    let mut fl = FreeList::empty();
    unsafe { fl.init(base, 4096) };
    let a = fl.alloc(4000, 16).unwrap();
    assert!(fl.alloc(4000, 16).is_none(), "only 4 KiB so far");
    unsafe { fl.extend(base + 4096, base + 8192).unwrap() };
    let b = fl.alloc(4000, 16).unwrap();
    assert_eq!(b, base + 4000, "the tail of the first 4 KiB and the new memory are one block");
    assert_eq!(fl.bounds(), (base, base + 8192));
    fl.free(b, 4000).unwrap();
    let s = fl.stats();
    assert_eq!((s.free_blocks, s.heap_size, s.frees), (1, 8192, 1), "extend merged with the last block and is not a free");
    unsafe { fl.extend(base, base + 100).unwrap() };
    assert_eq!(fl.bounds(), (base, base + 8192), "extending backwards does nothing");
    fl.free(a, 4000).unwrap();
    assert_eq!(fl.stats().largest_free, 8192);
    // Someone else took [8 KiB, 12 KiB) from sbrk: the list grows past it and never hands it out.
    unsafe { fl.extend(base + 12288, base + 16384).unwrap() };
    let s = fl.stats();
    assert_eq!((s.heap_size, s.free, s.free_blocks), (16384, 12288, 2), "the gap is neither free nor merged across");
    let taken = fl.alloc(8192, 16).unwrap();
    let c = fl.alloc(4096, 16).unwrap();
    assert_eq!((taken, c), (base, base + 12288), "with the first 8 KiB taken, 4 KiB fits only in the new memory");
    assert!(fl.alloc(16, 16).is_none(), "and the gap is never handed out");
}

#[test]
fn sv39_index_math() {
    let va: usize = 0x3f_c020_1abc;
    let vpn = va >> 12;
    assert_eq!([sv39::index(vpn, 2), sv39::index(vpn, 1), sv39::index(vpn, 0)], [0xff, 0x1, 0x1]);
    assert_eq!(sv39::pages_at(1), 512);
    let pte = sv39::make_pte(0x80200, sv39::flags::V | sv39::flags::R | sv39::flags::X);
    assert_eq!(sv39::pte_ppn(pte), 0x80200);
    assert!(sv39::is_leaf(pte));
    assert!(!sv39::is_leaf(sv39::make_pte(5, sv39::flags::V)));
    assert_eq!(sv39::satp(0x80400, 0), 0x8000_0000_0008_0400);
}
