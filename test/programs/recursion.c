/* Recursion: Fibonacci, Ackermann, the towers of Hanoi, eight queens, permutations, mutual
 * recursion and a recursive-descent calculator; deep stacks and many calls and returns. */
#include "bare.h"

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static long ack(long m, long n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
static long hanoi(int n, int from, int to, int via, long *sig) {
    if (n == 0) return 0;
    long a = hanoi(n - 1, from, via, to, sig);
    *sig = *sig * 3 + from * 7 + to;
    return a + 1 + hanoi(n - 1, via, to, from, sig);
}
static int cols[8];
static int queens(int row) {
    if (row == 8) return 1;
    int n = 0;
    for (int c = 0; c < 8; c++) {
        int ok = 1;
        for (int r = 0; r < row; r++) if (cols[r] == c || cols[r] - c == r - row || c - cols[r] == r - row) { ok = 0; break; }
        if (ok) { cols[row] = c; n += queens(row + 1); }
    }
    return n;
}
static char perm[6];
static long permsig;
static void permute(int k, int n) {
    if (k == n) { for (int i = 0; i < n; i++) permsig = permsig * 11 + perm[i]; return; }
    for (int i = k; i < n; i++) {
        char t = perm[k]; perm[k] = perm[i]; perm[i] = t;
        permute(k + 1, n);
        t = perm[k]; perm[k] = perm[i]; perm[i] = t;
    }
}
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

/* expr := term (('+'|'-') term)*; term := factor (('*'|'/'|'%') factor)*; factor := num | '-' factor | '(' expr ')' */
static const char *src;
static long expr(void);
static long factor(void) {
    if (*src == '-') { src++; return -factor(); }
    if (*src == '(') { src++; long v = expr(); src++; return v; }
    long v = 0;
    while (*src >= '0' && *src <= '9') v = v * 10 + (*src++ - '0');
    return v;
}
static long term(void) {
    long v = factor();
    for (;;) {
        char op = *src;
        if (op != '*' && op != '/' && op != '%') return v;
        src++;
        long r = factor();
        v = op == '*' ? v * r : r == 0 ? 0 : op == '/' ? v / r : v % r;
    }
}
static long expr(void) {
    long v = term();
    while (*src == '+' || *src == '-') { char op = *src++; long r = term(); v = op == '+' ? v + r : v - r; }
    return v;
}

int main(void) {
    for (int i = 0; i <= 24; i += 6) { puts_("fib "); putdec(i); putch('='); putdec(fib(i)); putch('\n'); }
    puts_("ack(2,9)="); putdec(ack(2, 9)); puts_(" ack(3,4)="); putdec(ack(3, 4)); putch('\n');
    long sig = 0;
    puts_("hanoi(12) moves="); putdec(hanoi(12, 1, 3, 2, &sig)); puts_(" sig="); puthex((uint64_t)sig); putch('\n');
    puts_("queens(8)="); putdec(queens(0)); putch('\n');
    for (int i = 0; i < 6; i++) perm[i] = (char)('a' + i);
    permute(0, 6);
    puts_("perm sig="); puthex((uint64_t)permsig); putch('\n');
    puts_("even(1001)="); putdec(is_even(1001)); puts_(" odd(777)="); putdec(is_odd(777)); putch('\n');
    static const char *exprs[] = { "1+2*3", "(1+2)*3", "-7/2", "-7%3", "100-(20-(3-4))*2", "9223372036854775807+1", "((((((1))))))", "2*-3*-4" };
    for (unsigned i = 0; i < sizeof exprs / sizeof *exprs; i++) { src = exprs[i]; puts_(exprs[i]); puts_(" = "); putdec(expr()); putch('\n'); }
    return 0;
}
