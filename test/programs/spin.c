/* A guest that never ends, for the adapter fuzzer: it runs while requests arrive, has source
 * lines, locals and globals to inspect, and writes memory a data breakpoint can watch. */
#include <stdint.h>
#include "bare.h"

volatile uint64_t counter;
volatile uint64_t table[16];

static uint64_t mix(uint64_t x, int i) {
    uint64_t y = x * 6364136223846793005ull + (uint64_t)i;
    table[i & 15] = y;
    return y ^ (y >> 29);
}

int main(void) {
    uint64_t state = 1;
    puts_("spinning\n");
    for (int i = 0;; i++) {
        state = mix(state, i);
        counter = counter + 1;
        if ((i & 0xfffff) == 0) putch('.');
    }
}
