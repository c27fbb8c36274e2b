/* A grab bag of what compiled C does: recursion, switch tables, string handling, sorting,
 * 64-bit multiply/divide, structs through pointers, and a small formatter. */
#include "bare.h"

struct point { int64_t x, y; };

static int64_t ackermann(int64_t m, int64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static const char *name(int k) {
    switch (k) {
    case 0: return "zero"; case 1: return "one"; case 2: return "two"; case 3: return "three";
    case 4: return "four"; case 5: return "five"; case 6: return "six"; default: return "many";
    }
}

static unsigned slen(const char *s) { unsigned n = 0; while (s[n]) n++; return n; }

static void reverse(char *s) {
    unsigned n = slen(s);
    for (unsigned i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; }
}

static void quicksort(int32_t *a, int lo, int hi) {
    if (lo >= hi) return;
    int32_t p = a[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
        while (a[i] < p) i++;
        while (a[j] > p) j--;
        if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    quicksort(a, lo, j);
    quicksort(a, i, hi);
}

static void move(struct point *p, int64_t dx, int64_t dy) { p->x += dx; p->y *= dy; }

int main(void) {
    puts_("ackermann(2,3)="); putdec(ackermann(2, 3)); putch('\n');
    for (int k = 0; k < 9; k++) { puts_(name(k)); putch(k == 8 ? '\n' : ','); }
    char word[] = "chronos debugger";
    reverse(word); puts_(word); putch('\n');
    int32_t a[32];
    uint32_t seed = 12345;
    for (int i = 0; i < 32; i++) { seed = seed * 1103515245u + 12345u; a[i] = (int32_t)(seed >> 8) - 4000000; }
    quicksort(a, 0, 31);
    int sorted = 1;
    for (int i = 1; i < 32; i++) if (a[i - 1] > a[i]) sorted = 0;
    puts_(sorted ? "sorted " : "NOT sorted "); putdec(a[0]); putch(' '); putdec(a[31]); putch('\n');
    volatile int64_t big = 0x7fffffffffffffffLL, neg = -1234567890123LL;
    puthex((uint64_t)(big / 7)); putch(' '); putdec(neg % 1000); putch(' '); putdec(neg / -3); putch('\n');
    volatile uint64_t u = 0xfedcba9876543210ULL;
    puthex(u >> 13); putch(' '); puthex((uint64_t)((__int128)u * u >> 64)); putch('\n');
    struct point p = { 3, -4 };
    move(&p, 10, -5); putdec(p.x); putch(','); putdec(p.y); putch('\n');
    return sorted ? 0 : 3;
}
