/*
 * Supervisor-mode behaviour, run on QEMU and on Chronos and compared line for line: trap
 * delegation, SV39 translation and its page faults, A/D updates, MPRV, timer and external
 * interrupts, sfence.vma.
 *
 * Each case is one run: M-mode sets up the CSRs and page tables, enter() drops to the case's
 * mode at a snippet from trap.S, and whatever trap ends the run (a fault, an interrupt, or the
 * ecall that ends a snippet that succeeded) is recorded and printed as one line. Only values the
 * privileged spec pins down are printed: never times or counts, and no epc for interrupts (where
 * in a wfi loop an interrupt lands depends on timing).
 */
#include <stdint.h>
#include "../bare.h"
#include "smode.h"

/* Two levels, so that a CSR given as a macro (the numbers below) expands before stringizing. */
#define CSRR(csr) CSRR_(csr)
#define CSRW(csr, v) CSRW_(csr, v)
#define CSRS(csr, v) CSRS_(csr, v)
#define CSRC(csr, v) CSRC_(csr, v)
#define CSRR_(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define CSRW_(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")
#define CSRS_(csr, v) __asm__ volatile("csrs " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")
#define CSRC_(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")
/* By number: binutils 2.40 may not know the Sstc and menvcfg names. */
#define STIMECMP 0x14d
#define MENVCFG 0x30a
#define SFENCE() __asm__ volatile("sfence.vma" ::: "memory")

enum { U = 0, S = 1, M = 3 };

#define SIE_ (1ull << 1)
#define MPIE_ (1ull << 7)
#define SPP_ (1ull << 8)
#define MPP_ (3ull << 11)
#define MPP_S (1ull << 11)
#define MPRV (1ull << 17)
#define SUM (1ull << 18)
#define MXR (1ull << 19)
#define MIE_ (1ull << 3)
#define SPIE_ (1ull << 5)

#define STIP (1ull << 5)
#define MTIP (1ull << 7)
#define SEIP (1ull << 9)
#define MEIP (1ull << 11)
#define INTR (1ull << 63)
#define STCE (1ull << 63)

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80

#define MTIMECMP ((volatile uint64_t *)0x2004000)
#define MTIME ((volatile uint64_t *)0x200bff8)
#define PLIC_PRIO ((volatile uint32_t *)0xc000000)
#define PLIC_MENABLE ((volatile uint32_t *)0xc002000)
#define PLIC_SENABLE ((volatile uint32_t *)0xc002080)
#define PLIC_MTHRESH ((volatile uint32_t *)0xc200000)
#define PLIC_MCLAIM ((volatile uint32_t *)0xc200004)
#define PLIC_STHRESH ((volatile uint32_t *)0xc201000)
#define PLIC_SCLAIM ((volatile uint32_t *)0xc201004)
#define UART_IRQ 10

extern char tpages[];
extern char mtrap[], strap[];
extern char op_ld[], op_lw[], op_sd[], op_jr[], op_ecall[], op_ebreak[], op_csr[], op_unimp[], op_lrd[];
extern char op_mprv_ld[], op_mprv_sd[], op_sfence[], op_sfence_all[], op_sfence_ld[], op_wfi[], op_spin[], op_uart_thri[], op_stimecmp[];
void enter(uint64_t pc, const uint64_t *args);
__attribute__((noreturn)) void resume(void);

struct rec { uint64_t handler, cause, tval, epc, a0, prev, claim; };
/* Written by the trap handlers behind the compiler's back: external and volatile. */
volatile struct rec R;
volatile uint64_t s_done, s_escape;

/* External so the compiler cannot assume the runs leave them alone (the hart writes A and D). */
uint64_t root[512] __attribute__((aligned(4096)));
uint64_t l1[512] __attribute__((aligned(4096)));
uint64_t l0[512] __attribute__((aligned(4096)));
uint64_t l1b[512] __attribute__((aligned(4096)));
uint64_t l0b[512] __attribute__((aligned(4096)));

#define RAM 0x80000000ull
#define PAGE(i) ((uint64_t)tpages + (uint64_t)(i) * 4096)
#define VA(i) (0x40000000ull + (uint64_t)(i) * 4096)
#define DATA(i) (VA(i) + 0x100)
#define VALUE(i) (0xd0d0d0d000000000ull + (i))
/* The user view of RAM: root[4] maps all of it again with U set. */
#define ALIAS(pa) ((uint64_t)(pa) - RAM + 0x100000000ull)
#define G1 0x140000000ull    /* 1 GiB read-only superpage onto RAM */
#define G1BAD 0x180000000ull /* 1 GiB superpage with PPN[0] nonzero */
#define NL0 0x1c0000000ull   /* its level-0 PTE is a pointer */
#define M2 0x40200000ull     /* 2 MiB superpage onto RAM */
#define M2BAD 0x40400000ull  /* 2 MiB superpage with PPN[0] nonzero */

static uint64_t pte(uint64_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags; }
static uint64_t ptr(uint64_t *table) { return pte((uint64_t)table, PTE_V); }
static uint64_t satp_sv39(void) { return 8ull << 60 | (uint64_t)root >> 12; }

/* ---- trap handlers (called from trap.S) ------------------------------------------------------ */

void m_trap(uint64_t *frame) {
    uint64_t cause = CSRR(mcause), mpp = (CSRR(mstatus) >> 11) & 3;
    /* The S-mode handler's escape: its record is already in R. */
    if (s_done && mpp == S && (cause == 9 || cause == 2)) resume();
    R.handler = 'M'; R.cause = cause; R.tval = CSRR(mtval); R.epc = CSRR(mepc); R.a0 = frame[10]; R.prev = mpp;
    if (cause == (INTR | 7)) *MTIMECMP = ~0ull;
    if (cause == (INTR | 11)) {
        uint32_t id = *PLIC_MCLAIM;
        R.claim = id;
        UART_BASE[1] = 0;
        *PLIC_MCLAIM = id;
    }
    resume();
}

uint64_t s_trap(uint64_t *frame) {
    uint64_t cause = CSRR(scause);
    R.handler = 'S'; R.cause = cause; R.tval = CSRR(stval); R.epc = CSRR(sepc); R.a0 = frame[10];
    R.prev = (CSRR(sstatus) & SPP_) ? S : U;
    if (cause == (INTR | 9)) {
        uint32_t id = *PLIC_SCLAIM;
        R.claim = id;
        UART_BASE[1] = 0;
        *PLIC_SCLAIM = id;
    }
    s_done = 1;
    return s_escape;
}

/* ---- running and reporting -------------------------------------------------------------------- */

static void hex(uint64_t v) {
    int i = 60;
    while (i > 0 && ((v >> i) & 15) == 0) i -= 4;
    for (; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

static void run(int mode, uint64_t satp, uint64_t status, uint64_t pc, uint64_t a0, uint64_t a1, uint64_t a2) {
    uint64_t args[4] = { a0, a1, a2, 0 };
    R.handler = '-'; R.cause = R.tval = R.epc = R.a0 = R.prev = R.claim = 0;
    s_done = 0;
    CSRW(satp, satp);
    SFENCE();
    uint64_t ms = CSRR(mstatus) & ~(MPP_ | MPRV | SUM | MXR | MPIE_ | SPIE_ | SPP_ | SIE_ | MIE_);
    CSRW(mstatus, ms | (uint64_t)mode << 11 | status);
    enter(pc, args);
}

static int caseno;
enum { NO_EPC = 1, CLAIM = 2 };
static const char MODES[] = "US?M";

/* One line: number, name, who handled the trap and from which mode, cause, tval, epc, a0. */
static void report(const char *name, uint64_t pc, int flags) {
    caseno++;
    putch('0' + caseno / 100 % 10); putch('0' + caseno / 10 % 10); putch('0' + caseno % 10);
    putch(' '); puts_(name);
    puts_(": "); putch((char)R.handler); puts_(" from "); putch(MODES[R.prev & 3]);
    puts_(" cause "); if (R.cause & INTR) { puts_("int "); hex(R.cause & ~INTR); } else hex(R.cause);
    puts_(" tval "); hex(R.tval);
    if (!(flags & NO_EPC)) {
        puts_(" epc ");
        if (R.epc - pc < 0x1000) { puts_("+"); hex(R.epc - pc); } else hex(R.epc);
    }
    puts_(" a0 "); hex(R.a0);
    if (flags & CLAIM) { puts_(" claim "); hex(R.claim); }
    putch('\n');
}

static void t(const char *name, int mode, uint64_t satp, uint64_t status, const char *snippet, uint64_t a0, uint64_t a1, uint64_t a2) {
    /* U-mode code under translation runs from the user view of RAM. */
    uint64_t pc = mode == U && satp ? ALIAS(snippet) : (uint64_t)snippet;
    run(mode, satp, status, pc, a0, a1, a2);
    report(name, pc, 0);
}

static void label(const char *s) { puts_("# "); puts_(s); putch('\n'); }

static void show_pte(const char *name, uint64_t i) {
    puts_("    pte "); puts_(name); puts_(" flags "); hex(((volatile uint64_t *)l0)[i] & 0x3ff); putch('\n');
}

/* ---- the page tables ------------------------------------------------------------------------ */

static void build_tables(void) {
    root[1] = ptr(l1);
    root[2] = pte(RAM, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[4] = pte(RAM, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    root[5] = pte(RAM, PTE_V | PTE_R | PTE_A | PTE_D);
    root[6] = pte(RAM + 0x1000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[7] = ptr(l1b);
    l1b[0] = ptr(l0b);
    l0b[0] = pte(PAGE(1), PTE_V);
    l1[0] = ptr(l0);
    l1[1] = pte(RAM, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    l1[2] = pte(RAM + 0x1000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    l0[0] = 0;
    l0[1] = pte(PAGE(1), PTE_V | PTE_R | PTE_A | PTE_D);
    l0[2] = pte(PAGE(2), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    l0[3] = pte(PAGE(3), PTE_V | PTE_W | PTE_A | PTE_D);
    l0[4] = pte(PAGE(4), PTE_V | PTE_X | PTE_A);
    l0[5] = pte(PAGE(5), PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    l0[6] = pte(PAGE(6), PTE_V | PTE_R | PTE_W);
    l0[7] = pte(PAGE(7), PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    l0[8] = pte(PAGE(8), PTE_V | PTE_R | PTE_A | PTE_D);
    l0[9] = pte(PAGE(9), PTE_V | PTE_R | PTE_W | PTE_A);
    l0[10] = pte(PAGE(10), PTE_V | PTE_R | PTE_X);
    l0[12] = pte(0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    SFENCE();
}

/* ---- the cases ------------------------------------------------------------------------------- */

static void delegation(void) {
    const struct { const char *name; int cause; int mode; const char *op; uint64_t a0; } X[] = {
        { "illegal csr from S", 2, S, op_csr, 0 },
        { "illegal csr from U", 2, U, op_csr, 0 },
        { "illegal unimp from S", 2, S, op_unimp, 0 },
        { "ebreak from S", 3, S, op_ebreak, 0 },
        { "ebreak from U", 3, U, op_ebreak, 0 },
        /*
         * Not sc.d or an AMO: QEMU 7.2 fails a misaligned sc.d without a reservation instead of
         * trapping, and reports a misaligned AMO as a load (cause 4) where the spec says 6.
         */
        { "misaligned lr.d from S", 4, S, op_lrd, PAGE(2) + 0x104 },
        { "misaligned lr.d from U", 4, U, op_lrd, PAGE(2) + 0x104 },
        { "load access fault at 0 from S", 5, S, op_ld, 0 },
        { "store access fault at 0 from U", 7, U, op_sd, 0 },
        { "fetch access fault at 0 from S", 1, S, op_jr, 0 },
        { "ecall from U", 8, U, op_ecall, 0 },
        { "ecall from S", 9, S, op_ecall, 0 },
    };
    label("delegation: taken in M with medeleg clear, in S with its bit set (no translation)");
    for (int d = 0; d < 2; d++) {
        for (unsigned k = 0; k < sizeof X / sizeof X[0]; k++) {
            CSRW(medeleg, d ? 1ull << X[k].cause : 0);
            s_escape = d && X[k].cause == 9;
            t(X[k].name, X[k].mode, 0, 0, X[k].op, X[k].a0, 7, 0);
        }
    }
    s_escape = 0;
    CSRW(medeleg, 0);
    t("misaligned lw inside a page from S (no trap)", S, 0, 0, op_lw, PAGE(2) + 0x102, 0, 0);

    /* Page faults, taken in M and then in S. */
    uint64_t sv = satp_sv39();
    for (int d = 0; d < 2; d++) {
        CSRW(medeleg, d ? (1ull << 12 | 1ull << 13 | 1ull << 15) : 0);
        t("load page fault from S", S, sv, 0, op_ld, DATA(0), 0, 0);
        t("store page fault from S", S, sv, 0, op_sd, DATA(0), 5, 0);
        t("fetch page fault from S", S, sv, 0, op_jr, VA(0), 0, 0);
        t("load page fault from U", U, sv, 0, op_ld, DATA(0), 0, 0);
    }
    /* Delegation never lowers the privilege a trap from M-mode is taken in. */
    CSRW(medeleg, 1ull << 5 | 1ull << 2);
    t("load access fault from M, delegated", M, 0, 0, op_ld, 0, 0, 0);
    t("illegal instruction from M, delegated", M, 0, 0, op_unimp, 0, 0, 0);
    CSRW(medeleg, 0);
}

static void page_faults(void) {
    uint64_t sv = satp_sv39();
    CSRW(medeleg, 1ull << 12 | 1ull << 13 | 1ull << 15 | 1ull << 5 | 1ull << 7 | 1ull << 1);
    label("SV39 permissions (page faults delegated to S)");
    t("S load R page", S, sv, 0, op_ld, DATA(1), 0, 0);
    t("S store R page (no W)", S, sv, 0, op_sd, DATA(1), 9, 0);
    t("S fetch R page (no X)", S, sv, 0, op_jr, VA(1), 0, 0);
    t("S store RW page", S, sv, 0, op_sd, DATA(2) + 8, 0x5a5a, 0);
    t("S fetch RW page (no X)", S, sv, 0, op_jr, VA(2), 0, 0);
    t("S load W-only page (reserved)", S, sv, 0, op_ld, DATA(3), 0, 0);
    t("S store W-only page (reserved)", S, sv, 0, op_sd, DATA(3), 9, 0);
    t("S fetch W-only page (reserved)", S, sv, 0, op_jr, VA(3), 0, 0);
    t("S load X-only page (no R)", S, sv, 0, op_ld, DATA(4), 0, 0);
    t("S load X-only page with MXR", S, sv, MXR, op_ld, DATA(4), 0, 0);
    t("S load W-only page with MXR", S, sv, MXR, op_ld, DATA(3), 0, 0);
    t("S fetch X-only page", S, sv, 0, op_jr, VA(4), 0, 0);
    t("S fetch RWX page", S, sv, 0, op_jr, VA(7), 0, 0);
    t("S load U page without SUM", S, sv, 0, op_ld, DATA(5), 0, 0);
    t("S store U page without SUM", S, sv, 0, op_sd, DATA(5), 9, 0);
    t("S load U page with SUM", S, sv, SUM, op_ld, DATA(5), 0, 0);
    t("S store U page with SUM", S, sv, SUM, op_sd, DATA(5) + 8, 0x77, 0);
    t("S fetch U page without SUM", S, sv, 0, op_jr, VA(5), 0, 0);
    t("S fetch U page with SUM", S, sv, SUM, op_jr, VA(5), 0, 0);
    t("U load U page", U, sv, 0, op_ld, DATA(5), 0, 0);
    t("U fetch U page", U, sv, 0, op_jr, VA(5), 0, 0);
    t("U load S page", U, sv, 0, op_ld, DATA(1), 0, 0);
    t("U store S page", U, sv, 0, op_sd, DATA(2), 9, 0);
    t("U fetch S page", U, sv, 0, op_jr, VA(7), 0, 0);
    t("U load S page with SUM", U, sv, SUM, op_ld, DATA(1), 0, 0);
    t("S load invalid", S, sv, 0, op_ld, DATA(0) + 0x10, 0, 0);
    t("S store invalid", S, sv, 0, op_sd, DATA(0) + 0x18, 9, 0);
    t("S fetch invalid", S, sv, 0, op_jr, VA(0) + 0x20, 0, 0);
    t("S load unmapped root slot", S, sv, 0, op_ld, 0x8, 0, 0);
    t("S load non-canonical address", S, sv, 0, op_ld, 0x0000008000000000ull, 0, 0);
    t("S load pointer PTE at level 0", S, sv, 0, op_ld, NL0 + 0x100, 0, 0);
    t("S store pointer PTE at level 0", S, sv, 0, op_sd, NL0 + 0x100, 9, 0);
    t("S fetch pointer PTE at level 0", S, sv, 0, op_jr, NL0, 0, 0);
    t("S load misaligned 1 GiB superpage", S, sv, 0, op_ld, G1BAD + (PAGE(1) - RAM) + 0x100, 0, 0);
    t("S store misaligned 1 GiB superpage", S, sv, 0, op_sd, G1BAD + (PAGE(2) - RAM) + 0x100, 9, 0);
    t("S fetch misaligned 1 GiB superpage", S, sv, 0, op_jr, G1BAD + (PAGE(7) - RAM), 0, 0);
    t("S load misaligned 2 MiB superpage", S, sv, 0, op_ld, M2BAD + (PAGE(1) - RAM) + 0x100, 0, 0);
    t("S store misaligned 2 MiB superpage", S, sv, 0, op_sd, M2BAD + (PAGE(2) - RAM) + 0x100, 9, 0);
    t("S fetch misaligned 2 MiB superpage", S, sv, 0, op_jr, M2BAD + (PAGE(7) - RAM), 0, 0);
    t("S load page mapped to unbacked PA 0", S, sv, 0, op_ld, DATA(12), 0, 0);
    t("S store page mapped to unbacked PA 0", S, sv, 0, op_sd, DATA(12), 9, 0);
    t("S fetch page mapped to unbacked PA 0", S, sv, 0, op_jr, VA(12), 0, 0);
    CSRW(medeleg, 0);
}

static void superpages(void) {
    uint64_t sv = satp_sv39();
    label("superpages");
    t("1 GiB load", S, sv, 0, op_ld, G1 + (PAGE(1) - RAM) + 0x100, 0, 0);
    t("1 GiB load, second word", S, sv, 0, op_ld, G1 + (PAGE(3) - RAM) + 0x108, 0, 0);
    t("1 GiB store (read-only)", S, sv, 0, op_sd, G1 + (PAGE(2) - RAM) + 0x100, 9, 0);
    t("2 MiB load", S, sv, 0, op_ld, M2 + (PAGE(4) - RAM) + 0x100, 0, 0);
    t("2 MiB store", S, sv, 0, op_sd, M2 + (PAGE(13) - RAM) + 0x100, 0x1234, 0);
    t("2 MiB store seen through 4 KiB identity", S, sv, 0, op_ld, PAGE(13) + 0x100, 0, 0);
    t("2 MiB fetch", S, sv, 0, op_jr, M2 + (PAGE(14) - RAM), 0, 0);
}

static void accessed_dirty(void) {
    uint64_t sv = satp_sv39();
    label("A and D (set by the hart, as QEMU does)");
    t("load from A=0 D=0 page", S, sv, 0, op_ld, DATA(6), 0, 0);
    show_pte("after load", 6);
    t("store to same page", S, sv, 0, op_sd, DATA(6), 0x66, 0);
    show_pte("after store", 6);
    l0[6] = pte(PAGE(6), PTE_V | PTE_R | PTE_W);
    t("store to A=0 D=0 page", S, sv, 0, op_sd, DATA(6) + 8, 0x67, 0);
    show_pte("after store", 6);
    t("store to A=1 D=0 page", S, sv, 0, op_sd, DATA(9), 0x99, 0);
    show_pte("after store", 9);
    t("fetch from A=0 page", S, sv, 0, op_jr, VA(10), 0, 0);
    show_pte("after fetch", 10);
}

static void mprv(void) {
    uint64_t sv = satp_sv39();
    CSRW(medeleg, 1ull << 13 | 1ull << 15);
    label("MPRV: M-mode loads and stores translated as MPP's mode (faults stay in M)");
    t("MPRV MPP=S load R page", M, sv, 0, op_mprv_ld, DATA(1), 0, MPRV | MPP_S);
    t("MPRV MPP=S load invalid", M, sv, 0, op_mprv_ld, DATA(0), 0, MPRV | MPP_S);
    t("MPRV MPP=S store R page", M, sv, 0, op_mprv_sd, DATA(1), 9, MPRV | MPP_S);
    t("MPRV MPP=S store RW page", M, sv, 0, op_mprv_sd, DATA(2) + 0x10, 0xabc, MPRV | MPP_S);
    t("MPRV MPP=U load S page", M, sv, 0, op_mprv_ld, DATA(1), 0, MPRV);
    t("MPRV MPP=U load U page", M, sv, 0, op_mprv_ld, DATA(5), 0, MPRV);
    t("MPRV MPP=S load U page", M, sv, 0, op_mprv_ld, DATA(5), 0, MPRV | MPP_S);
    t("MPRV MPP=S SUM load U page", M, sv, 0, op_mprv_ld, DATA(5), 0, MPRV | MPP_S | SUM);
    t("MPRV MPP=S MXR load X-only page", M, sv, 0, op_mprv_ld, DATA(4), 0, MPRV | MPP_S | MXR);
    t("MPRV MPP=S load 1 GiB superpage", M, sv, 0, op_mprv_ld, G1 + (PAGE(8) - RAM) + 0x100, 0, MPRV | MPP_S);
    CSRW(medeleg, 0);
}

static void timers(void) {
    label("timer interrupts");
    CSRW(MENVCFG, 0);
    *MTIMECMP = ~0ull;

    CSRW(mie, MTIP);
    *MTIMECMP = *MTIME + 100;
    run(M, 0, MPIE_, (uint64_t)op_wfi, 0x11, 0, 0);
    report("machine timer in M", 0, NO_EPC);
    *MTIMECMP = *MTIME + 100;
    run(S, 0, 0, (uint64_t)op_wfi, 0x12, 0, 0);
    report("machine timer while in S (MIE clear)", 0, NO_EPC);
    *MTIMECMP = *MTIME + 100;
    run(U, 0, 0, (uint64_t)op_spin, 0x13, 0, 0);
    report("machine timer while in U", 0, NO_EPC);
    *MTIMECMP = ~0ull;
    CSRW(mie, 0);

    /* M-mode software posts STIP, the way firmware without Sstc hands S its timer. */
    CSRW(mie, STIP);
    CSRS(mip, STIP);
    run(S, 0, SIE_, (uint64_t)op_wfi, 0x14, 0, 0);
    report("mip.STIP set by M, not delegated", 0, NO_EPC);
    CSRW(mideleg, STIP);
    run(S, 0, SIE_, (uint64_t)op_wfi, 0x15, 0, 0);
    report("mip.STIP set by M, delegated", 0, NO_EPC);
    run(U, 0, 0, (uint64_t)op_ecall, 0x16, 0, 0);
    report("mip.STIP delegated, pending on entry to U", 0, NO_EPC);
    CSRC(mip, STIP);
    run(S, 0, SIE_, (uint64_t)op_ecall, 0x17, 0, 0);
    report("mip.STIP cleared by M: no interrupt", 0, NO_EPC);

    /* Sstc: the comparison with stimecmp drives STIP. */
    CSRW(STIMECMP, ~0ull);
    CSRW(MENVCFG, STCE);
    CSRW(STIMECMP, *MTIME + 100);
    run(S, 0, SIE_, (uint64_t)op_wfi, 0x18, 0, 0);
    report("Sstc stimecmp written by M, delegated", 0, NO_EPC);
    CSRW(STIMECMP, ~0ull);
    CSRW(mcounteren, 2);
    run(S, 0, SIE_, (uint64_t)op_stimecmp, 0x19, *MTIME + 100, 0);
    report("Sstc stimecmp written by S", 0, NO_EPC);
    CSRW(STIMECMP, ~0ull);
    /* S-mode accesses to stimecmp are illegal without mcounteren.TM or without menvcfg.STCE. */
    CSRW(mcounteren, 0);
    t("Sstc stimecmp from S without mcounteren.TM", S, 0, SIE_, op_stimecmp, 0x1a, ~0ull, 0);
    CSRW(mcounteren, 2);
    CSRW(MENVCFG, 0);
    t("Sstc stimecmp from S without menvcfg.STCE", S, 0, SIE_, op_stimecmp, 0x1b, ~0ull, 0);
    /* With STCE on, mip.STIP follows stimecmp alone: M software's writes to it are ignored. */
    CSRW(mie, 0);
    CSRW(MENVCFG, STCE);
    CSRW(STIMECMP, ~0ull);
    CSRS(mip, STIP);
    puts_("    mip.STIP after M sets it with STCE on: "); hex((CSRR(mip) >> 5) & 1); putch('\n');
    CSRC(mip, STIP);
    CSRW(MENVCFG, 0);
    CSRW(mcounteren, 0);
    CSRW(mideleg, 0);
    CSRW(mie, 0);
}

static void plic(void) {
    label("UART transmitter-empty interrupt through the PLIC");
    PLIC_PRIO[UART_IRQ] = 1;
    *PLIC_STHRESH = 0;
    *PLIC_MTHRESH = 0;

    *PLIC_SENABLE = 1u << UART_IRQ;
    CSRW(mideleg, SEIP);
    CSRW(mie, SEIP);
    run(S, 0, SIE_, (uint64_t)op_uart_thri, (uint64_t)UART_BASE, 2, 0);
    report("S context, delegated SEI", 0, NO_EPC | CLAIM);
    *PLIC_SENABLE = 0;
    CSRW(mideleg, 0);

    *PLIC_MENABLE = 1u << UART_IRQ;
    CSRW(mie, MEIP);
    run(S, 0, 0, (uint64_t)op_uart_thri, (uint64_t)UART_BASE, 2, 0);
    report("M context, MEI while in S", 0, NO_EPC | CLAIM);
    *PLIC_MENABLE = 0;
    CSRW(mie, 0);
    UART_BASE[1] = 0;
    puts_("    claim after complete "); hex(*PLIC_MCLAIM); putch('\n');
}

static void fences(void) {
    uint64_t sv = satp_sv39();
    label("sfence.vma after a PTE change (results after the fence only)");
    l0[8] = pte(PAGE(8), PTE_V | PTE_R | PTE_A | PTE_D);
    t("remap page, sfence.vma addr", S, sv, 0, op_sfence, DATA(8), pte(PAGE(11), PTE_V | PTE_R | PTE_A | PTE_D), (uint64_t)&l0[8]);
    t("remap page, sfence.vma all", S, sv, 0, op_sfence_all, DATA(8), pte(PAGE(8), PTE_V | PTE_R | PTE_A | PTE_D), (uint64_t)&l0[8]);
    t("invalidate page, sfence.vma addr", S, sv, 0, op_sfence, DATA(8), 0, (uint64_t)&l0[8]);
    l0[8] = pte(PAGE(14), PTE_V | PTE_R | PTE_A | PTE_D);
    t("validated by M, sfence.vma in S", S, sv, 0, op_sfence_ld, DATA(8), 0, 0);
}

static void pmp(void) {
    uint64_t pg = PAGE(9);
    label("PMP: S-mode accesses checked against the entries, first match wins");
    /* Entry 0: NAPOT over test page 9, read-only; entry 1: all of memory. */
    CSRW(pmpaddr0, (pg >> 2) | 0x1ff);
    CSRW(pmpaddr1, ~0ull >> 10);
    CSRW(pmpcfg0, (0x1full << 8) | 0x19);
    t("load from a read-only PMP page", S, 0, 0, op_ld, pg + 0x100, 0, 0);
    t("store to a read-only PMP page", S, 0, 0, op_sd, pg + 0x100, 5, 0);
    /* Entry 1: top-of-range over the page (from entry 0's address), execute only. */
    CSRW(pmpaddr0, pg >> 2);
    CSRW(pmpaddr1, (pg + 4096) >> 2);
    CSRW(pmpaddr2, ~0ull >> 10);
    CSRW(pmpcfg0, (0x1full << 16) | (0x0cull << 8));
    t("load from an execute-only TOR range", S, 0, 0, op_ld, pg + 0x100, 0, 0);
    t("load just below the TOR range", S, 0, 0, op_ld, pg - 8, 0, 0);
    /* The snippet's own page readable but not executable. (With no entry at all QEMU 7.2
     * refuses the mret into S itself, an illegal instruction the spec does not ask for.) */
    CSRW(pmpaddr0, (((uint64_t)op_ld & ~0xfffull) >> 2) | 0x1ff);
    CSRW(pmpaddr1, ~0ull >> 10);
    CSRW(pmpcfg0, (0x1full << 8) | 0x19);
    t("fetch from a PMP page without X", S, 0, 0, op_ld, pg + 0x100, 0, 0);
    CSRW(pmpaddr0, ~0ull >> 10);
    CSRW(pmpcfg0, 0x1f);
}

int main(void) {
    CSRW(mtvec, mtrap);
    CSRW(stvec, strap);
    /* S and U may touch all of memory; with no PMP entry they may touch none. */
    CSRW(pmpaddr0, ~0ull >> 10);
    CSRW(pmpcfg0, 0x1f);
    CSRW(medeleg, 0);
    CSRW(mideleg, 0);
    CSRW(mie, 0);
    CSRW(mcounteren, 0);
    build_tables();
    puts_("smode tests\n");
    delegation();
    page_faults();
    superpages();
    accessed_dirty();
    mprv();
    timers();
    plic();
    fences();
    pmp();
    puts_("done\n");
    return 0;
}
