/* What the SMP test programs share: the UART (one hart prints at a time, under a lock), atomics
 * written with the A extension's instructions themselves, a barrier, and the CLINT. Each program
 * prints only results that are the same however the harts interleave, so QEMU's real threads and
 * Chronos's fixed schedule must agree on every line. */
#ifndef SMP_H
#define SMP_H
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000)
#define CLINT_MSIP(h) ((volatile uint32_t *)(0x2000000 + 4 * (h)))
#define CLINT_MTIMECMP(h) ((volatile uint64_t *)(0x2004000 + 8 * (h)))
#define CLINT_MTIME ((volatile uint64_t *)0x200bff8)
#define MAX_HARTS 8

static inline void putch(char c) { while ((UART[5] & 0x20) == 0) {} UART[0] = (uint8_t)c; }
static inline void puts_(const char *s) { while (*s) putch(*s++); }
static inline void puthex(uint64_t v) { for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]); }
static inline void putdec(uint64_t v) { char b[24]; int n = 0; do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v); while (n) putch(b[--n]); }

static inline uint64_t hartid(void) { uint64_t h; asm volatile("csrr %0, mhartid" : "=r"(h)); return h; }
static inline uint64_t amoadd(volatile uint64_t *p, uint64_t v) { uint64_t old; asm volatile("amoadd.d.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
static inline uint64_t amoswap(volatile uint64_t *p, uint64_t v) { uint64_t old; asm volatile("amoswap.d.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
static inline uint64_t amoor(volatile uint64_t *p, uint64_t v) { uint64_t old; asm volatile("amoor.d.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
static inline uint64_t amomax(volatile uint64_t *p, uint64_t v) { uint64_t old; asm volatile("amomax.d.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }

/* A spinlock taken with LR/SC (the way xv6's acquire compiles to amoswap, this one the other way). */
static inline void lock(volatile uint32_t *l) {
    uint32_t busy;
    do {
        asm volatile("1: lr.w.aq %0, (%1)\n bnez %0, 1b\n li t0, 1\n sc.w.rl %0, t0, (%1)" : "=&r"(busy) : "r"(l) : "t0", "memory");
    } while (busy);
}
static inline void unlock(volatile uint32_t *l) { asm volatile("amoswap.w.rl zero, zero, (%0)" :: "r"(l) : "memory"); }

/* Every hart waits until `harts` have arrived; reusable (counts generations). */
static inline void barrier(volatile uint64_t *count, volatile uint64_t *gen, uint64_t harts) {
    uint64_t g = *gen;
    if (amoadd(count, 1) == harts - 1) { *count = 0; asm volatile("fence" ::: "memory"); *gen = g + 1; }
    else while (*gen == g) {}
}

/* The harts there are: QEMU and Chronos run the same number when given the same -smp. */
#ifndef HARTS
#define HARTS 4
#endif
#endif
