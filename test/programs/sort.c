/* Sorting: quicksort, merge sort, heapsort, insertion sort and a radix sort on 8-, 32- and
 * 64-bit keys, signed and unsigned, from a fixed pseudo-random sequence. */
#include "bare.h"

static uint64_t state = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

#define N 257
static int64_t a64[N], t64[N];
static int32_t a32[N];
static uint32_t u32[N], tu32[N];
static uint8_t b8[N];

static void qsort64(int64_t *a, long lo, long hi) {
    while (lo < hi) {
        int64_t p = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { int64_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { qsort64(a, lo, j); lo = i; } else { qsort64(a, i, hi); hi = j; }
    }
}
static void msort64(int64_t *a, int64_t *tmp, int n) {
    if (n < 2) return;
    int h = n / 2;
    msort64(a, tmp, h); msort64(a + h, tmp, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    for (i = 0; i < n; i++) a[i] = tmp[i];
}
static void sift(int32_t *a, int root, int n) {
    for (;;) {
        int c = 2 * root + 1;
        if (c >= n) return;
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[root] >= a[c]) return;
        int32_t t = a[root]; a[root] = a[c]; a[c] = t; root = c;
    }
}
static void heapsort32(int32_t *a, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (int i = n - 1; i > 0; i--) { int32_t t = a[0]; a[0] = a[i]; a[i] = t; sift(a, 0, i); }
}
static void isort8(uint8_t *a, int n) {
    for (int i = 1; i < n; i++) { uint8_t v = a[i]; int j = i - 1; while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
}
static void radix32(uint32_t *a, uint32_t *tmp, int n) {
    for (int shift = 0; shift < 32; shift += 8) {
        int count[257] = { 0 };
        for (int i = 0; i < n; i++) count[((a[i] >> shift) & 255) + 1]++;
        for (int i = 0; i < 256; i++) count[i + 1] += count[i];
        for (int i = 0; i < n; i++) tmp[count[(a[i] >> shift) & 255]++] = a[i];
        for (int i = 0; i < n; i++) a[i] = tmp[i];
    }
}

static uint64_t digest;
static void mix(uint64_t v) { digest = (digest ^ v) * 0x100000001b3ULL; }

int main(void) {
    int bad = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            uint64_t r = rnd();
            a64[i] = round == 3 ? (int64_t)(i % 5) - 2 : (int64_t)r;   /* round 3: many equal keys */
            a32[i] = (int32_t)(r >> 17);
            u32[i] = (uint32_t)r;
            b8[i] = (uint8_t)(r >> 40);
        }
        if (round == 1) { a64[0] = INT64_MIN; a64[1] = INT64_MAX; a32[0] = INT32_MIN; a32[1] = INT32_MAX; }
        int64_t copy[N];
        for (int i = 0; i < N; i++) copy[i] = a64[i];
        qsort64(a64, 0, N - 1);
        msort64(copy, t64, N);
        heapsort32(a32, N);
        isort8(b8, N);
        radix32(u32, tu32, N);
        for (int i = 1; i < N; i++) {
            if (a64[i - 1] > a64[i] || copy[i - 1] > copy[i] || a32[i - 1] > a32[i] || b8[i - 1] > b8[i] || u32[i - 1] > u32[i]) bad++;
            if (a64[i] != copy[i]) bad++;
        }
        for (int i = 0; i < N; i++) { mix((uint64_t)a64[i]); mix((uint64_t)(int64_t)a32[i]); mix(u32[i]); mix(b8[i]); }
        puts_("round "); putdec(round); puts_(": min "); putdec(a64[0]); puts_(" max "); putdec(a64[N - 1]);
        puts_(" median32 "); putdec(a32[N / 2]); puts_(" digest "); puthex(digest); putch('\n');
    }
    puts_(bad ? "NOT SORTED\n" : "all sorted\n");
    return bad ? 5 : 0;
}
