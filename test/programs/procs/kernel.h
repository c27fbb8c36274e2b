/* A small kernel shaped like xv6-riscv, written for the debugger's tests: a process table, a
 * free list of 4 KiB pages, one struct cpu per hart, and a trap path from `ecall` to a system
 * call. It runs in M-mode under `-bios none` (no paging: the debugger reads its structures, not
 * its address spaces). Built with xv6's flags (-O -gdwarf-2 -fno-omit-frame-pointer), so its
 * variables live where an optimising compiler puts them. */
#ifndef PROCS_KERNEL_H
#define PROCS_KERNEL_H
#include <stdint.h>

typedef uint64_t uint64;
typedef uint64 *pagetable_t;

#define NPROC 8
#define NCPU 4
#define PGSIZE 4096
/* The end of RAM as the tests launch the kernel (128 MiB), as xv6's memlayout.h has it. */
#define PHYSTOP (0x80000000ULL + 128 * 1024 * 1024)

struct spinlock { volatile uint32_t locked; const char *name; struct cpu *cpu; };

/* Registers a context switch saves: ra, sp and the callee-saved s0-s11. */
struct context { uint64 ra, sp, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11; };

/* What the trap entry saves (trap.S, user.S): every integer register but x0, in order, then mepc. */
struct trapframe {
  uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7;
  uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
  uint64 epc;
};

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  struct spinlock lock;
  enum procstate state;
  void *chan;
  int killed;
  int xstate;
  int pid;
  struct proc *parent;
  uint64 kstack;
  uint64 sz;
  pagetable_t pagetable;
  struct trapframe *trapframe;
  struct context context;
  char name[16];
};

struct cpu { struct proc *proc; struct context context; int noff; int intena; };

struct run { struct run *next; };

extern struct proc proc[NPROC];
extern struct cpu cpus[NCPU];

void kinit(void);
void *kalloc(void);
void kfree(void *pa);
struct proc *allocproc(const char *name);
struct cpu *mycpu(void);
struct proc *myproc(void);
void trap(struct trapframe *tf);
uint64 syscall(struct trapframe *tf);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
void putstr(const char *s);
void run_user(struct proc *p, const char *image, const char *image_end);
#endif
