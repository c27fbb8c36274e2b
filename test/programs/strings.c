/* String and memory functions written out by hand, as a freestanding kernel has them, run
 * over fixed and generated inputs: the output shows every result. */
#include "bare.h"
#include <stddef.h>

static size_t my_strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
static char *my_strcpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) {} return r; }
static int my_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}
static int my_strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) { if (*a != *b || !*a) return (unsigned char)*a - (unsigned char)*b; }
    return 0;
}
static void *my_memcpy(void *d, const void *s, size_t n) {
    unsigned char *dp = d; const unsigned char *sp = s;
    /* Word copies when both are aligned, bytes otherwise. */
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8) *(uint64_t *)dp = *(const uint64_t *)sp;
    }
    while (n--) *dp++ = *sp++;
    return d;
}
static void *my_memmove(void *d, const void *s, size_t n) {
    unsigned char *dp = d; const unsigned char *sp = s;
    if (dp < sp) while (n--) *dp++ = *sp++;
    else { dp += n; sp += n; while (n--) *--dp = *--sp; }
    return d;
}
static void *my_memset(void *d, int c, size_t n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
static char *my_strchr(const char *s, int c) { for (; *s; s++) if (*s == (char)c) return (char *)s; return c ? 0 : (char *)s; }
static char *my_strrchr(const char *s, int c) { const char *r = 0; do { if (*s == (char)c) r = s; } while (*s++); return (char *)r; }
static char *my_strstr(const char *h, const char *n) {
    size_t ln = my_strlen(n);
    for (; *h; h++) if (!my_strncmp(h, n, ln)) return (char *)h;
    return ln ? 0 : (char *)h;
}
static long my_atol(const char *s) {
    long v = 0; int neg = 0;
    while (*s == ' ') s++;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}
static char *my_ltoa(long v, char *buf, int base) {
    char tmp[72]; int n = 0; unsigned long u = v < 0 && base == 10 ? -(unsigned long)v : (unsigned long)v;
    do { tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % base]; u /= base; } while (u);
    char *p = buf;
    if (v < 0 && base == 10) *p++ = '-';
    while (n) *p++ = tmp[--n];
    *p = 0;
    return buf;
}
static void upcase(char *s) { for (; *s; s++) if (*s >= 'a' && *s <= 'z') *s -= 32; }
static int count_words(const char *s) {
    int n = 0, in = 0;
    for (; *s; s++) { int sp = *s == ' ' || *s == '\t' || *s == '\n'; if (!sp && !in) n++; in = !sp; }
    return n;
}

static char big[600], big2[600];

int main(void) {
    static const char *words[] = { "", "a", "ab", "chronos", "RISC-V", "hello world", "zzz", "abc\xff" };
    char buf[128];
    for (unsigned i = 0; i < sizeof words / sizeof *words; i++) {
        puts_("len("); puts_(words[i]); puts_(")="); putdec((int64_t)my_strlen(words[i]));
        for (unsigned j = 0; j < sizeof words / sizeof *words; j++) {
            int c = my_strcmp(words[i], words[j]);
            putch(c < 0 ? '<' : c > 0 ? '>' : '=');
        }
        putch('\n');
    }
    my_strcpy(buf, "the quick brown fox jumps over the lazy dog");
    puts_(my_strchr(buf, 'q')); putch('\n');
    puts_(my_strrchr(buf, 'o')); putch('\n');
    puts_(my_strstr(buf, "fox")); putch('\n');
    puts_(my_strstr(buf, "cat") ? "found" : "no cat"); putch('\n');
    putdec(count_words(buf)); putch('\n');
    upcase(buf); puts_(buf); putch('\n');
    static const char *nums[] = { "0", "-1", "+42", "  123456789012", "-9223372036854775807", "77x" };
    for (unsigned i = 0; i < sizeof nums / sizeof *nums; i++) {
        long v = my_atol(nums[i]);
        puts_(my_ltoa(v, buf, 10)); putch(' '); puts_(my_ltoa(v, buf, 16)); putch(' '); puts_(my_ltoa(v, buf, 7)); putch('\n');
    }
    /* memcpy/memmove/memset at every alignment and overlap. */
    uint64_t sum = 0;
    for (int i = 0; i < 600; i++) big[i] = (char)(i * 7 + 3);
    for (int off = 0; off < 9; off++) {
        for (int len = 0; len < 70; len += 3) {
            my_memset(big2, 0x5a, sizeof big2);
            my_memcpy(big2 + off, big + (len % 8), (size_t)len);
            my_memmove(big2 + 1, big2 + off, (size_t)len);
            my_memmove(big2 + off + 5, big2 + 2, (size_t)len);
            for (int k = 0; k < 100; k++) sum = sum * 31 + (unsigned char)big2[k];
        }
    }
    puts_("mem checksum "); puthex(sum); putch('\n');
    return my_strcmp("a", "a");
}
