//! The area arithmetic against a model that keeps one entry per page (which area holds it, and
//! its tag): random insertions, removals that split areas, and resizes, compared page by page
//! and area by area after every step.

mod common;
use common::Rng;
use mmcore::area::{Area, AreaError, AreaSet};

const PAGES: usize = 300;

/// Per page: (area id, tag). An id tells apart two areas that touch with the same tag.
struct Model { pages: Vec<Option<(u32, u8)>>, next_id: u32 }

impl Model {
    fn id(&mut self) -> u32 { self.next_id += 1; self.next_id }
    fn first_used(&self, start: usize, end: usize) -> Option<usize> { (start..end).find(|&p| self.pages[p].is_some()) }
    fn area_start(&self, page: usize) -> usize {
        let id = self.pages[page].unwrap().0;
        let mut s = page;
        while s > 0 && self.pages[s - 1].map(|x| x.0) == Some(id) { s -= 1; }
        s
    }
    fn areas(&self) -> Vec<Area<u8>> {
        let mut out: Vec<Area<u8>> = Vec::new();
        for (p, e) in self.pages.iter().enumerate() {
            if let Some((id, tag)) = *e {
                match out.last_mut() {
                    Some(a) if a.end == p && self.pages[p - 1].map(|x| x.0) == Some(id) => a.end = p + 1,
                    _ => out.push(Area { start: p, end: p + 1, tag }),
                }
            }
        }
        out
    }
}

#[test]
fn areas_random_steps_match_a_per_page_model() {
    let mut set: AreaSet<u8> = AreaSet::new();
    let mut m = Model { pages: vec![None; PAGES + 64], next_id: 0 };
    let mut rng = Rng(0xa2ea_5e7);
    let (mut splits, mut refused) = (0, 0);
    for step in 0..15_000 {
        let start = rng.below(PAGES as u64) as usize;
        let end = start + rng.below(24) as usize;
        let tag = rng.below(3) as u8;
        match rng.below(6) {
            0..=1 => {
                let expect = if start >= end { Err(AreaError::Empty) } else {
                    match m.first_used(start, end) { Some(p) => Err(AreaError::Overlap { start: m.area_start(p) }), None => Ok(()) }
                };
                assert_eq!(set.insert(start, end, tag), expect, "step {}: insert {}..{}", step, start, end);
                if expect.is_ok() { let id = m.id(); for p in start..end { m.pages[p] = Some((id, tag)); } } else { refused += 1; }
            }
            2..=3 => {
                // The pieces taken: each area's part inside [start, end), in order.
                let mut expect: Vec<Area<u8>> = Vec::new();
                for p in start..end {
                    if let Some((id, t)) = m.pages[p] {
                        match expect.last_mut() {
                            Some(a) if a.end == p && m.pages[p - 1].map(|x| x.0) == Some(id) => a.end = p + 1,
                            _ => expect.push(Area { start: p, end: p + 1, tag: t }),
                        }
                    }
                }
                // An area sticking out on the right goes on as a new area.
                if end < m.pages.len() && start < end {
                    if let (Some((id, t)), Some(inside)) = (m.pages[end], m.pages[end - 1]) {
                        if inside.0 == id {
                            let new = m.id();
                            let mut p = end;
                            while m.pages[p].map(|x| x.0) == Some(id) { m.pages[p] = Some((new, t)); p += 1; }
                            if m.pages[..start].iter().rev().next().map(|x| x.map(|y| y.0)) == Some(Some(id)) { splits += 1; }
                        }
                    }
                }
                for p in start..end { m.pages[p] = None; }
                assert_eq!(set.remove(start, end), expect, "step {}: remove {}..{}", step, start, end);
            }
            4 => {
                // Resize an existing area, or ask at a page where none starts.
                let areas = m.areas();
                let pick = if !areas.is_empty() && rng.below(4) != 0 { areas[rng.below(areas.len() as u64) as usize].start } else { start };
                let new_end = pick + rng.below(30) as usize;
                let expect = match areas.iter().position(|a| a.start == pick) {
                    None => Err(AreaError::NotFound),
                    Some(_) if new_end <= pick => Err(AreaError::Empty),
                    Some(i) => {
                        let a = areas[i];
                        match areas.get(i + 1) { Some(n) if new_end > n.start => Err(AreaError::Overlap { start: n.start }), _ => Ok(a.end) }
                    }
                };
                assert_eq!(set.resize(pick, new_end), expect, "step {}: resize {} to {}", step, pick, new_end);
                if let Ok(old) = expect {
                    let (id, t) = m.pages[pick].unwrap();
                    for p in old..new_end { m.pages[p] = Some((id, t)); }
                    for p in new_end..old { m.pages[p] = None; }
                }
            }
            _ => {
                let found = set.find(start).copied();
                let areas = m.areas();
                assert_eq!(found, areas.iter().find(|a| a.contains(start)).copied(), "step {}: find {}", step, start);
            }
        }
        let areas: Vec<Area<u8>> = set.iter().copied().collect();
        assert_eq!(areas, m.areas(), "step {}", step);
        assert_eq!(set.pages(), m.pages.iter().filter(|p| p.is_some()).count());
    }
    assert!(splits > 20 && refused > 100, "the walk must split areas ({}) and refuse overlaps ({})", splits, refused);
}
