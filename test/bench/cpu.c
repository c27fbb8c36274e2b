/* The CPU-bound guest `npm run bench` times on Chronos and on QEMU: integer arithmetic,
 * multiply/divide, loads and stores, branches and calls, with a checksum printed at the end
 * so both machines provably did the same work. */
#include "../programs/bare.h"

#define N 256
static uint32_t data[N];
static uint64_t table[N];

__attribute__((noinline)) static uint32_t crc32(const uint32_t *p, int n) {
    uint32_t crc = 0xffffffffu;
    for (int i = 0; i < n; i++) {
        uint32_t v = p[i];
        for (int b = 0; b < 32; b++) {
            uint32_t mask = -((crc ^ v) & 1u);
            crc = (crc >> 1) ^ (0xedb88320u & mask);
            v >>= 1;
        }
    }
    return ~crc;
}

__attribute__((noinline)) static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static uint64_t divmix(uint64_t seed, int n) {
    uint64_t acc = 0;
    for (int i = 1; i <= n; i++) {
        uint64_t x = seed * (uint64_t)i + 12345u;
        acc += x / (uint64_t)(i + 7) + x % 13u;
        acc ^= (uint64_t)((int64_t)acc >> 3);
    }
    return acc;
}

__attribute__((noinline)) static void insertion_sort(uint64_t *a, int n) {
    for (int i = 1; i < n; i++) {
        uint64_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

int main(void) {
    uint64_t sum = 0, x = 88172645463325252ull;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            data[i] = (uint32_t)x;
            table[i] = x * 2654435761u;
        }
        sum += crc32(data, N);
        insertion_sort(table, N);
        sum += table[N / 2] >> 32;
        sum += divmix(x, 2000);
        sum += fib(18);
    }
    puts_("checksum ");
    puthex(sum);
    putch('\n');
    return 0;
}
