/* The S-mode boot-test kernel: talks to the firmware through the SBI, reads the device tree,
 * takes a timer interrupt, turns on SV39 paging and takes a store page fault, then shuts down.
 * Its output must be the same under QEMU's OpenSBI, Chronos's built-in SBI, and OpenSBI on
 * Chronos. */
#include <stdint.h>

struct sbiret { long error, value; };

static struct sbiret sbi(long eid, long fid, long a0, long a1, long a2) {
    register long r0 asm("a0") = a0, r1 asm("a1") = a1, r2 asm("a2") = a2;
    register long r6 asm("a6") = fid, r7 asm("a7") = eid;
    asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ r0, r1 };
}

static void putc_(char c) { sbi(0x01, 0, c, 0, 0); }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void puthex(uint64_t v) { for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }
static uint32_t be32(const void *p) { const uint8_t *b = p; return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]; }

static volatile int ticks;
static volatile uint64_t fault_cause, fault_addr;
static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static uint64_t readonly_page[512] __attribute__((aligned(4096)));

static inline uint64_t rdtime(void) { uint64_t t; asm volatile("rdtime %0" : "=r"(t)); return t; }

void ktrap(void) {
    uint64_t cause, tval, epc;
    asm volatile("csrr %0, scause" : "=r"(cause));
    asm volatile("csrr %0, stval" : "=r"(tval));
    asm volatile("csrr %0, sepc" : "=r"(epc));
    if (cause == ((1ull << 63) | 5)) {          /* supervisor timer interrupt */
        ticks++;
        sbi(0x54494d45, 0, -1, 0, 0);            /* no further timer: clears STIP */
        return;
    }
    fault_cause = cause;
    fault_addr = tval;
    uint16_t first = *(volatile uint16_t *)epc;       /* skip the faulting store, 2 or 4 bytes */
    asm volatile("csrw sepc, %0" :: "r"(epc + ((first & 3) == 3 ? 4 : 2)));
}

static void map_kernel(void) {
    /* 1 GiB identity gigapages for RAM (0x80000000) and the devices (0x0); then one 4 KiB page
     * mapped read-only at 0x40000000 through two levels of tables. */
    root[2] = (0x80000000ull >> 12) << 10 | 0xcf;         /* V R W X A D */
    root[0] = (0x0ull >> 12) << 10 | 0xc7;                 /* V R W A D */
    root[1] = ((uint64_t)level1 >> 12) << 10 | 1;
    level1[0] = ((uint64_t)level0 >> 12) << 10 | 1;
    level0[0] = ((uint64_t)readonly_page >> 12) << 10 | 0x43; /* V R A */
    uint64_t satp = (8ull << 60) | ((uint64_t)root >> 12);
    asm volatile("csrw satp, %0; sfence.vma" :: "r"(satp) : "memory");
}

void kmain(uint64_t hartid, const void *fdt) {
    puts_("== chronos test kernel ==\nhart ");
    puthex(hartid);
    puts_("\nfdt magic ");
    puthex(be32(fdt));
    struct sbiret v = sbi(0x10, 0, 0, 0, 0);
    puts_(v.value >= (1 << 24) ? "\nsbi v1.0 or later" : "\nsbi older than v1.0");
    puts_(" time probe ");
    puthex((uint64_t)sbi(0x10, 3, 0x54494d45, 0, 0).value);
    puts_("\n");
    /* The debug console (SBI v2.0) when the firmware has it, the legacy call otherwise. */
    const char msg[] = "console write works\n";
    if (sbi(0x10, 3, 0x4442434e, 0, 0).value) sbi(0x4442434e, 0, sizeof msg - 1, (long)msg, 0);
    else puts_(msg);

    /* The firmware leaves the FPU on (sstatus.FS Dirty, as OpenSBI does): a kernel built for
     * rv64gc may use it at once. fmv.d.x ft0, a0; fmv.x.d a0, ft0, encoded (this file is rv64imac). */
    uint64_t sstatus, back;
    asm volatile("csrr %0, sstatus" : "=r"(sstatus));
    asm volatile("mv a0, %1; .insn 4, 0xf2050053; .insn 4, 0xe2000553; mv %0, a0" : "=r"(back) : "r"(0x3ff8000000000000ull) : "a0");
    puts_("fpu on: sstatus.FS ");
    puthex((sstatus >> 13) & 3);
    puts_(" fmv round trip ");
    puthex(back);
    puts_("\n");

    /* A timer interrupt 1 ms from now, waited for with wfi. */
    sbi(0x54494d45, 0, (long)(rdtime() + 10000), 0, 0);
    asm volatile("csrs sie, %0" :: "r"(1 << 5));
    asm volatile("csrs sstatus, %0" :: "r"(1 << 1));
    while (ticks == 0) asm volatile("wfi");
    puts_("timer interrupt taken\n");
    asm volatile("csrc sstatus, %0" :: "r"(1 << 1));

    map_kernel();
    puts_("paging on, read-only page holds ");
    readonly_page[0] = 0; /* before paging this was writable; now through 0x40000000 it is not */
    puthex(*(volatile uint64_t *)0x40000000ull);
    puts_("\n");
    *(volatile uint64_t *)0x40000000ull = 1;
    puts_("store fault: scause ");
    puthex(fault_cause);
    puts_(" stval ");
    puthex(fault_addr);
    puts_("\nbye\n");
    sbi(0x53525354, 0, 0, 0, 0); /* shutdown */
    for (;;) {}
}
