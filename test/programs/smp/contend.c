/* Harts contending for locks held across several of Chronos's turns (a critical section is
 * longer than a quantum), taken three ways: xv6's test-and-set with amoswap, a test-and-set
 * with amoor, and a test-and-test-and-set whose wait loop says `pause`. Every counter must
 * count every hart's increments. The last line, the failed attempts each kind made on all
 * harts, depends on how the harts interleave: QEMU's differs, and Chronos's is what its
 * test bounds (a hart spinning on a taken lock hands its turn over, see runLoop.ts). */
#include "smp.h"

#define ROUNDS 12
#define WORK 4000

static volatile uint32_t swap_lock, or_lock, pause_lock;
static volatile uint64_t swap_count, or_count, pause_count, arrived, gen;
static volatile uint64_t spins[3][MAX_HARTS];

static inline uint32_t amoswap_w(volatile uint32_t *p, uint32_t v) { uint32_t old; asm volatile("amoswap.w.aq %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
static inline uint32_t amoor_w(volatile uint32_t *p, uint32_t v) { uint32_t old; asm volatile("amoor.w.aq %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
static inline void release(volatile uint32_t *p) { asm volatile("amoswap.w.rl zero, zero, (%0)" :: "r"(p) : "memory"); }
/* Zihintpause's pause (fence w,0), spelled out for assemblers without the extension. */
static inline void pause_(void) { asm volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory"); }

/* Long enough that the holder's turn ends inside it, with others waiting. */
static void critical(volatile uint64_t *count) { for (int i = 0; i < WORK; i++) *count = *count + 1; }

int main(uint64_t h) {
    uint64_t failed;
    barrier(&arrived, &gen, HARTS);
    failed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        while (amoswap_w(&swap_lock, 1) != 0) failed++;
        critical(&swap_count);
        release(&swap_lock);
    }
    spins[0][h] = failed;
    barrier(&arrived, &gen, HARTS);
    failed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        while (amoor_w(&or_lock, 1) & 1) failed++;
        critical(&or_count);
        release(&or_lock);
    }
    spins[1][h] = failed;
    barrier(&arrived, &gen, HARTS);
    failed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (;;) {
            while (pause_lock != 0) { pause_(); failed++; }
            if (amoswap_w(&pause_lock, 1) == 0) break;
            failed++;
        }
        critical(&pause_count);
        release(&pause_lock);
    }
    spins[2][h] = failed;
    barrier(&arrived, &gen, HARTS);
    if (h != 0) return 0;
    puts_("amoswap lock counted "); putdec(swap_count); putch('\n');
    puts_("amoor lock counted "); putdec(or_count); putch('\n');
    puts_("pause lock counted "); putdec(pause_count); putch('\n');
    uint64_t total[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) for (int i = 0; i < HARTS; i++) total[k] += spins[k][i];
    puts_("failed attempts: amoswap "); putdec(total[0]); puts_(" amoor "); putdec(total[1]);
    puts_(" pause "); putdec(total[2]); putch('\n');
    uint64_t want = (uint64_t)HARTS * ROUNDS * WORK;
    return swap_count == want && or_count == want && pause_count == want ? 0 : 1;
}
