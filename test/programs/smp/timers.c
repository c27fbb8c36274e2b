/* Per-hart timers: each hart sets its own mtimecmp 10 ms apart from the others' and sleeps in
 * wfi; each timer interrupt comes on the hart whose mtimecmp passed, after it passed, and each
 * hart's mtimecmp reads back what it wrote. The order the interrupts are taken in is not
 * printed: on QEMU each hart is a host thread, and a loaded host can run hart 3's handler
 * before hart 2's although hart 2's deadline came first. With -DSPIN the harts wait in a loop
 * of loads instead of wfi. */
#include "smp.h"

#define SPACING 100000   /* timebase ticks (10 MHz): 10 ms */

static volatile uint64_t fired[MAX_HARTS], late[MAX_HARTS], readback[MAX_HARTS];
static volatile uint64_t arrived, gen, start;

void __attribute__((interrupt("machine"), aligned(4))) on_trap(void) {
    uint64_t h = hartid(), cause;
    asm volatile("csrr %0, mcause" : "=r"(cause));
    if (cause == ((1ull << 63) | 7)) {
        late[h] = *CLINT_MTIME >= *CLINT_MTIMECMP(h);
        *CLINT_MTIMECMP(h) = -1ull;
        fired[h] = 1;
    }
}

int main(uint64_t h) {
    asm volatile("csrw mtvec, %0" :: "r"(on_trap));
    barrier(&arrived, &gen, HARTS);
    if (h == 0) start = *CLINT_MTIME;
    barrier(&arrived, &gen, HARTS);
    uint64_t deadline = start + (h + 1) * SPACING;
    *CLINT_MTIMECMP(h) = deadline;
    readback[h] = *CLINT_MTIMECMP(h) == deadline;
    asm volatile("csrs mie, %0" :: "r"(1ull << 7));
    asm volatile("csrs mstatus, %0" :: "r"(1ull << 3));
#ifdef SPIN
    /* Built with -DSPIN: wait with plain loads instead, a wait loop that hands each turn over
     * (so only the turns handed over move time on to the deadline). */
    while (!fired[h]) {}
#else
    while (!fired[h]) asm volatile("wfi");
#endif
    barrier(&arrived, &gen, HARTS);
    if (h != 0) return 0;
    for (uint64_t t = 0; t < HARTS; t++) {
        puts_("hart "); putdec(t); puts_(": timer interrupt");
        puts_(late[t] ? ", mtime past its mtimecmp" : ", too early");
        puts_(readback[t] ? ", mtimecmp read back\n" : ", mtimecmp lost\n");
    }
    return 0;
}
