/* The little runtime bare test programs share: UART output and the finisher. */
#ifndef BARE_H
#define BARE_H
#include <stdint.h>

#define UART_BASE ((volatile uint8_t *)0x10000000)
#define FINISHER ((volatile uint32_t *)0x100000)

static inline void putch(char c) {
    while ((UART_BASE[5] & 0x20) == 0) {}
    UART_BASE[0] = (uint8_t)c;
}
static inline void puts_(const char *s) { while (*s) putch(*s++); }
static inline void puthex(uint64_t v) {
    for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}
static inline void putdec(int64_t v) {
    char buf[24]; int n = 0; uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    if (v < 0) putch('-');
    do { buf[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n) putch(buf[--n]);
}
__attribute__((noreturn)) static inline void exit(int code) {
    *FINISHER = code == 0 ? 0x5555 : ((uint32_t)code << 16) | 0x3333;
    for (;;) {}
}
#endif
