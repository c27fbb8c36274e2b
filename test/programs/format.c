/* A printf-like formatter (the kind every kernel writes): %d %i %u %x %X %o %c %s %p %%,
 * the l and ll modifiers, field width, '-' and '0' flags and string precision, printed
 * for edge values. */
#include "bare.h"
#include <stdarg.h>
#include <stddef.h>

static char out[256];
static size_t outn;
static void emit(char c) { if (outn < sizeof out - 1) out[outn++] = c; }

static void number(uint64_t u, int neg, unsigned base, int upper, int width, int zero, int left) {
    char tmp[70]; int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do { tmp[n++] = digits[u % base]; u /= base; } while (u);
    int len = n + (neg ? 1 : 0);
    if (!left && !zero) for (; width > len; width--) emit(' ');
    if (neg) emit('-');
    if (!left && zero) for (; width > len; width--) emit('0');
    while (n) emit(tmp[--n]);
    if (left) for (; width > len; width--) emit(' ');
}

static const char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    outn = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { emit(*p); continue; }
        int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
        for (;; p++) { if (p[1] == '-') left = 1; else if (p[1] == '0') zero = 1; else break; }
        while (p[1] >= '0' && p[1] <= '9') width = width * 10 + (*++p - '0');
        if (p[1] == '.') { p++; prec = 0; while (p[1] >= '0' && p[1] <= '9') prec = prec * 10 + (*++p - '0'); }
        while (p[1] == 'l') { lng++; p++; }
        switch (*++p) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
            number(v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0, width, zero, left);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            number(v, 0, *p == 'u' ? 10 : *p == 'o' ? 8 : 16, *p == 'X', width, zero, left);
            break;
        }
        case 'p': emit('0'); emit('x'); number((uintptr_t)va_arg(ap, void *), 0, 16, 0, 16, 1, 0); break;
        case 'c': emit((char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int len = 0;
            while (s[len] && (prec < 0 || len < prec)) len++;
            if (!left) for (int w = width; w > len; w--) emit(' ');
            for (int i = 0; i < len; i++) emit(s[i]);
            if (left) for (int w = width; w > len; w--) emit(' ');
            break;
        }
        case '%': emit('%'); break;
        default: emit('?'); break;
        }
    }
    va_end(ap);
    out[outn] = 0;
    return out;
}

int main(void) {
    static const int ints[] = { 0, 1, -1, 42, -42, 2147483647, (-2147483647 - 1), 100000, -99999 };
    static const long longs[] = { 0, -1, 9223372036854775807L, (-9223372036854775807L - 1), 4294967296L, -4294967296L, 1234567890123L };
    for (unsigned i = 0; i < sizeof ints / sizeof *ints; i++) {
        puts_(format("[%d] [%5d] [%-5d|] [%05d] [%u] [%x] [%X] [%o] [%08x]\n", ints[i], ints[i], ints[i], ints[i],
            (unsigned)ints[i], (unsigned)ints[i], (unsigned)ints[i], (unsigned)ints[i], (unsigned)ints[i]));
    }
    for (unsigned i = 0; i < sizeof longs / sizeof *longs; i++) {
        puts_(format("[%ld] [%22ld] [%-22ld|] [%lu] [%lx] [%llX] [%lo]\n", longs[i], longs[i], longs[i],
            (unsigned long)longs[i], (unsigned long)longs[i], (unsigned long long)longs[i], (unsigned long)longs[i]));
    }
    puts_(format("[%s] [%10s] [%-10s|] [%.3s] [%8.2s] [%s] [%c%c%c] [%%] [%q]\n", "chronos", "risc", "v", "abcdef", "xyz",
        (const char *)0, 'o', 'k', '!'));
    puts_(format("[%p] [%p]\n", (void *)0, (void *)0x80001234UL));
    return 0;
}
