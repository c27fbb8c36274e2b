/* Built with -DUSER: a user program in its own Sv39 address space, as xv6's vm.c and exec.c
 * make one: its image at virtual address 0, a stack page below USERSTACK, and the system
 * calls it makes (write, exit) served from usertrap. */
#include "kernel.h"

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PA2PTE(pa) (((uint64)(pa) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define SATP_SV39 (8ULL << 60)
/* The stack page is the last of the first 64 KiB. */
#define USERSTACK 0x10000ULL

enum { SYS_exit = 2, SYS_write = 16 };

extern void enter_user(uint64 entry, uint64 sp, uint64 satp, struct context *kernel);
extern void leave_user(struct context *kernel);
extern void trapvec(void);

static void *zalloc(void) {
  uint64 *p = kalloc();
  for (int i = 0; i < PGSIZE / 8; i++) p[i] = 0;
  return p;
}

/* The leaf entry for va, making the tables on the way. */
static uint64 *walk(pagetable_t root, uint64 va) {
  pagetable_t t = root;
  for (int level = 2; level > 0; level--) {
    uint64 *pte = &t[(va >> (12 + 9 * level)) & 511];
    if (!(*pte & PTE_V)) *pte = PA2PTE(zalloc()) | PTE_V;
    t = (pagetable_t)PTE2PA(*pte);
  }
  return &t[(va >> 12) & 511];
}

/* The physical address of a user virtual address, or 0 where it is not a user page. */
static uint64 walkaddr(pagetable_t root, uint64 va) {
  pagetable_t t = root;
  for (int level = 2; level >= 0; level--) {
    uint64 pte = t[(va >> (12 + 9 * level)) & 511];
    if (!(pte & PTE_V)) return 0;
    if (level == 0) return (pte & PTE_U) ? PTE2PA(pte) + (va & (PGSIZE - 1)) : 0;
    t = (pagetable_t)PTE2PA(pte);
  }
  return 0;
}

__attribute__((noinline)) static void sys_uwrite(struct proc *p, uint64 va, int n) {
  char buf[64];
  int i = 0;
  for (; i < n && i < (int)sizeof buf - 1; i++) {
    uint64 pa = walkaddr(p->pagetable, va + i);
    if (!pa) break;
    buf[i] = *(char *)pa;
  }
  buf[i] = 0;
  p->xstate += i;
  putstr(buf); /* sys_uwrite prints */
}

void usertrap(struct trapframe *tf) {
  uint64 cause;
  asm volatile("csrr %0, mcause" : "=r"(cause));
  struct proc *p = myproc();
  /* Where its user registers are while it is in the kernel (xv6 keeps them in p->trapframe too). */
  p->trapframe = tf;
  if (cause != 8) { putstr("usertrap: unexpected trap\n"); leave_user(&mycpu()->context); }
  tf->epc += 4;
  switch (tf->a7) {
  case SYS_write: sys_uwrite(p, tf->a0, (int)tf->a1); tf->a0 = tf->a1; break;
  case SYS_exit: leave_user(&mycpu()->context); break;
  default: tf->a0 = (uint64)-1;
  }
}

/* Run a user program in process p until it exits. */
void run_user(struct proc *p, const char *image, const char *image_end) {
  pagetable_t root = p->pagetable;
  for (int i = 0; i < PGSIZE / 8; i++) root[i] = 0;
  char *code = zalloc();
  for (int i = 0; i < image_end - image && i < PGSIZE; i++) code[i] = image[i];
  *walk(root, 0) = PA2PTE(code) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  *walk(root, USERSTACK - PGSIZE) = PA2PTE(zalloc()) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
  /* U-mode may touch memory only where a PMP entry allows: one entry for all of it. */
  asm volatile("csrw pmpaddr0, %0; csrw pmpcfg0, %1" :: "r"(~0ULL >> 10), "r"(0x0fULL));
  enter_user(0, USERSTACK, SATP_SV39 | ((uint64)root >> 12), &mycpu()->context);
  asm volatile("csrw mtvec, %0; csrw satp, zero; sfence.vma" :: "r"(trapvec));
}
