/* The 64-bit ALU guest `npm run bench` times (`alu`): shifts by a register amount, the high
 * halves of 128-bit products (mulh, mulhu, mulhsu) and 64-bit division and remainder, signed
 * and unsigned, with divisors and dividends of every size; a checksum printed at the end so
 * both machines provably did the same work. */
#include "../programs/bare.h"

/* Which of the three loops run: all unless a scratch measurement asks for one. */
#ifndef PARTS
#define PARTS 7
#endif

static uint64_t next(uint64_t *s) { *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17; return *s; }

__attribute__((noinline)) static uint64_t shifts(uint64_t x, int n) {
    uint64_t acc = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = next(&x);
        unsigned s = (unsigned)(v >> 58), t = (unsigned)v;
        acc += (v << s) ^ (acc >> t);
        acc ^= (uint64_t)((int64_t)acc >> s) + (v >> (s ^ t)) + (acc << (t ^ 31));
        acc += (uint64_t)((int64_t)v >> (63 - s)) ^ (acc << (s + t));
        acc ^= (uint64_t)((int32_t)v << (s & 31)) + ((uint32_t)acc >> (t & 31));
    }
    return acc;
}

__attribute__((noinline)) static uint64_t products(uint64_t x, int n) {
    uint64_t acc = 0;
    for (int i = 0; i < n; i++) {
        uint64_t a = next(&x), b = next(&x) >> (i & 63);
        acc += (uint64_t)(((unsigned __int128)a * b) >> 64);
        acc ^= (uint64_t)(((__int128)(int64_t)a * (int64_t)(b ^ acc)) >> 64);
        acc += (uint64_t)(((__int128)(int64_t)acc * (unsigned __int128)a) >> 64);
    }
    return acc;
}

__attribute__((noinline)) static uint64_t divides(uint64_t x, int n) {
    uint64_t acc = 0;
    for (int i = 0; i < n; i++) {
        uint64_t a = next(&x), b = next(&x);
        /* Divisors of 1 to 64 bits, dividends of 64 and of 1 to 64 bits. */
        uint64_t d = (b >> (i & 63)) | 1, small = a >> (b & 63);
        acc += a / d + a % (d + 2) + small / d;
        acc ^= (uint64_t)((int64_t)a / (int64_t)(d | (b & (1ull << 63)))) + (uint64_t)((int64_t)small % -(int64_t)(d & 0xffff | 1));
    }
    return acc;
}

int main(void) {
    uint64_t sum = 0, x = 88172645463325252ull;
    for (int round = 0; round < ROUNDS; round++) {
        if (PARTS & 1) sum += shifts(x + round, 2000);
        if (PARTS & 2) sum ^= products(x ^ sum, 2000);
        if (PARTS & 4) sum += divides(x + sum, 2000);
    }
    puts_("checksum ");
    puthex(sum);
    putch('\n');
    return 0;
}
