/* Variables of many C types, for the debugger's locals (test/dap/locals.test.ts). */
#include "bare.h"

enum colour { RED, GREEN = 5, BLUE };
struct point { int x; long y; char tag; };
union word { unsigned int u; float f; };

static volatile int sink;

__attribute__((noinline)) static int inspect(struct point *p, int n) {
    struct point copy = *p;
    const char *greeting = "hi there";
    int squares[5];
    for (int i = 0; i < 5; i++) squares[i] = i * i;
    enum colour c = BLUE;
    union word w = { .f = 1.5f };
    unsigned char byte = 200;
    signed char small = -3;
    volatile double ratio = 0.25;
    _Bool flag = 1;
    sink = copy.x + squares[4] + (int)c + (int)w.u + byte + small + flag + greeting[0] + n;
    return sink; /* the test stops here */
}

int main(void) {
    struct point origin = { -7, 1L << 40, 'q' };
    puts_(inspect(&origin, 42) ? "done\n" : "zero\n");
    return 0;
}
