/* Hart 0 builds the free list and the first processes; every hart then runs one of them and
 * makes system calls through the trap path. */
#include "kernel.h"

#define UART ((volatile unsigned char *)0x10000000)
#ifndef HARTS
#define HARTS 3
#endif
extern void trapvec(void);
extern uint64 ecall3(uint64 a0, uint64 a1, uint64 num);
extern const char ls_image[], ls_image_end[], sh_image[], sh_image_end[];

static volatile int started;
static volatile int finished;
static struct spinlock print_lock = { 0, "print", 0 };

void putstr(const char *s) {
  acquire(&print_lock);
  for (; *s; s++) { while ((UART[5] & 0x20) == 0) {} UART[0] = *s; }
  release(&print_lock);
}

static const char *const names[] = { "init", "sh", "ls" };

int main(int hart) {
  asm volatile("csrw mtvec, %0" :: "r"(trapvec));
  if (hart == 0) {
    kinit();
    for (int i = 0; i < 3; i++) allocproc(names[i]);
    __sync_synchronize();
    started = 1;
  } else {
    while (!started) {}
  }
  struct cpu *c = mycpu();
  c->proc = &proc[hart % 3];
  c->proc->state = RUNNING;
  int pid = (int)ecall3(0, 0, 11);
  const char *msg = pid == 1 ? "init runs\n" : "a process runs\n";
  ecall3((uint64)msg, 32, 16); /* main writes */
  putstr(msg);
#ifdef USER
  /* Harts 1 and 2 then run the user programs of sh and ls (the same virtual addresses). */
  if (hart == 1) run_user(c->proc, sh_image, sh_image_end);
  if (hart == 2) run_user(c->proc, ls_image, ls_image_end);
#endif
  __sync_fetch_and_add(&finished, 1);
  if (hart == 0) while (finished < HARTS) {}
#ifdef STAY
  /* Built to be looked at from outside (a monitor): stay up instead of powering off. */
  for (;;) asm volatile("wfi");
#endif
  return 0;
}
