#include "bare.h"
int main(void) {
    puts_("hello from chronos\n");
    return 0;
}
