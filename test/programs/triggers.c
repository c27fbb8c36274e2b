/* Debug triggers (Sdtrig) as QEMU 7.2 has them: tinfo and tselect, which tdata1 writes take
 * (types 2 and 6, legal sizes) and which they ignore, execute triggers by privilege, load and
 * store triggers over their watched range (8 bytes for "any size"), the store a trigger stops,
 * the second trigger, and the breakpoint exception each raises (cause 3, mtval 0 on QEMU 7.2).
 * The trap handler skips the instruction that trapped. */
#include <stdint.h>
#include "bare.h"

static volatile uint64_t cause, tval, epc, traps;
static volatile uint64_t data1 = 7, data2 = 9;
volatile int sink;

void __attribute__((interrupt("machine"), aligned(4))) on_trap(void) {
    asm volatile("csrr %0, mcause" : "=r"(cause));
    asm volatile("csrr %0, mtval" : "=r"(tval));
    asm volatile("csrr %0, mepc" : "=r"(epc));
    traps++;
    uint64_t e = epc;
    e += (*(uint16_t *)e & 3) == 3 ? 4 : 2;
    asm volatile("csrw mepc, %0" :: "r"(e));
}

#define CSRW(n, v) asm volatile("csrw " #n ", %0" :: "r"((uint64_t)(v)))
#define CSRR(n) ({ uint64_t _v; asm volatile("csrr %0, " #n : "=r"(_v)); _v; })
static void line(const char *s, uint64_t v) { puts_(s); puthex(v); putch('\n'); }
static void traps_since(const char *s, uint64_t expected_pc) {
    puts_(s); puts_(": traps "); puthex(traps); puts_(" cause "); puthex(cause); puts_(" tval "); puthex(tval);
    puts_(traps && epc == expected_pc ? " at the expected pc\n" : traps ? " elsewhere\n" : "\n");
    traps = 0; cause = tval = epc = 0;
}

__attribute__((noinline)) int target(int x) { asm volatile(""); return x + 1; }

int main(void) {
    CSRW(mtvec, on_trap);
    line("tinfo ", CSRR(tinfo));
    CSRW(tselect, 5); line("tselect after writing 5: ", CSRR(tselect));
    CSRW(tselect, 1); line("tselect after writing 1: ", CSRR(tselect));
    CSRW(tselect, 0);
    line("tdata1 at reset ", CSRR(tdata1));
    CSRW(tdata1, -1ull); line("tdata1 after a type-15 write ", CSRR(tdata1));
    CSRW(tdata1, (2ull << 60) | 0xffffffffffffull); line("type 2, every field set ", CSRR(tdata1));
    CSRW(tdata1, (2ull << 60) | (1 << 6) | 1 | (3 << 16)); line("type 2, sizelo 3 ", CSRR(tdata1));
    CSRW(tdata1, (6ull << 60) | 0xffffffffull); line("type 6, every field set ", CSRR(tdata1));
    CSRW(tdata1, 0x44); line("tdata1 after a type-0 write ", CSRR(tdata1));
    CSRW(tdata3, 0x1234); line("tdata3 ", CSRR(tdata3));
    { uint64_t v; asm volatile("csrr %0, 0x7a5" : "=r"(v)); } traps_since("tcontrol", epc);

    CSRW(tdata1, 0);
    CSRW(tdata2, (uint64_t)target);
    CSRW(tdata1, (2ull << 60) | (1 << 6) | (1 << 2));
    sink = target(1); traps_since("execute, M", (uint64_t)target);
    CSRW(tdata1, (2ull << 60) | (1 << 3) | (1 << 2));
    sink = target(1); traps_since("execute, U only, from M", 0);

    CSRW(tdata2, (uint64_t)&data1);
    CSRW(tdata1, (2ull << 60) | (1 << 6) | (1 << 0));
    uint64_t v = data1; traps_since("load, any size", epc);
    v = *(volatile uint32_t *)((uint8_t *)&data1 + 4); traps_since("load 4 bytes at +4", epc);
    v = *(volatile uint8_t *)((uint8_t *)&data1 + 7); traps_since("load a byte at +7", epc);
    v = *(volatile uint8_t *)((uint8_t *)&data1 + 8); traps_since("load a byte at +8", epc);
    data1 = 5; traps_since("store under a load trigger", epc);
    CSRW(tdata1, (2ull << 60) | (1 << 6) | (1 << 1));
    data1 = 6; traps_since("store", epc);
    line("the stopped store left ", data1);
    CSRW(tdata1, (2ull << 60) | (1 << 6) | (1 << 0) | (1 << 16));
    v = *(volatile uint8_t *)((uint8_t *)&data1 + 1); traps_since("size 1: a byte at +1", epc);
    v = *(volatile uint8_t *)((uint8_t *)&data1); traps_since("size 1: a byte at +0", epc);
    CSRW(tdata1, (6ull << 60) | (1 << 6) | (1 << 0) | (1 << 16));
    v = *(volatile uint8_t *)((uint8_t *)&data1 + 1); traps_since("type 6 size 1: a byte at +1", epc);
    v = data1; traps_since("type 6 size 1: 8 bytes at +0", epc);
    CSRW(tdata1, 0);
    CSRW(tselect, 1);
    CSRW(tdata2, (uint64_t)&data2);
    CSRW(tdata1, (2ull << 60) | (1 << 6) | (1 << 0));
    v = data2; traps_since("trigger 1, load", epc);
    CSRW(tselect, 0); line("trigger 0 kept ", CSRR(tdata1));
    asm volatile("csrsi mstatus, 8");
    v = data2; traps_since("load with mstatus.MIE set", epc);
    (void)v;
    return 0;
}
