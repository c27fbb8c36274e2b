/* Locks on four harts: a counter incremented under an LR/SC spinlock and one with amoadd must
 * both count every hart's increments; amomax and amoor see every hart; and an LR's reservation
 * is broken by another hart's store, so the SC after it fails. */
#include "smp.h"

#define ROUNDS 3000

static volatile uint32_t lk;
static volatile uint64_t counter, amo_counter, maxseen, bits, arrived, gen;
static volatile uint64_t reserved_word, step, sc_failed, after_sc;

/* Hart 1: reserve, let hart 0 store a new value, then try the SC. */
static void reserve_then_sc(void) {
    uint64_t v, failed;
    asm volatile("lr.d %0, (%1)" : "=r"(v) : "r"(&reserved_word) : "memory");
    step = 1;
    while (step != 2) {}
    asm volatile("sc.d %0, %2, (%1)" : "=r"(failed) : "r"(&reserved_word), "r"(v + 100) : "memory");
    sc_failed = failed;
    after_sc = reserved_word;
}

int main(uint64_t h) {
    barrier(&arrived, &gen, HARTS);
    for (int i = 0; i < ROUNDS; i++) {
        lock(&lk);
        counter = counter + 1;
        unlock(&lk);
        amoadd(&amo_counter, 1);
    }
    amomax(&maxseen, h);
    amoor(&bits, 1ull << h);
    barrier(&arrived, &gen, HARTS);
    if (h == 1) reserve_then_sc();
    if (h == 0) {
        while (step != 1) {}
        reserved_word = 42;
        step = 2;
    }
    barrier(&arrived, &gen, HARTS);
    if (h != 0) return 0;
    puts_("locked counter "); putdec(counter); putch('\n');
    puts_("amoadd counter "); putdec(amo_counter); putch('\n');
    puts_("amomax "); putdec(maxseen); puts_(" amoor "); puthex(bits); putch('\n');
    puts_("sc after another hart's store: "); puts_(sc_failed ? "failed" : "succeeded");
    puts_(", memory "); putdec(after_sc); putch('\n');
    return counter == (uint64_t)HARTS * ROUNDS && amo_counter == (uint64_t)HARTS * ROUNDS ? 0 : 1;
}
