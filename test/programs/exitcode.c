/* Ends through the finisher with a failure code: the exit status must be the same on both. */
#include "bare.h"
int main(void) {
    volatile int x = 40;
    puts_("exiting with 42\n");
    return x + 2;
}
