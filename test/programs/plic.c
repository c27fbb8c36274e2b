/* The PLIC as QEMU 7.2 models it, driven by the UART's transmit-empty interrupt in M-mode:
 * a line held high interrupts once and not again after completion until its device signals
 * anew (xv6 depends on this: it never reads IIR); a claimed source is passed over while a new
 * signal marks it pending; reading IIR lowers the line, but a request already pending stays
 * pending until claimed (QEMU 7.2.22); the threshold and priority 0 mask a
 * source. Each phase counts the interrupts it took; prints happen with interrupts off. */
#include "bare.h"

#define PLIC_PRIORITY(s) ((volatile uint32_t *)(0x0c000000ul + 4 * (s)))
#define PLIC_PENDING ((volatile uint32_t *)0x0c001000ul)
#define PLIC_ENABLE ((volatile uint32_t *)0x0c002000ul)      /* context 0: hart 0, M-mode */
#define PLIC_THRESHOLD ((volatile uint32_t *)0x0c200000ul)
#define PLIC_CLAIM ((volatile uint32_t *)0x0c200004ul)
#define UART_IRQ 10
#define IER_THRI 0x02

enum mode { JUST_COMPLETE, RESIGNAL_WHILE_CLAIMED, READ_IIR };
static volatile enum mode mode;
static volatile uint32_t taken, last_id, reclaim, pending_seen, resignals;

void __attribute__((interrupt("machine"), aligned(4))) on_trap(void) {
    uint64_t cause;
    asm volatile("csrr %0, mcause" : "=r"(cause));
    if (cause != ((1ull << 63) | 11)) { puts_("unexpected trap\n"); exit(1); }
    uint32_t id = *PLIC_CLAIM;
    taken++;
    last_id = id;
    if (mode == RESIGNAL_WHILE_CLAIMED && resignals < 3) {
        resignals++;
        UART_BASE[1] = 0;          /* IER changes: the UART signals its line low, */
        UART_BASE[1] = IER_THRI;   /* then high again: pending, but the source is claimed */
        reclaim |= *PLIC_CLAIM;    /* so a second claim finds nothing */
        pending_seen |= (*PLIC_PENDING >> UART_IRQ) & 1;
    } else if (mode != JUST_COMPLETE) {
        (void)UART_BASE[2];        /* IIR names THRI, and reading it clears it: the line drops */
    }
    *PLIC_CLAIM = id;
}

static void spin(void) { for (volatile int i = 0; i < 20000; i++) {} }
static void interrupts(int on) {
    if (on) asm volatile("csrs mstatus, 8"); else asm volatile("csrc mstatus, 8");
}
static void report(const char *phase) {
    interrupts(0);
    UART_BASE[1] = 0;
    puts_(phase); puts_(": taken "); putdec(taken); puts_(" id "); putdec(last_id);
    puts_(" reclaim "); putdec(reclaim); puts_(" pending-while-claimed "); putdec(pending_seen);
    puts_(" pending now "); putdec((*PLIC_PENDING >> UART_IRQ) & 1); putch('\n');
    taken = last_id = reclaim = pending_seen = 0;
}
static void phase(enum mode m) {
    mode = m;
    interrupts(1);
    UART_BASE[1] = IER_THRI;
    spin();
}

int main(void) {
    asm volatile("csrw mtvec, %0" :: "r"(on_trap));
    *PLIC_PRIORITY(UART_IRQ) = 1;
    *PLIC_ENABLE = 1u << UART_IRQ;
    *PLIC_THRESHOLD = 0;
    asm volatile("csrs mie, %0" :: "r"(1ul << 11));

    phase(JUST_COMPLETE);            report("held high");
    phase(RESIGNAL_WHILE_CLAIMED);   report("re-signalled while claimed");
    phase(READ_IIR);                 report("IIR read");

    *PLIC_THRESHOLD = 1;             /* priority 1 does not exceed threshold 1 */
    phase(READ_IIR);                 report("threshold 1");
    interrupts(0);
    UART_BASE[1] = IER_THRI;
    puts_("claim under the threshold: "); putdec(*PLIC_CLAIM); putch('\n');
    UART_BASE[1] = 0;
    *PLIC_THRESHOLD = 0;
    phase(READ_IIR);                 report("threshold 0 again");

    *PLIC_PRIORITY(UART_IRQ) = 0;    /* priority 0: never interrupts */
    phase(READ_IIR);                 report("priority 0");
    return 0;
}
