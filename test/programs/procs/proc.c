/* The process table and the per-hart state. */
#include "kernel.h"

struct proc proc[NPROC];
struct cpu cpus[NCPU];
static int nextpid = 1;
static struct spinlock pid_lock = { 0, "nextpid", 0 };

static inline uint64 r_mhartid(void) { uint64 x; asm volatile("csrr %0, mhartid" : "=r"(x)); return x; }

struct cpu *mycpu(void) { return &cpus[r_mhartid()]; }
struct proc *myproc(void) { return mycpu()->proc; }

void acquire(struct spinlock *lk) {
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0) {}
  __sync_synchronize();
  lk->cpu = mycpu();
}

void release(struct spinlock *lk) {
  lk->cpu = 0;
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
}

static int allocpid(void) {
  acquire(&pid_lock);
  int pid = nextpid++;
  release(&pid_lock);
  return pid;
}

static void safestrcpy(char *dst, const char *src, int n) {
  while (--n > 0 && (*dst++ = *src++) != 0) {}
  *dst = 0;
}

/* A struct the compiler keeps in registers: at -O its two members are pieces of a location. */
struct span { int first; int count; };

static volatile int span_sink;

__attribute__((noinline)) static int span_end(int first, int count, int scale) {
  struct span s = { first, count };
  span_sink = s.first;
  span_sink = s.count; /* span_end has its span */
  return (s.first + s.count) * scale;
}

struct proc *allocproc(const char *name) {
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED) goto found;
    release(&p->lock);
  }
  return 0;
found:
  p->pid = allocpid();
  p->state = USED;
  p->kstack = (uint64)kalloc();
  p->trapframe = (struct trapframe *)kalloc();
  p->pagetable = (pagetable_t)kalloc();
  p->sz = span_end(p->pid, 3, PGSIZE);
  p->context.sp = p->kstack + PGSIZE;
  safestrcpy(p->name, name, sizeof p->name);
  release(&p->lock);
  return p;
}
