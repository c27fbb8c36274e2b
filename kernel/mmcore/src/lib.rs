//! The memory-management logic of Chronos OS that does not touch hardware, kept in its own
//! crate so that `cargo test` can exercise it on the host against plain models: the frame
//! bitmap and the buddy allocator over it, frame reference counts for copy-on-write, the areas
//! of an address space, the heap's free list, and SV39 index arithmetic. The kernel wraps each
//! in its statics and locks; the user library's heap uses the free list too.
#![no_std]

extern crate alloc;

pub mod area;
pub mod bitmap;
pub mod buddy;
pub mod freelist;
pub mod refcount;
pub mod sv39;
