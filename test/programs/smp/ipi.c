/* Inter-processor interrupts through the CLINT: hart 0 sets every other hart's msip; each takes
 * a machine software interrupt (mcause 3 with the interrupt bit), clears its own msip and counts
 * it. Then hart 0 interrupts itself. */
#include "smp.h"

static volatile uint64_t got[MAX_HARTS], cause_seen[MAX_HARTS], done, arrived, gen;

void __attribute__((interrupt("machine"), aligned(4))) on_trap(void) {
    uint64_t h = hartid(), cause;
    asm volatile("csrr %0, mcause" : "=r"(cause));
    cause_seen[h] = cause;
    *CLINT_MSIP(h) = 0;
    got[h]++;
    amoadd(&done, 1);
}

int main(uint64_t h) {
    asm volatile("csrw mtvec, %0" :: "r"(on_trap));
    asm volatile("csrs mie, %0" :: "r"(1ull << 3));
    asm volatile("csrs mstatus, %0" :: "r"(1ull << 3));
    barrier(&arrived, &gen, HARTS);
    if (h != 0) {
        while (got[h] == 0) asm volatile("wfi");
        return 0;
    }
    for (uint64_t t = 1; t < HARTS; t++) *CLINT_MSIP(t) = 1;
    while (done != HARTS - 1) {}
    *CLINT_MSIP(0) = 1;
    while (got[0] == 0) {}
    for (uint64_t t = 0; t < HARTS; t++) {
        puts_("hart "); putdec(t); puts_(": "); putdec(got[t]); puts_(" interrupt, mcause "); puthex(cause_seen[t]);
        puts_(", msip now "); putdec(*CLINT_MSIP(t)); putch('\n');
    }
    return 0;
}
