/* The free-page list, as xv6 keeps it: each free page holds a pointer to the next. */
#include "kernel.h"

struct { struct spinlock lock; struct run *freelist; } kmem;

/* The first byte after the kernel (kernel.ld). */
extern char end[];

void kfree(void *pa) {
  struct run *r = (struct run *)pa;
  acquire(&kmem.lock);
  r->next = kmem.freelist;
  kmem.freelist = r;
  release(&kmem.lock);
}

void kinit(void) {
  kmem.lock.name = "kmem";
  char *p = (char *)(((uint64)end + PGSIZE - 1) & ~(uint64)(PGSIZE - 1));
  for (; p + PGSIZE <= (char *)PHYSTOP; p += PGSIZE) kfree(p);
}

void *kalloc(void) {
  struct run *r;
  acquire(&kmem.lock);
  r = kmem.freelist;
  if (r) kmem.freelist = r->next;
  release(&kmem.lock);
  return (void *)r; /* kalloc returns */
}
