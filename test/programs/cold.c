/* Cold code, for `npm run bench`: calls each of cold.S's functions once per round (the bench
 * runs one round) and prints a checksum, so both machines provably ran all of them. */
#include "bare.h"

#ifndef ROUNDS
#define ROUNDS 1
#endif

extern const char cold_functions[];
extern const uint64_t cold_count;

int main(void) {
    uint64_t x = 0x243f6a8885a308d3ull;
    for (int r = 0; r < ROUNDS; r++)
        for (uint64_t i = 0; i < cold_count; i++) {
            uint64_t (*f)(uint64_t, uint64_t) = (uint64_t (*)(uint64_t, uint64_t))(cold_functions + 64 * i);
            x = f(x, 0x9e3779b97f4a7c15ull) + i;
        }
    puts_("cold ");
    puthex(x);
    putch('\n');
    return 0;
}
