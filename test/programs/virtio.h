/* A small virtio-blk driver for bare test programs (-bios none, M-mode, one hart) on the device
 * in the first virtio-mmio slot: either transport version (the program asks the device which
 * it is), one queue of QSIZE descriptors, completion through the PLIC's interrupt. Programs
 * build requests from descriptors themselves, so that they choose the chain's shape. */
#ifndef VIRTIO_H
#define VIRTIO_H
#include <stdint.h>
#include "bare.h"

#define VIRTIO0 0x10001000UL
#define REG(off) (*(volatile uint32_t *)(VIRTIO0 + (off)))
#define CFG8(off) (*(volatile uint8_t *)(VIRTIO0 + 0x100 + (off)))

enum {
    R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR = 0x00c,
    R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014, R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
    R_GUEST_PAGE_SIZE = 0x028, R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
    R_QUEUE_ALIGN = 0x03c, R_QUEUE_PFN = 0x040, R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
    R_ISR = 0x060, R_ISR_ACK = 0x064, R_STATUS = 0x070,
    R_DESC_LO = 0x080, R_DESC_HI = 0x084, R_AVAIL_LO = 0x090, R_AVAIL_HI = 0x094, R_USED_LO = 0x0a0, R_USED_HI = 0x0a4,
    R_CONFIG_GEN = 0x0fc,
};
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_NEEDS_RESET = 0x40 };
#define F(n) (1ULL << (n))
enum {
    F_SEG_MAX = 2, F_GEOMETRY = 4, F_RO = 5, F_BLK_SIZE = 6, F_SCSI = 7, F_FLUSH = 9, F_TOPOLOGY = 10,
    F_CONFIG_WCE = 11, F_DISCARD = 13, F_WRITE_ZEROES = 14, F_NOTIFY_ON_EMPTY = 24, F_INDIRECT = 28,
    F_EVENT_IDX = 29, F_VERSION_1 = 32,
};
enum { D_NEXT = 1, D_WRITE = 2, D_INDIRECT = 4 };
enum { T_IN = 0, T_OUT = 1, T_SCSI = 2, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13 };

#define QSIZE 16
struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[QSIZE], used_event; };
struct used_elem { uint32_t id, len; };
struct used { uint16_t flags, idx; struct used_elem ring[QSIZE]; uint16_t avail_event; };
struct blk_header { uint32_t type, reserved; uint64_t sector; };

/* Two pages: the legacy layout puts descriptors and the available ring in the first and the
 * used ring at the second (QueueAlign 4096); the modern one places each ring where it likes. */
static uint8_t queue_mem[8192] __attribute__((aligned(4096)));
static volatile struct desc *desc;
static volatile struct avail *avail;
static volatile struct used *used;
static int legacy;
static volatile uint32_t irqs, isr_seen;

static inline void fence(void) { __sync_synchronize(); }
static inline void mie_on(void) { asm volatile("csrsi mstatus, 8"); }
static inline void mie_off(void) { asm volatile("csrci mstatus, 8"); }

#define PLIC_PRIORITY(n) (*(volatile uint32_t *)(0x0c000000UL + 4 * (n)))
#define PLIC_ENABLE0 (*(volatile uint32_t *)0x0c002000UL)
#define PLIC_THRESHOLD0 (*(volatile uint32_t *)0x0c200000UL)
#define PLIC_CLAIM0 (*(volatile uint32_t *)0x0c200004UL)

static void say(const char *label, uint64_t v) { puts_(label); putch(' '); puthex(v); putch('\n'); }

void __attribute__((interrupt("machine"), aligned(4))) virtio_trap(void) {
    uint64_t cause, epc;
    asm volatile("csrr %0, mcause" : "=r"(cause));
    asm volatile("csrr %0, mepc" : "=r"(epc));
    if (cause != (1ULL << 63 | 11)) { say("unexpected trap", cause); say("mepc", epc); exit(3); }
    uint32_t id = PLIC_CLAIM0;
    if (id == 1) {
        uint32_t isr = REG(R_ISR);
        isr_seen |= isr;
        REG(R_ISR_ACK) = isr;
        irqs++;
    }
    PLIC_CLAIM0 = id;
}

/* Machine external interrupts from PLIC source 1 (the first slot) into virtio_trap. */
static void interrupts_init(void) {
    asm volatile("csrw mtvec, %0" :: "r"(virtio_trap));
    PLIC_PRIORITY(1) = 1;
    PLIC_ENABLE0 = 1u << 1;
    PLIC_THRESHOLD0 = 0;
    asm volatile("csrs mie, %0" :: "r"(1 << 11));
    mie_on();
}

/* Reset, negotiate `want` (what the device offers of it), set the queue up, DRIVER_OK. */
static uint64_t virtio_init(uint64_t want) {
    legacy = REG(R_VERSION) == 1;
    REG(R_STATUS) = 0;
    REG(R_STATUS) = S_ACK;
    REG(R_STATUS) = S_ACK | S_DRIVER;
    REG(R_DEV_FEATURES_SEL) = 0;
    uint64_t offered = REG(R_DEV_FEATURES);
    REG(R_DEV_FEATURES_SEL) = 1;
    offered |= (uint64_t)REG(R_DEV_FEATURES) << 32;
    uint64_t use = offered & want;
    REG(R_DRV_FEATURES_SEL) = 0;
    REG(R_DRV_FEATURES) = (uint32_t)use;
    REG(R_DRV_FEATURES_SEL) = 1;
    REG(R_DRV_FEATURES) = (uint32_t)(use >> 32);
    if (!legacy) {
        REG(R_STATUS) = S_ACK | S_DRIVER | S_FEATURES_OK;
        say("status after FEATURES_OK", REG(R_STATUS));
    }
    for (unsigned i = 0; i < sizeof queue_mem; i++) queue_mem[i] = 0;
    REG(R_QUEUE_SEL) = 0;
    say("queue num max", REG(R_QUEUE_NUM_MAX));
    REG(R_QUEUE_NUM) = QSIZE;
    desc = (volatile struct desc *)queue_mem;
    if (legacy) {
        avail = (volatile struct avail *)(queue_mem + QSIZE * sizeof(struct desc));
        used = (volatile struct used *)(queue_mem + 4096);
        REG(R_GUEST_PAGE_SIZE) = 4096;
        REG(R_QUEUE_ALIGN) = 4096;
        REG(R_QUEUE_PFN) = (uint32_t)((uintptr_t)queue_mem >> 12);
        say("queue pfn", REG(R_QUEUE_PFN) == (uintptr_t)queue_mem >> 12);
    } else {
        say("queue ready before", REG(R_QUEUE_READY));
        avail = (volatile struct avail *)(queue_mem + 2048);
        used = (volatile struct used *)(queue_mem + 4096 + 512);
        REG(R_DESC_LO) = (uint32_t)(uintptr_t)desc; REG(R_DESC_HI) = 0;
        REG(R_AVAIL_LO) = (uint32_t)(uintptr_t)avail; REG(R_AVAIL_HI) = 0;
        REG(R_USED_LO) = (uint32_t)(uintptr_t)used; REG(R_USED_HI) = 0;
        REG(R_QUEUE_READY) = 1;
        say("queue ready", REG(R_QUEUE_READY));
    }
    REG(R_STATUS) = S_ACK | S_DRIVER | (legacy ? 0 : S_FEATURES_OK) | S_DRIVER_OK;
    say("status", REG(R_STATUS));
    return use;
}

static void set_desc(int i, const volatile void *addr, uint32_t len, uint16_t flags, uint16_t next) {
    desc[i].addr = (uintptr_t)addr;
    desc[i].len = len;
    desc[i].flags = flags;
    desc[i].next = next;
}

/* Make chains available (their heads) and notify once. */
static void submit(const int *heads, int n) {
    for (int i = 0; i < n; i++) avail->ring[(avail->idx + i) % QSIZE] = (uint16_t)heads[i];
    fence();
    avail->idx += (uint16_t)n;
    fence();
    REG(R_QUEUE_NOTIFY) = 0;
}

/* Wait until the used index reaches `target` and, if `irq`, an interrupt has come for it.
 * Interrupts are masked between the check and wfi, so one cannot slip in between. */
static void wait_used(uint16_t target, int irq, uint32_t irqs_before) {
    for (;;) {
        mie_off();
        fence();
        if (used->idx == target && (!irq || irqs != irqs_before)) break;
        if (irq) asm volatile("wfi");
        mie_on();
    }
    mie_on();
}

/* Long enough for a completion that was going to interrupt to have done so. */
static inline void settle(void) { for (volatile int i = 0; i < 200000; i++) {} }

static inline uint64_t fnv(const volatile uint8_t *p, unsigned n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ULL; }
    return h;
}
#endif
