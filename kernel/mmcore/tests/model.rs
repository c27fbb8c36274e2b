//! The host-side tests of the allocator logic: fixed cases, and long random sequences of
//! allocations and frees checked against a plain model after every step.

use mmcore::bitmap::{FrameBitmap, FreeError};
use mmcore::freelist::{round_size, FreeList, FreeListError, MIN_BLOCK};
use mmcore::sv39;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize};

/// xorshift64: reproducible without crates.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 { self.0 ^= self.0 << 13; self.0 ^= self.0 >> 7; self.0 ^= self.0 << 17; self.0 }
    fn below(&mut self, n: u64) -> u64 { self.next() % n }
}

fn words(n: usize) -> Vec<AtomicU64> { (0..n).map(|_| AtomicU64::new(0)).collect() }

#[test]
fn bitmap_single_frames_match_a_model() {
    let w = words(8);
    let hint = AtomicUsize::new(0);
    let bm = FrameBitmap::new(&w, 500, &hint);
    let mut model = vec![false; 500];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for step in 0..20_000 {
        if rng.below(3) != 0 {
            match bm.alloc() {
                Some(i) => { assert!(!model[i], "step {}: frame {} handed out twice", step, i); model[i] = true; }
                None => assert!(model.iter().all(|&a| a), "step {}: alloc failed with free frames", step),
            }
        } else {
            let i = rng.below(500) as usize;
            let r = bm.free(i);
            if model[i] { assert_eq!(r, Ok(())); model[i] = false; } else { assert_eq!(r, Err(FreeError::NotAllocated)); }
        }
        assert_eq!(bm.allocated(), model.iter().filter(|&&a| a).count());
    }
    assert_eq!(bm.free(500), Err(FreeError::NotOwned));
}

#[test]
fn bitmap_contiguous_runs_are_free_and_consecutive() {
    let w = words(4);
    let hint = AtomicUsize::new(0);
    let bm = FrameBitmap::new(&w, 256, &hint);
    let mut rng = Rng(99);
    let mut model = vec![false; 256];
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for _ in 0..5000 {
        if rng.below(2) == 0 {
            let n = 1 + rng.below(12) as usize;
            if let Some(s) = bm.alloc_contiguous(n) {
                for i in s..s + n { assert!(!model[i]); model[i] = true; }
                runs.push((s, n));
            } else {
                // No run of n free frames may exist.
                let longest = model.split(|&a| a).map(|r| r.len()).max().unwrap_or(0);
                assert!(longest < n, "a run of {} was free but not found", longest);
            }
        } else if !runs.is_empty() {
            let (s, n) = runs.swap_remove(rng.below(runs.len() as u64) as usize);
            for i in s..s + n { bm.free(i).unwrap(); model[i] = false; }
        }
    }
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
