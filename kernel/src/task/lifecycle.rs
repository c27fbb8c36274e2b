//! How processes begin and end: init from the kernel; fork (a copy-on-write copy of the
//! caller); exec (a new program in the caller's place); exit (the address space goes at once,
//! as soon as the hart has left its page table; the slot and kernel stack stay as a zombie
//! until the parent collects the exit code); waitpid; kill (a flag the victim acts on at its
//! next return to user mode, woken first if it sleeps).
//!
//! Locks, when both are needed, are taken in this order: KERNEL_SPACE, then the process table.

use super::context::TaskContext;
use super::process::{ExitCode, ProcState, KSTACK_FRAMES};
use super::scheduler::{self, current_slot, switch_to_scheduler};
use super::table::{ProcessTable, INIT_PID, PROCS};
use crate::debug_descriptor::Event;
use crate::errno::Errno;
use crate::loader::{self, Image, LoadError};
use crate::mm::frame_allocator::FrameRun;
use crate::mm::memory_set::MemorySet;
use crate::mm::KERNEL_SPACE;
use crate::trap::{reg, TrapFrame};
use crate::programs;
use alloc::string::String;

const SSTATUS_SIE: usize = 1 << 1;
const SSTATUS_SPIE: usize = 1 << 5;
const SSTATUS_SPP: usize = 1 << 8;
const SSTATUS_FS: usize = 3 << 13;
const SSTATUS_SUM: usize = 1 << 18;

/// sstatus for entering user mode: sret goes to U (SPP 0) with interrupts on there (SPIE 1),
/// the kernel's sstatus.SUM off, and the FP unit off (FS 0): Chronos OS does not save FP state
/// yet, so a user FP instruction is an illegal instruction and the process is killed, the same
/// on QEMU and on Chronos (whose emulator has no F/D yet).
fn user_sstatus() -> usize {
    let s: usize;
    unsafe { core::arch::asm!("csrr {0}, sstatus", out(reg) s) };
    (s & !(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_FS | SSTATUS_SUM)) | SSTATUS_SPIE
}

fn start_registers(image: &Image) -> TrapFrame {
    let mut f = TrapFrame::zero();
    f.sepc = image.entry;
    f.sstatus = user_sstatus();
    f.x[reg::SP] = image.sp;
    f.x[reg::A0] = image.argc;
    f.x[reg::A1] = image.argv;
    f
}

fn load_error(e: LoadError) -> Errno {
    match e {
        LoadError::BadElf(_) => Errno::ENOEXEC,
        LoadError::TooManyArgs => Errno::E2BIG,
        LoadError::Memory(m) => m.into(),
    }
}

/// Fill a fresh slot: a kernel stack with `regs` in its trap frame, ready to run.
fn start_in_slot(t: &mut ProcessTable, slot: usize, memory: MemorySet, regs: TrapFrame, name: &str, ppid: u32) -> Result<u32, Errno> {
    let stack = match FrameRun::new(KSTACK_FRAMES) {
        Some(s) => s,
        None => {
            t.free_slot(slot);
            return Err(Errno::ENOMEM);
        }
    };
    let p = &mut t.slots[slot];
    p.give_kernel_stack(stack);
    *p.trap_frame() = regs;
    p.info.context = TaskContext::returning_to_user(p.trap_frame());
    p.memory = Some(memory);
    p.set_name(name);
    p.info.ppid = ppid;
    p.refresh_memory_info();
    p.set_state(ProcState::Ready);
    scheduler::table_changed(Event::ProcessCreate);
    Ok(p.pid())
}

/// The first process, from the kernel: `init` with `args`.
pub fn spawn_init(args: &[&str]) -> Result<u32, Errno> {
    let elf = programs::find("init").ok_or(Errno::ENOENT)?;
    let kernel = KERNEL_SPACE.lock();
    let image = loader::load(elf, args, kernel.as_ref().expect("spawn_init: no kernel space"), None).map_err(load_error)?;
    let mut t = PROCS.lock();
    let slot = t.alloc_slot().ok_or(Errno::EAGAIN)?;
    let regs = start_registers(&image);
    start_in_slot(&mut t, slot, image.memory, regs, "init", 0)
}

/// A copy of the calling process; returns the child's pid (the child sees 0).
pub fn fork() -> Result<u32, Errno> {
    let me = current_slot().expect("fork: no process");
    let kernel = KERNEL_SPACE.lock();
    let mut t = PROCS.lock();
    let slot = t.alloc_slot().ok_or(Errno::EAGAIN)?;
    let memory = match t.slots[me].memory.as_mut().expect("fork: the caller has no address space").fork(kernel.as_ref().unwrap()) {
        Ok(m) => m,
        Err(e) => {
            t.free_slot(slot);
            return Err(e.into());
        }
    };
    let parent = &t.slots[me];
    let (ppid, name) = (parent.pid(), String::from(parent.name()));
    let mut regs = *parent.trap_frame();
    regs.x[reg::A0] = 0;
    let pid = start_in_slot(&mut t, slot, memory, regs, &name, ppid)?;
    t.slots[me].refresh_memory_info();
    Ok(pid)
}

/// Replace the calling process's program with `name`'s, started with `args`. On success the
/// old address space is gone and `frame` holds the new program's first registers; returns
/// argc, which goes to a0. On failure the caller goes on as it was.
pub fn exec(name: &str, args: &[&str], frame: &mut TrapFrame) -> Result<usize, Errno> {
    let me = current_slot().expect("exec: no process");
    let elf = programs::find(name).ok_or(Errno::ENOENT)?;
    let kernel = KERNEL_SPACE.lock();
    let quota = PROCS.lock().slots[me].memory.as_ref().and_then(|m| m.quota());
    let image = loader::load(elf, args, kernel.as_ref().unwrap(), quota).map_err(load_error)?;
    drop(kernel);
    *frame = start_registers(&image);
    let mut t = PROCS.lock();
    let p = &mut t.slots[me];
    // Load the new table before the old one goes: the hart is running on the old one.
    scheduler::activate(image.memory.satp());
    let old = p.memory.replace(image.memory);
    drop(old);
    p.set_name(name);
    p.refresh_memory_info();
    scheduler::table_changed(Event::ProcessExec);
    Ok(image.argc)
}

/// End the calling process with `code`. Its address space goes now; its slot (with the code)
/// stays as a zombie until its parent waits for it. init's exit ends the machine.
pub fn exit(code: ExitCode) -> ! {
    let me = current_slot().expect("exit: no process");
    {
        let mut t = PROCS.lock();
        let pid = t.slots[me].pid();
        if pid == INIT_PID {
            // What the boot cost, by the hart's own counters (on QEMU, instret counts
            // instructions only with -icount; without it, it follows the host's clock).
            let instret: u64;
            unsafe { core::arch::asm!("csrr {0}, instret", out(reg) instret) };
            println!("[kernel] instret {}, time {} ms since power-on", instret, crate::timer::ticks_to_ms(crate::timer::now()));
            println!("[kernel] init exited with status {}", code.0);
            crate::finisher::exit(if code.0 == 0 { 0 } else { (code.0 as u32 & 0xff).max(1) as u16 });
        }
        // The hart is on this space's table: the scheduler frees it after the next switch.
        if let Some(memory) = t.slots[me].memory.take() {
            scheduler::retire(memory);
        }
        let p = &mut t.slots[me];
        p.info.exit_code = code.0;
        p.set_state(ProcState::Zombie);
        p.refresh_memory_info();
        let ppid = p.info.ppid;
        t.reparent_children(pid);
        t.wake_waiting_parent(ppid);
    }
    scheduler::table_changed(Event::ProcessExit);
    switch_to_scheduler();
    panic!("exit: a zombie was scheduled")
}

/// Collect a child that exited: `pid` -1 for any child. Blocks unless `nohang`, which answers
/// None while the children still run. Returns the child's pid and exit code.
pub fn waitpid(pid: isize, nohang: bool) -> Result<Option<(u32, i32)>, Errno> {
    let me = current_slot().expect("waitpid: no process");
    loop {
        {
            let mut t = PROCS.lock();
            let my_pid = t.slots[me].pid();
            let mut have_child = false;
            let mut zombie = None;
            for (i, p) in t.slots.iter().enumerate() {
                if p.pid() != 0 && p.info.ppid == my_pid && (pid == -1 || p.pid() as isize == pid) {
                    have_child = true;
                    if p.state() == ProcState::Zombie {
                        zombie = Some(i);
                        break;
                    }
                }
            }
            if let Some(z) = zombie {
                let r = (t.slots[z].pid(), t.slots[z].info.exit_code);
                t.free_slot(z);
                drop(t);
                scheduler::table_changed(Event::ProcessReap);
                return Ok(Some(r));
            }
            if !have_child {
                return Err(Errno::ECHILD);
            }
            if nohang {
                return Ok(None);
            }
            if t.slots[me].killed() {
                return Err(Errno::EINTR);
            }
            t.slots[me].sleep_on(super::process::WaitReason::Child);
        }
        switch_to_scheduler();
    }
}

/// Mark `pid` killed; it ends at its next return to user mode (a sleeper is woken for it).
pub fn kill(pid: u32) -> Result<(), Errno> {
    let mut t = PROCS.lock();
    let s = t.find(pid).ok_or(Errno::ESRCH)?;
    if pid == INIT_PID {
        return Err(Errno::EPERM);
    }
    t.slots[s].info.killed = 1;
    t.wake(s);
    Ok(())
}
