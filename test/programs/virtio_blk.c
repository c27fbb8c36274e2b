/* virtio-blk through the first virtio-mmio slot, in whichever transport version the device has:
 * the slots, the features and the configuration space; reads, writes and re-reads of sectors
 * with descriptor chains of several shapes and an indirect table; flush, get-id, discard,
 * write-zeroes, requests the device must refuse; a batch; interrupts through the PLIC,
 * suppressed by the available ring's flag and by event indexes; a broken driver and the reset
 * that recovers. Everything the device answers is printed, for comparison with QEMU; the
 * program also checks that what it read back is what it wrote. */
#include "virtio.h"

static uint8_t buf[4096] __attribute__((aligned(16)));
static uint8_t pattern[1024];
static struct blk_header hdr[4];
static volatile uint8_t status[4];
static struct desc table[4] __attribute__((aligned(16)));
static uint8_t combined[16 + 512] __attribute__((aligned(16)));
static uint64_t features;
static uint64_t capacity;
static int failures;

static void check(const char *what, int ok) {
    if (!ok) { puts_("CHECK FAILED: "); puts_(what); putch('\n'); failures++; }
}

static void fill(void *p, int v, unsigned n) { for (unsigned i = 0; i < n; i++) ((volatile uint8_t *)p)[i] = (uint8_t)v; }

/* One request as the classic three descriptors (header, data, status) at descriptor `d`. */
static void request3(int d, int slot, uint32_t type, uint64_t sector, void *data, uint32_t len, int device_writes) {
    hdr[slot].type = type; hdr[slot].reserved = 0; hdr[slot].sector = sector;
    status[slot] = 0xee;
    set_desc(d, &hdr[slot], sizeof hdr[slot], D_NEXT, d + 1);
    set_desc(d + 1, data, len, D_NEXT | (device_writes ? D_WRITE : 0), d + 2);
    set_desc(d + 2, &status[slot], 1, D_WRITE, 0);
}

/* Submit one chain and wait for it; prints the used element and the status byte. */
static void run(const char *name, int head, int slot, int irq) {
    uint16_t target = used->idx + 1;
    uint32_t before = irqs;
    submit(&head, 1);
    wait_used(target, irq, before);
    volatile struct used_elem *e = &used->ring[(target - 1) % QSIZE];
    puts_(name); puts_(": id "); putdec(e->id); puts_(" len "); putdec(e->len); puts_(" status "); putdec(status[slot]); putch('\n');
    check("used id is the head", e->id == (uint32_t)head);
}

static void print_bytes(const char *label, const volatile uint8_t *p, unsigned n) {
    puts_(label);
    for (unsigned i = 0; i < n; i++) { putch(' '); putch("0123456789abcdef"[p[i] >> 4]); putch("0123456789abcdef"[p[i] & 15]); }
    putch('\n');
}

static void slots(void) {
    for (int n = 0; n < 8; n++) {
        uintptr_t b = 0x10001000UL + 0x1000UL * n;
        puts_("slot "); putdec(n);
        puts_(" magic "); puthex(*(volatile uint32_t *)b);
        puts_(" version "); putdec(*(volatile uint32_t *)(b + 4));
        puts_(" device "); putdec(*(volatile uint32_t *)(b + 8));
        puts_(" vendor "); puthex(*(volatile uint32_t *)(b + 12));
        putch('\n');
    }
}

static void identify(void) {
    REG(R_DEV_FEATURES_SEL) = 0; say("features 0", REG(R_DEV_FEATURES));
    REG(R_DEV_FEATURES_SEL) = 1; say("features 1", REG(R_DEV_FEATURES));
    print_bytes("config", &CFG8(0), 64);
    capacity = *(volatile uint32_t *)(VIRTIO0 + 0x100) | (uint64_t)*(volatile uint32_t *)(VIRTIO0 + 0x104) << 32;
    say("capacity", capacity);
    say("capacity as one 64-bit read", *(volatile uint64_t *)(VIRTIO0 + 0x100));
    say("cylinders (16-bit read)", *(volatile uint16_t *)(VIRTIO0 + 0x110));
    say("blk_size (32-bit read)", *(volatile uint32_t *)(VIRTIO0 + 0x114));
    say("a byte read of a register", *(volatile uint8_t *)(VIRTIO0 + R_MAGIC));
    say("magic and version as one 64-bit read", *(volatile uint64_t *)(VIRTIO0 + R_MAGIC));
}

/* Legacy SCSI commands: too few buffers, then the shape the legacy interface gives them
 * (header and command block out; sense, SCSI status and status in). */
static void scsi(void) {
    request3(0, 0, T_SCSI, 0, buf, 512, 1);
    run("scsi command, too few buffers", 0, 0, 1);
    static uint8_t cdb[6];
    static uint32_t scsi_in[4];
    fill(scsi_in, 0x11, sizeof scsi_in);
    hdr[0].type = T_SCSI; hdr[0].sector = 0; status[0] = 0xee;
    set_desc(0, &hdr[0], 16, D_NEXT, 1);
    set_desc(1, cdb, sizeof cdb, D_NEXT, 2);
    set_desc(2, buf, 96, D_NEXT | D_WRITE, 3);
    set_desc(3, scsi_in, sizeof scsi_in, D_NEXT | D_WRITE, 4);
    set_desc(4, &status[0], 1, D_WRITE, 0);
    run("scsi command", 0, 0, 1);
    say("scsi errors", scsi_in[0]);
    say("scsi residual", scsi_in[3]);
}

static void data_requests(void) {
    /* get-id: a 20-byte buffer, prefilled so that what the device leaves alone shows. */
    fill(buf, 0xaa, 20);
    request3(0, 0, T_GET_ID, 0, buf, 20, 1);
    run("get-id", 0, 0, 1);
    print_bytes("id", buf, 20);

    /* Read sectors 0-3 with the usual three descriptors. */
    fill(buf, 0, 2048);
    request3(0, 0, T_IN, 0, buf, 2048, 1);
    run("read 0-3", 0, 0, 1);
    say("read 0-3 checksum", fnv(buf, 2048));
    print_bytes("sector 0 begins", buf, 16);
    print_bytes("sector 0 ends", buf + 496, 16);

    /* Write sectors 8-9 from two data descriptors: header, 512, 512, status. */
    for (int i = 0; i < 1024; i++) pattern[i] = (uint8_t)(i * 7 + 3);
    hdr[1].type = T_OUT; hdr[1].reserved = 0; hdr[1].sector = 8; status[1] = 0xee;
    set_desc(4, &hdr[1], 16, D_NEXT, 5);
    set_desc(5, pattern, 512, D_NEXT, 6);
    set_desc(6, pattern + 512, 512, D_NEXT, 7);
    set_desc(7, &status[1], 1, D_WRITE, 0);
    run("write 8-9 in two pieces", 4, 1, 1);

    /* Read them back through an indirect table: one descriptor in the ring, three in the table. */
    fill(buf, 0, 1024);
    hdr[2].type = T_IN; hdr[2].reserved = 0; hdr[2].sector = 8; status[2] = 0xee;
    table[0] = (struct desc){ (uintptr_t)&hdr[2], 16, D_NEXT, 1 };
    table[1] = (struct desc){ (uintptr_t)buf, 1024, D_NEXT | D_WRITE, 2 };
    table[2] = (struct desc){ (uintptr_t)&status[2], 1, D_WRITE, 0 };
    set_desc(9, table, 3 * sizeof(struct desc), D_INDIRECT, 0);
    run("read 8-9 through an indirect table", 9, 2, 1);
    int same = 1;
    for (int i = 0; i < 1024; i++) if (buf[i] != pattern[i]) same = 0;
    check("sectors 8-9 read back as written", same);
    say("read back 8-9 checksum", fnv(buf, 1024));

    /* Header and data in one descriptor; then data and status in one. */
    struct blk_header *h = (struct blk_header *)combined;
    h->type = T_OUT; h->reserved = 0; h->sector = 12;
    for (int i = 0; i < 512; i++) combined[16 + i] = (uint8_t)(255 - i);
    status[0] = 0xee;
    set_desc(0, combined, sizeof combined, D_NEXT, 1);
    set_desc(1, &status[0], 1, D_WRITE, 0);
    run("write 12, header and data together", 0, 0, 1);
    hdr[0].type = T_IN; hdr[0].sector = 12;
    fill(buf, 0xee, 513);
    set_desc(0, &hdr[0], 16, D_NEXT, 1);
    set_desc(1, buf, 513, D_WRITE, 0);
    uint16_t target = used->idx + 1;
    uint32_t before = irqs;
    int head = 0;
    submit(&head, 1);
    wait_used(target, 1, before);
    puts_("read 12, data and status together: len "); putdec(used->ring[(target - 1) % QSIZE].len);
    puts_(" status "); putdec(buf[512]); putch('\n');
    check("sector 12 read back as written", fnv(buf, 512) == fnv(combined + 16, 512));

    request3(0, 0, T_FLUSH, 0, buf, 0, 1);
    set_desc(0, &hdr[0], 16, D_NEXT, 2); /* a flush has no data: header and status only */
    run("flush", 0, 0, 1);

    /* Requests the device must refuse. */
    request3(0, 0, T_IN, capacity - 1, buf, 1024, 1);
    run("read past the end", 0, 0, 1);
    request3(0, 0, T_IN, 0, buf, 100, 1);
    run("read of 100 bytes", 0, 0, 1);
    request3(0, 0, 0x55, 0, buf, 512, 1);
    run("unknown request type", 0, 0, 1);
    if (legacy) scsi();
}

/* A discard or write-zeroes segment: sector, count, flags. */
static struct { uint64_t sector; uint32_t count, flags; } seg;

static void zero_and_discard(void) {
    if (!(features & F(F_WRITE_ZEROES)) || !(features & F(F_DISCARD))) { puts_("no discard or write-zeroes\n"); return; }
    seg.sector = 16; seg.count = 4; seg.flags = 0;
    request3(0, 0, T_WRITE_ZEROES, 0, &seg, sizeof seg, 0);
    run("write zeroes 16-19", 0, 0, 1);
    fill(buf, 0xee, 2048);
    request3(0, 0, T_IN, 16, buf, 2048, 1);
    run("read 16-19", 0, 0, 1);
    int zero = 1;
    for (int i = 0; i < 2048; i++) if (buf[i]) zero = 0;
    check("16-19 read as zero", zero);

    request3(0, 0, T_IN, 20, buf, 512, 1);
    run("read 20", 0, 0, 1);
    uint64_t before = fnv(buf, 512);
    seg.sector = 20; seg.count = 1; seg.flags = 0;
    request3(0, 0, T_DISCARD, 0, &seg, sizeof seg, 0);
    run("discard 20", 0, 0, 1);
    request3(0, 0, T_IN, 20, buf, 512, 1);
    run("read 20 again", 0, 0, 1);
    say("sector 20 unchanged by discard", fnv(buf, 512) == before);

    seg.flags = 1;
    request3(0, 0, T_DISCARD, 0, &seg, sizeof seg, 0);
    run("discard with unmap", 0, 0, 1);
    seg.flags = 2;
    request3(0, 0, T_WRITE_ZEROES, 0, &seg, sizeof seg, 0);
    run("write zeroes with an unknown flag", 0, 0, 1);
    seg.flags = 0; seg.sector = capacity;
    request3(0, 0, T_WRITE_ZEROES, 0, &seg, sizeof seg, 0);
    run("write zeroes past the end", 0, 0, 1);
}

/* Three reads made available together, answered in any order. */
static void batch(void) {
    static uint8_t out[3][512];
    int heads[3] = { 0, 4, 8 };
    for (int i = 0; i < 3; i++) request3(heads[i], i, T_IN, 1 + i, out[i], 512, 1);
    uint16_t target = used->idx + 3;
    uint32_t before = irqs;
    submit(heads, 3);
    wait_used(target, 1, before);
    for (int i = 0; i < 3; i++) { puts_("batch read "); putdec(1 + i); puts_(" status "); putdec(status[i]); say(" checksum", fnv(out[i], 512)); }
    check("batch sector 1 is buf's second sector", fnv(out[0], 512) != 0);
}

/* The driver asks for no interrupt: the used ring advances, the interrupt status stays clear. */
static void no_interrupt(void) {
    avail->flags = 1;
    uint32_t before = irqs;
    request3(0, 0, T_IN, 5, buf, 512, 1);
    run("read with interrupts suppressed", 0, 0, 0);
    settle();
    say("interrupt status", REG(R_ISR));
    say("interrupts taken", irqs - before);
    avail->flags = 0;
}

static void writeback(void) {
    say("writeback", CFG8(32));
    CFG8(32) = 0;
    say("writeback after writing 0", CFG8(32));
    CFG8(32) = 7;
    say("writeback after writing 7", CFG8(32));
    say("config generation", REG(R_CONFIG_GEN));
}

/* Under EVENT_IDX the driver says after which used index it wants the next interrupt. */
static void event_index(void) {
    features = virtio_init(F(F_EVENT_IDX) | F(F_INDIRECT) | F(F_FLUSH) | F(F_VERSION_1));
    say("negotiated", features);
    avail->used_event = 0;
    request3(0, 0, T_IN, 1, buf, 512, 1);
    run("first read", 0, 0, 1);
    say("avail_event", used->avail_event);
    avail->used_event = 100;
    uint32_t before = irqs;
    request3(0, 0, T_IN, 2, buf, 512, 1);
    run("read with used_event far ahead", 0, 0, 0);
    settle();
    say("interrupt status", REG(R_ISR));
    say("interrupts taken", irqs - before);
    avail->used_event = used->idx; /* interrupt when the next one is used */
    request3(0, 0, T_IN, 3, buf, 512, 1);
    run("read with used_event at the next", 0, 0, 1);
    say("avail_event", used->avail_event);
}

/* A zero-length descriptor breaks the rules: the device stops (modern drivers are told through
 * DEVICE_NEEDS_RESET and a configuration interrupt); a reset makes it work again. */
static void broken_driver(void) {
    uint32_t before = irqs;
    isr_seen = 0;
    request3(0, 0, T_IN, 1, buf, 0, 1);
    int head = 0;
    uint16_t idx = used->idx;
    submit(&head, 1);
    if (!legacy) wait_used(idx, 1, before);
    settle();
    say("status after a zero-length descriptor", REG(R_STATUS));
    say("interrupt status seen", isr_seen);
    say("used index moved", used->idx != idx);
    request3(0, 0, T_IN, 1, buf, 512, 1);
    submit(&head, 1);
    settle();
    say("a broken device ignores requests", used->idx == idx);
    REG(R_STATUS) = 0;
    say("status after reset", REG(R_STATUS));
    say("interrupt status after reset", REG(R_ISR));
    if (!legacy) say("queue ready after reset", REG(R_QUEUE_READY));
    else say("queue pfn after reset", REG(R_QUEUE_PFN));
    features = virtio_init(F(F_INDIRECT) | F(F_VERSION_1));
    request3(0, 0, T_IN, 8, buf, 1024, 1);
    run("read 8-9 after the reset", 0, 0, 1);
    check("sectors 8-9 still read as written", fnv(buf, 1024) == fnv(pattern, 1024));
}

int main(void) {
    interrupts_init();
    slots();
    identify();
    features = virtio_init(F(F_SEG_MAX) | F(F_BLK_SIZE) | F(F_FLUSH) | F(F_CONFIG_WCE) | F(F_DISCARD) | F(F_WRITE_ZEROES)
                           | F(F_INDIRECT) | F(F_VERSION_1));
    say("negotiated", features);
    data_requests();
    zero_and_discard();
    batch();
    no_interrupt();
    writeback();
    event_index();
    broken_driver();
    say("interrupts", irqs > 0);
    puts_(failures ? "virtio-blk: FAILED\n" : "virtio-blk: all checks passed\n");
    return failures;
}
