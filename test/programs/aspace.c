/* Address-space switching, for `npm run bench`: runs in S-mode under SV39 (test/bench/paged.S)
 * and every round does a few hundred instructions of work, then what a kernel does around a
 * trap into and out of user mode: sfence.vma, a satp write to another root table, sfence.vma
 * (xv6 does this twice a system call), and one fence by address, as Linux does after a page-
 * table update. The two roots map the same memory, so the work is the same in both; a machine
 * that throws its translated code away at each fence retranslates every round. */
#include "bare.h"

#ifndef ROUNDS
#define ROUNDS 100000
#endif

static uint64_t root2[512] __attribute__((aligned(4096)));
static uint64_t data[32];

__attribute__((noinline)) static uint64_t mix(uint64_t a, uint64_t b) { return (a ^ (b << 7)) + (b >> 3) * 0x9e3779b97f4a7c15ull; }
__attribute__((noinline)) static uint64_t fold(const uint64_t *p, int n) {
    uint64_t acc = 0;
    for (int i = 0; i < n; i++) acc = mix(acc, p[i]);
    return acc;
}

/* About 300 instructions: a pass over data with calls, and an update of one entry. */
__attribute__((noinline)) static uint64_t work(uint64_t round) {
    uint64_t h = fold(data, 24);
    data[round & 31] ^= h + round;
    return h;
}

static inline uint64_t read_satp(void) { uint64_t v; __asm__ volatile("csrr %0, satp" : "=r"(v)); return v; }

static inline void switch_to(uint64_t satp) {
    __asm__ volatile("sfence.vma zero, zero\n\tcsrw satp, %0\n\tsfence.vma zero, zero" :: "r"(satp) : "memory");
}

int main(void) {
    uint64_t satp1 = read_satp();
    /* Memory is identity-mapped, so the root's physical address is its virtual address. */
    const uint64_t *root1 = (const uint64_t *)((satp1 & ((1ull << 44) - 1)) << 12);
    for (int i = 0; i < 512; i++) root2[i] = root1[i];
    uint64_t satp2 = (satp1 & ~((1ull << 44) - 1)) | ((uint64_t)root2 >> 12);
    for (int i = 0; i < 32; i++) data[i] = (uint64_t)i * 0x0123456789abcdefull;
    uint64_t sum = 0;
    for (uint64_t r = 0; r < ROUNDS; r++) {
        sum += work(r);
        switch_to((r & 1) ? satp1 : satp2);
        __asm__ volatile("sfence.vma %0, zero" :: "r"(&data[r & 31]) : "memory");
    }
    switch_to(satp1);
    puts_("aspace ");
    puthex(sum);
    putch('\n');
    return 0;
}
