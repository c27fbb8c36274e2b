/* A disk read over code: patchme() returns 1; the device then reads sector 3, which holds
 * `li a0, 2; ret`, over it, and patchme() runs again. Built with -DFENCE_I the program
 * executes fence.i before the second call, as the ISA asks of code that changes instructions;
 * built without, it relies on the machine noticing the device's write (QEMU does). */
#include "virtio.h"

/* 512 bytes of code, one sector, at a sector-aligned address; 32-bit instructions only. */
asm(".section .text.patch, \"ax\", @progbits\n"
    ".balign 512\n"
    ".globl patchme\n"
    "patchme:\n"
    ".option push\n"
    ".option norvc\n"
    "  li a0, 1\n"
    "  ret\n"
    ".option pop\n"
    ".fill 504, 1, 0\n"
    ".text\n");
extern int patchme(void);

static struct blk_header hdr;
static volatile uint8_t status;

int main(void) {
    interrupts_init();
    virtio_init(F(F_VERSION_1));
    int first = patchme(), second = patchme();

    hdr.type = T_IN; hdr.reserved = 0; hdr.sector = 3;
    status = 0xee;
    set_desc(0, &hdr, sizeof hdr, D_NEXT, 1);
    set_desc(1, (void *)patchme, 512, D_NEXT | D_WRITE, 2);
    set_desc(2, &status, 1, D_WRITE, 0);
    int head = 0;
    uint32_t before = irqs;
    submit(&head, 1);
    wait_used(1, 1, before);
#ifdef FENCE_I
    asm volatile("fence.i" ::: "memory");
#endif
    int third = patchme();

    puts_("status "); putdec(status);
    puts_(" before "); putdec(first); putch(' '); putdec(second);
    puts_(" after "); putdec(third); putch('\n');
    return 0;
}
