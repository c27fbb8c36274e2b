//! The buddy allocator against a plain model (one bool per frame) over thousands of random
//! allocations and frees: every block is the first aligned free run the model has, the bitmap
//! matches the model, and after every step the free lists hold exactly the free frames, in
//! address order and fully merged.

mod common;
use common::Rng;
use mmcore::bitmap::{FrameBitmap, FreeError};
use mmcore::buddy::{order_for, Buddy, BuddyNode, FRAME_SIZE, MAX_ORDER, ORDERS};
use std::sync::atomic::AtomicU64;

struct Arena {
    _mem: Vec<u8>,
    base_addr: usize,
}

fn arena(frames: usize) -> Arena {
    let mut mem = vec![0u8; (frames + 1) * FRAME_SIZE];
    let base_addr = (mem.as_mut_ptr() as usize + FRAME_SIZE - 1) & !(FRAME_SIZE - 1);
    Arena { _mem: mem, base_addr }
}

/// The first aligned, wholly free run of 2^k frames in the model: what alloc(k) must return.
fn model_first_block(model: &[bool], base_frame: usize, k: usize) -> Option<usize> {
    let size = 1 << k;
    (0..model.len()).filter(|&i| (base_frame + i) % size == 0 && i + size <= model.len())
        .find(|&i| model[i..i + size].iter().all(|&a| !a))
}

/// The free lists cover exactly the model's free frames, each block aligned and on the list of
/// its order with its node saying so, the links consistent, and no free buddy left unmerged.
fn check_lists(b: &Buddy, bits: &FrameBitmap, model: &[bool], base_frame: usize, base_addr: usize, step: usize) {
    let mut covered = vec![false; model.len()];
    let mut free = 0;
    let mut blocks = std::collections::HashSet::new();
    for k in 0..ORDERS {
        let mut prev = 0usize;
        let mut n = 0;
        let mut last = None;
        for i in b.blocks(k) {
            assert!(last.map_or(true, |l| l < i), "step {}: list {} is not in address order", step, k);
            last = Some(i);
            let node = (base_addr + i * FRAME_SIZE) as *const BuddyNode;
            let (order, back) = unsafe { ((*node).order, (*node).prev) };
            assert_eq!(order, k, "step {}: block {} on list {} says order {}", step, i, k, order);
            assert_eq!(back, prev, "step {}: block {} has a wrong prev link", step, i);
            prev = node as usize;
            assert_eq!((base_frame + i) % (1 << k), 0, "step {}: block {} of order {} misaligned", step, i, k);
            assert!(i + (1 << k) <= model.len(), "step {}: block {} of order {} runs past the end", step, i, k);
            for f in i..i + (1 << k) {
                assert!(!model[f], "step {}: allocated frame {} is on free list {}", step, f, k);
                assert!(!covered[f], "step {}: frame {} is on two free lists", step, f);
                covered[f] = true;
            }
            blocks.insert((i, k));
            free += 1 << k;
            n += 1;
        }
        assert_eq!(n, b.free_area[k].count, "step {}: list {} count", step, k);
    }
    for (f, &a) in model.iter().enumerate() {
        assert_eq!(bits.is_allocated(f), a, "step {}: bitmap bit {}", step, f);
        assert_eq!(covered[f], !a, "step {}: free frame {} is on no list", step, f);
    }
    assert_eq!(b.free_frames(), free, "step {}", step);
    for &(i, k) in &blocks {
        if k < MAX_ORDER {
            let buddy = (base_frame + i) ^ (1 << k);
            if buddy >= base_frame {
                assert!(!blocks.contains(&(buddy - base_frame, k)), "step {}: buddies {} and {} of order {} both free", step, i, buddy - base_frame, k);
            }
        }
    }
}

fn run_model(frames: usize, base_frame: usize, reserved: &[usize], seed: u64, steps: usize) {
    let a = arena(frames);
    let w: Vec<AtomicU64> = (0..(frames + 63) / 64).map(|_| AtomicU64::new(0)).collect();
    let bits = FrameBitmap::new(&w, frames);
    let mut model = vec![false; frames];
    for &r in reserved {
        bits.reserve(r);
        model[r] = true;
    }
    let mut b = Buddy::empty();
    unsafe { b.init(base_frame, a.base_addr, &bits) };
    check_lists(&b, &bits, &model, base_frame, a.base_addr, 0);
    // Frames we hold, as runs (start, length); a run may be freed whole or a frame at a time.
    let mut live: Vec<(usize, usize)> = Vec::new();
    let mut rng = Rng(seed);
    for step in 1..=steps {
        match rng.below(10) {
            0..=2 => {
                let k = rng.below(6) as usize;
                let expect = model_first_block(&model, base_frame, k);
                let got = b.alloc(k, &bits);
                assert_eq!(got, expect, "step {}: order {} must come from the lowest free aligned run", step, k);
                if let Some(i) = got {
                    for f in i..i + (1 << k) { assert!(!model[f], "step {}: frame {} handed out twice", step, f); model[f] = true; }
                    live.push((i, 1 << k));
                }
            }
            3..=4 => {
                let n = 1 + rng.below(40) as usize;
                let expect = model_first_block(&model, base_frame, order_for(n));
                let got = b.alloc_run(n, &bits);
                assert_eq!(got, expect, "step {}: a run of {} must start at the lowest free aligned block", step, n);
                if let Some(i) = got {
                    for f in i..i + n { assert!(!model[f], "step {}: frame {} handed out twice", step, f); model[f] = true; }
                    live.push((i, n));
                }
            }
            5..=6 if !live.is_empty() => {
                let (i, n) = live.swap_remove(rng.below(live.len() as u64) as usize);
                b.free_run(i, n, &bits).unwrap();
                for f in i..i + n { model[f] = false; }
            }
            7..=8 if !live.is_empty() => {
                // One frame out of the middle of a run: the run splits in two.
                let r = rng.below(live.len() as u64) as usize;
                let (i, n) = live.swap_remove(r);
                let f = i + rng.below(n as u64) as usize;
                b.free_run(f, 1, &bits).unwrap();
                model[f] = false;
                if f > i { live.push((i, f - i)); }
                if f + 1 < i + n { live.push((f + 1, i + n - f - 1)); }
            }
            _ => {
                // Freeing what is not held is refused and changes nothing.
                let f = rng.below(frames as u64) as usize;
                if !model[f] { assert_eq!(b.free_run(f, 1, &bits), Err(FreeError::NotAllocated), "step {}", step); }
                assert_eq!(b.free_run(frames, 1, &bits), Err(FreeError::NotOwned));
                assert_eq!(b.free_run(frames - 1, 2, &bits), Err(FreeError::NotOwned));
            }
        }
        check_lists(&b, &bits, &model, base_frame, a.base_addr, step);
    }
    for (i, n) in live.drain(..) {
        b.free_run(i, n, &bits).unwrap();
        for f in i..i + n { model[f] = false; }
    }
    check_lists(&b, &bits, &model, base_frame, a.base_addr, steps + 1);
}

#[test]
fn buddy_random_steps_match_a_model() {
    // 1000 frames starting at a PPN aligned to nothing in particular, with reserved frames
    // in the middle and at the end (the device tree's place).
    run_model(1000, 0x80a03, &[17, 500, 501, 998], 0xb0dd_1e5, 6000);
}

#[test]
fn buddy_random_steps_on_an_aligned_region() {
    run_model(2048 + 7, 0x80000, &[], 0x5eed, 4000);
}

#[test]
fn buddy_splits_and_merges_back_to_the_largest_blocks() {
    let a = arena(1024);
    let w: Vec<AtomicU64> = (0..16).map(|_| AtomicU64::new(0)).collect();
    let bits = FrameBitmap::new(&w, 1024);
    let mut b = Buddy::empty();
    unsafe { b.init(0x80000, a.base_addr, &bits) };
    assert_eq!((b.free_area[MAX_ORDER].count, b.free_frames()), (1, 1024), "one block of 2^10");
    let x = b.alloc(0, &bits).unwrap();
    // Splitting 2^10 down to one frame leaves one free block of each order 0..9.
    assert!((0..MAX_ORDER).all(|k| b.free_area[k].count == 1), "{:?}", b.free_area);
    assert_eq!(b.free_area[MAX_ORDER].count, 0);
    let y = b.alloc(0, &bits).unwrap();
    assert_eq!((x, y), (0, 1), "the lowest frames first, and the second is the first one's buddy");
    let run = b.alloc_run(3, &bits).unwrap();
    assert_eq!(run % 4, 0, "a run of 3 comes from a block of 4");
    assert!(bits.is_allocated(run + 2) && !bits.is_allocated(run + 3), "the 4th frame went straight back");
    b.free_run(run, 3, &bits).unwrap();
    b.free_run(y, 1, &bits).unwrap();
    b.free_run(x, 1, &bits).unwrap();
    assert_eq!((b.free_area[MAX_ORDER].count, b.free_frames()), (1, 1024), "everything merged back");
    assert_eq!(b.free_run(x, 1, &bits), Err(FreeError::NotAllocated));
    assert!(b.alloc(MAX_ORDER + 1, &bits).is_none() && b.alloc_run(0, &bits).is_none());
}
