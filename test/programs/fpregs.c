/* For the debugger's floating-point registers (test/dap/float.test.ts): a function that takes
 * a double and a float in fa0 and fa1, whose argument the test changes at a breakpoint on its
 * first instruction, and prints the product's bits. */
#include "bare.h"

__attribute__((noinline)) double scale(double x, float y) { return x * (double)y; }

static uint64_t bits_d(double d) { union { double d; uint64_t u; } v = { d }; return v.u; }

int main(void) {
    puts_("product "); puthex(bits_d(scale(1.5, 2.0f))); putch('\n');
    exit(0);
}
