/*
 * Static inline functions, nested, built at -O2 (test/dap/inlined.test.ts): GCC inlines them
 * into their callers, so the debugger must show each inlined call as a frame of its own, with
 * its own locals, and stop at every inlined copy of a function breakpoint's function.
 */
#include "bare.h"

/* Keeps the compiler from moving memory accesses across it: each call's code stays apart. */
#define barrier() __asm__ volatile("" ::: "memory")

static volatile uint64_t device[4];
static volatile uint64_t sink;

static inline uint64_t read_reg(int which) {
    uint64_t v = device[which]; /* read_reg reads */
    sink = v + 1; /* read_reg stores */
    return v;
}

static inline uint64_t scaled(int which, uint64_t factor) {
    uint64_t raw = read_reg(which); /* scaled calls read_reg */
    uint64_t result = raw * factor; /* scaled multiplies */
    sink = result; /* scaled stores */
    return result;
}

static inline void bump(int n) {
    sink += n; /* bump adds */
}

/* Through a pointer bump is called out of line too: it has a copy of its own besides the inlined ones. */
static void (*volatile hook)(int) = bump;

__attribute__((noinline)) uint64_t sample(int which) {
    uint64_t a = scaled(which, 3); /* sample calls scaled first */
    barrier();
    bump(1); /* sample calls bump */
    barrier();
    uint64_t b = scaled(which + 1, 5); /* sample calls scaled again */
    return a + b; /* sample returns */
}

int main(void) {
    device[0] = 7;
    device[1] = 11;
    device[2] = 13;
    uint64_t t = sample(0); /* main calls sample */
    t += sample(1); /* main calls sample again */
    bump(2); /* main calls bump */
    hook(3); /* main calls bump through hook */
    puts_(t == 7 * 3 + 11 * 5 + 11 * 3 + 13 * 5 ? "done\n" : "wrong\n");
    return 0;
}
