//! Copy-on-write over the frame reference counts, against a model: address spaces map pages to
//! frames of a small pool, fork shares every page (writable ones become copy-on-write), and a
//! write to a copy-on-write page does what cow_action says. After every step each frame's count
//! equals the number of pages that map it, free frames are mapped nowhere, and every space
//! reads back exactly what it wrote (fork isolation), whatever the others did.

mod common;
use common::Rng;
use mmcore::refcount::{cow_action, CowAction, RefCounts, RefError};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicU8;

#[derive(Clone, Copy, Debug)]
struct Pte { frame: usize, writable: bool, cow: bool }

const FRAMES: usize = 96;
const PAGES: u64 = 12;

struct World<'a> {
    refs: RefCounts<'a>,
    contents: Vec<u64>,
    spaces: Vec<Option<BTreeMap<u64, Pte>>>,
    /// What each space must read at each page.
    model: Vec<Option<BTreeMap<u64, u64>>>,
}

impl World<'_> {
    fn alloc(&mut self) -> Option<usize> {
        let f = (0..FRAMES).find(|&f| self.refs.get(f) == 0)?;
        self.refs.acquire(f).unwrap();
        Some(f)
    }

    fn release(&mut self, f: usize) {
        if self.refs.release(f).unwrap() {
            self.contents[f] = 0xdead; // freed: whatever was there is gone
        }
    }

    fn write(&mut self, s: usize, page: u64, value: u64) -> bool {
        let pte = self.spaces[s].as_ref().unwrap()[&page];
        let frame = if pte.writable {
            pte.frame
        } else {
            assert!(pte.cow);
            match cow_action(self.refs.get(pte.frame)) {
                CowAction::Reuse => pte.frame,
                CowAction::Copy => {
                    let new = match self.alloc() { Some(f) => f, None => return false };
                    self.contents[new] = self.contents[pte.frame];
                    assert_eq!(self.refs.release(pte.frame), Ok(false), "a shared frame's last owner cannot be the copier");
                    new
                }
            }
        };
        self.spaces[s].as_mut().unwrap().insert(page, Pte { frame, writable: true, cow: false });
        self.contents[frame] = value;
        self.model[s].as_mut().unwrap().insert(page, value);
        true
    }

    fn check(&self, step: usize) {
        let mut mappers = vec![0u32; FRAMES];
        for (s, space) in self.spaces.iter().enumerate() {
            let space = match space { Some(space) => space, None => continue };
            let model = self.model[s].as_ref().unwrap();
            assert_eq!(space.len(), model.len());
            for (page, pte) in space {
                mappers[pte.frame] += 1;
                assert_eq!(self.contents[pte.frame], model[page], "step {}: space {} page {} reads the wrong value", step, s, page);
                assert!(!(pte.writable && pte.cow), "step {}: writable and copy-on-write at once", step);
            }
        }
        for f in 0..FRAMES {
            assert_eq!(self.refs.get(f) as u32, mappers[f], "step {}: frame {} count {} but {} pages map it", step, f, self.refs.get(f), mappers[f]);
        }
        // A writable page is never shared: that is the whole point.
        for space in self.spaces.iter().flatten() {
            for pte in space.values() {
                if pte.writable { assert_eq!(mappers[pte.frame], 1, "step {}: a writable page on a shared frame", step); }
            }
        }
    }
}

#[test]
fn cow_random_forks_writes_and_exits_match_a_model() {
    let counts: Vec<AtomicU8> = (0..FRAMES).map(|_| AtomicU8::new(0)).collect();
    let mut w = World { refs: RefCounts::new(&counts), contents: vec![0; FRAMES], spaces: vec![Some(BTreeMap::new())], model: vec![Some(BTreeMap::new())] };
    let mut rng = Rng(0xc0ff_ee11);
    let mut copies = 0;
    for step in 0..20_000 {
        let live: Vec<usize> = (0..w.spaces.len()).filter(|&s| w.spaces[s].is_some()).collect();
        if live.is_empty() {
            w.spaces.push(Some(BTreeMap::new()));
            w.model.push(Some(BTreeMap::new()));
            continue;
        }
        let s = live[rng.below(live.len() as u64) as usize];
        let page = rng.below(PAGES);
        let value = rng.next();
        let mapped = w.spaces[s].as_ref().unwrap().get(&page).copied();
        match rng.below(10) {
            0..=1 => if mapped.is_none() {
                if let Some(f) = w.alloc() {
                    w.contents[f] = value;
                    w.spaces[s].as_mut().unwrap().insert(page, Pte { frame: f, writable: true, cow: false });
                    w.model[s].as_mut().unwrap().insert(page, value);
                }
            },
            2 if live.len() < 8 => {
                // fork: every page shared; writable pages turn copy-on-write in both spaces.
                let mut child = BTreeMap::new();
                for (p, pte) in w.spaces[s].as_mut().unwrap().iter_mut() {
                    w.refs.share(pte.frame).unwrap();
                    if pte.writable || pte.cow { *pte = Pte { frame: pte.frame, writable: false, cow: true }; }
                    child.insert(*p, *pte);
                }
                w.spaces.push(Some(child));
                let m = w.model[s].clone();
                w.model.push(m);
            }
            3..=6 => if mapped.is_some() {
                let shared = w.refs.get(mapped.unwrap().frame) > 1;
                if w.write(s, page, value) && shared { copies += 1; }
            },
            7 => if let Some(pte) = mapped {
                w.spaces[s].as_mut().unwrap().remove(&page);
                w.model[s].as_mut().unwrap().remove(&page);
                w.release(pte.frame);
            },
            8 if rng.below(4) == 0 => {
                // exit: every page let go.
                let space = w.spaces[s].take().unwrap();
                w.model[s] = None;
                for pte in space.values() { w.release(pte.frame); }
            }
            _ => {}
        }
        w.check(step);
    }
    assert!(copies > 100, "the walk must exercise copying ({} copies)", copies);
    for s in 0..w.spaces.len() {
        if let Some(space) = w.spaces[s].take() { for pte in space.values() { w.release(pte.frame); } }
    }
    assert!((0..FRAMES).all(|f| w.refs.get(f) == 0), "every frame is free once every space is gone");
}

#[test]
fn refcounts_refuse_what_makes_no_sense() {
    let counts: Vec<AtomicU8> = (0..4).map(|_| AtomicU8::new(0)).collect();
    let r = RefCounts::new(&counts);
    assert_eq!(r.share(0), Err(RefError::Free), "a free frame cannot be shared");
    assert_eq!(r.release(0), Err(RefError::Free), "nor let go");
    r.acquire(0).unwrap();
    assert_eq!(r.acquire(0), Err(RefError::InUse(1)));
    for n in 2..=255u8 { assert_eq!(r.share(0), Ok(n)); }
    assert_eq!(r.share(0), Err(RefError::Saturated));
    for _ in 0..254 { assert_eq!(r.release(0), Ok(false)); }
    assert_eq!(r.release(0), Ok(true), "the last owner frees it");
    assert_eq!(r.acquire(9), Err(RefError::NotOwned));
    assert_eq!((cow_action(1), cow_action(2)), (CowAction::Reuse, CowAction::Copy));
}
