/* Harts under an SBI (OpenSBI, or Chronos's built-in one): the boot hart, whichever it is,
 * starts every other hart with hart_start; each started hart checks its a0/a1, waits for a
 * supervisor software interrupt the boot hart sends with sbi_send_ipi, and stops itself with
 * hart_stop. The boot hart checks hart_get_status along the way and the errors the SBI must
 * return. What it prints does not depend on which hart boots. */
#include <stdint.h>

#ifndef HARTS
#define HARTS 4
#endif
#define HSM 0x48534dL
#define IPI 0x735049L
#define RFENCE 0x52464e43L

struct sbiret { long error, value; };

static struct sbiret sbi(long eid, long fid, long a0, long a1, long a2) {
    register long r0 asm("a0") = a0, r1 asm("a1") = a1, r2 asm("a2") = a2;
    register long r6 asm("a6") = fid, r7 asm("a7") = eid;
    asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ r0, r1 };
}

static volatile uint32_t console;
static void lock(void) { while (__atomic_exchange_n(&console, 1, __ATOMIC_ACQUIRE)) {} }
static void unlock(void) { __atomic_store_n(&console, 0, __ATOMIC_RELEASE); }
static void putc_(char c) { sbi(0x01, 0, c, 0, 0); }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putdec(long v) { char b[24]; int n = 0; if (v < 0) { putc_('-'); v = -v; } do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v); while (n) putc_(b[--n]); }

extern char secondary[];
static volatile uint64_t started, ipis, opaque_ok[8], arrived_ipi[8];

void __attribute__((interrupt("supervisor"), aligned(4))) on_trap(void) {
    uint64_t cause;
    asm volatile("csrr %0, scause" : "=r"(cause));
    if (cause == ((1ull << 63) | 1)) {
        asm volatile("csrc sip, %0" :: "r"(2));
        __atomic_fetch_add(&ipis, 1, __ATOMIC_SEQ_CST);
    }
}

/* A started hart: a0 = its hart id, a1 = the opaque value its starter passed. */
void kstart(long hart, long opaque) {
    opaque_ok[hart] = opaque == 0x1000 + hart;
    asm volatile("csrw stvec, %0" :: "r"(on_trap));
    asm volatile("csrs sie, %0" :: "r"(2));
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    uint64_t before = ipis;
    asm volatile("csrs sstatus, %0" :: "r"(2));
    while (ipis == before) asm volatile("wfi");
    arrived_ipi[hart] = 1;
    sbi(HSM, 1, 0, 0, 0);  /* hart_stop: does not return */
    for (;;) {}
}

static void shutdown(void) { sbi(0x53525354, 0, 0, 0, 0); for (;;) {} }

void kmain(long boot) {
    lock();
    puts_("== smp hsm ==\n");
    puts_("boot hart status "); putdec(sbi(HSM, 2, boot, 0, 0).value); putc_('\n');
    puts_("hart_start on a started hart: "); putdec(sbi(HSM, 0, boot, (long)secondary, 0).error); putc_('\n');
    puts_("hart_start on hart 99: "); putdec(sbi(HSM, 0, 99, (long)secondary, 0).error); putc_('\n');
    puts_("status of hart 99: "); putdec(sbi(HSM, 2, 99, 0, 0).error); putc_('\n');
    unlock();
    long errors = 0, stopped_before = 0;
    for (long h = 0; h < HARTS; h++) {
        if (h == boot) continue;
        stopped_before += sbi(HSM, 2, h, 0, 0).value == 1;
        errors += sbi(HSM, 0, h, (long)secondary, 0x1000 + h).error != 0;
    }
    while (started != HARTS - 1) {}
    long running = 0;
    for (long h = 0; h < HARTS; h++) if (h != boot) running += sbi(HSM, 2, h, 0, 0).value == 0;
    /* Every other hart, by mask: bits for harts 0..HARTS-1 without the boot hart. */
    long mask = ((1L << HARTS) - 1) & ~(1L << boot);
    /* The fence first: the started harts are certainly still running (they wait for the IPI);
     * a fence for a hart that has stopped would wait on OpenSBI for an answer that never comes. */
    long fence = sbi(RFENCE, 1, mask, 0, 0).error;
    long ipi = sbi(IPI, 0, mask, 0, 0).error;
    long stopped_after = 0;
    for (long h = 0; h < HARTS; h++) {
        if (h == boot) continue;
        while (sbi(HSM, 2, h, 0, 0).value != 1) {}
        stopped_after++;
    }
    long ok = 0, got = 0;
    for (long h = 0; h < HARTS; h++) if (h != boot) { ok += opaque_ok[h]; got += arrived_ipi[h]; }
    lock();
    puts_("other harts stopped before start: "); putdec(stopped_before); putc_('\n');
    puts_("hart_start errors: "); putdec(errors); putc_('\n');
    puts_("started and running: "); putdec(running); putc_('\n');
    puts_("a1 held the opaque value: "); putdec(ok); putc_('\n');
    puts_("send_ipi "); putdec(ipi); puts_(", remote_sfence_vma "); putdec(fence); putc_('\n');
    puts_("took the IPI: "); putdec(got); putc_('\n');
    puts_("stopped again: "); putdec(stopped_after); putc_('\n');
    puts_("bye\n");
    unlock();
    shutdown();
}
