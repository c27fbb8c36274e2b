//! The memory-management logic of Chronos OS that does not touch hardware, kept in its own
//! crate so that `cargo test` can exercise it on the host: the frame bitmap, the heap's free
//! list, and SV39 index arithmetic. The kernel wraps each in its statics and locks.
#![no_std]

pub mod bitmap;
pub mod freelist;
pub mod sv39;
