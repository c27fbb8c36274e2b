# Trap entry points, the M-mode "enter and come back" switch, the little code snippets the cases
# run in S- or U-mode, and the pages the page tables point at.
#
# Every run ends in a trap: an M-mode trap returns to the caller of enter() through resume(),
# and an S-mode trap records itself and then escapes to M-mode (see strap) so it ends the same way.
#include "smode.h"

    .section .text
    .globl enter, resume, mtrap, strap

# void enter(uint64_t pc, const uint64_t args[4]): mret to pc (mode taken from mstatus.MPP,
# which the caller set) with a0..a3 from args; "returns" when resume() is called.
enter:
    la      t0, saved_ctx
    sd      ra, 0(t0)
    sd      sp, 8(t0)
    sd      s0, 16(t0)
    sd      s1, 24(t0)
    sd      s2, 32(t0)
    sd      s3, 40(t0)
    sd      s4, 48(t0)
    sd      s5, 56(t0)
    sd      s6, 64(t0)
    sd      s7, 72(t0)
    sd      s8, 80(t0)
    sd      s9, 88(t0)
    sd      s10, 96(t0)
    sd      s11, 104(t0)
    sd      gp, 112(t0)
    sd      tp, 120(t0)
    csrw    mepc, a0
    # Each trap handler starts on its own stack, fresh for every run.
    la      t0, mstack_top
    csrw    mscratch, t0
    la      t0, sstack_top
    csrw    sscratch, t0
    mv      t0, a1
    ld      a0, 0(t0)
    ld      a1, 8(t0)
    ld      a2, 16(t0)
    ld      a3, 24(t0)
    li      t0, 0
    mret

resume:
    la      t0, saved_ctx
    ld      ra, 0(t0)
    ld      sp, 8(t0)
    ld      s0, 16(t0)
    ld      s1, 24(t0)
    ld      s2, 32(t0)
    ld      s3, 40(t0)
    ld      s4, 48(t0)
    ld      s5, 56(t0)
    ld      s6, 64(t0)
    ld      s7, 72(t0)
    ld      s8, 80(t0)
    ld      s9, 88(t0)
    ld      s10, 96(t0)
    ld      s11, 104(t0)
    ld      gp, 112(t0)
    ld      tp, 120(t0)
    ret

.macro SAVE_FRAME scratch
    csrrw   sp, \scratch, sp
    addi    sp, sp, -256
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\r, (\r*8)(sp)
    .endr
    csrr    t0, \scratch
    sd      t0, 16(sp)
    mv      a0, sp
.endm

    .balign 4
mtrap:
    SAVE_FRAME mscratch
    call    m_trap              # never returns: it ends with resume()
1:  j       1b

    .balign 4
strap:
    SAVE_FRAME sscratch
    call    s_trap              # returns how to escape to M-mode
    # An ecall from S escapes, unless the case delegates ecalls from S to S itself; then an
    # M-only CSR access does (the driver never delegates both).
    bnez    a0, 1f
    li      a7, ESCAPE_MAGIC
    ecall
1:  csrr    t0, mscratch
2:  j       2b

# ---- snippets: a0..a3 are the run's arguments; success ends with ecall, a0 the result -----------
    .globl op_ld, op_lw, op_sd, op_jr, op_ecall, op_ebreak, op_csr, op_unimp, op_lrd
    .globl op_mprv_ld, op_mprv_sd, op_sfence, op_sfence_all, op_sfence_ld, op_wfi, op_spin, op_uart_thri, op_stimecmp
    .balign 4
op_ld:  ld      a0, 0(a0)
        ecall
op_lw:  lw      a0, 0(a0)
        ecall
op_sd:  sd      a1, 0(a0)
        ld      a0, 0(a0)
        ecall
op_jr:  jr      a0
op_ecall:
        ecall
op_ebreak:
        ebreak
op_csr: csrr    a0, mscratch
        ecall
op_unimp:
        .option push
        .option norvc
        unimp
        .option pop
op_lrd: lr.d    a0, (a0)
        ecall
# M-mode only: a2 holds the mstatus bits (MPRV, MPP, SUM, MXR) for the one access.
op_mprv_ld:
        csrs    mstatus, a2
        ld      a0, 0(a0)
        csrc    mstatus, a2
        ecall
op_mprv_sd:
        csrs    mstatus, a2
        sd      a1, 0(a0)
        ld      a0, 0(a0)
        csrc    mstatus, a2
        ecall
# Prime the TLB with the old mapping of a0, store the new PTE a1 at physical (identity) a2, fence.
op_sfence:
        ld      t0, 0(a0)
        sd      a1, 0(a2)
        sfence.vma a0
        ld      a0, 0(a0)
        ecall
op_sfence_all:
        ld      t0, 0(a0)
        sd      a1, 0(a2)
        sfence.vma
        ld      a0, 0(a0)
        ecall
op_sfence_ld:
        sfence.vma
        ld      a0, 0(a0)
        ecall
op_wfi: wfi
        j       op_wfi
# U-mode may not wait in wfi (it is illegal there unless it completes quickly).
op_spin:
        j       op_spin
op_uart_thri:
        sb      a1, 1(a0)
1:      wfi
        j       1b
op_stimecmp:
        csrw    0x14d, a1
1:      wfi
        j       1b

# ---- the test pages: code at offset 0 (a0 = 0x100 + page number, then ecall), data at 0x100 --
    .section .text.pages, "ax"
    .globl tpages
    .balign 4096
tpages:
    .set    pgno, 0
    .rept   NPAGES
    .balign 4096
    .option push
    .option norvc
    li      a0, 0x100 + pgno
    ecall
    .option pop
    .balign 256
    .dword  0xd0d0d0d000000000 + pgno
    .dword  0x1122334455667788
    .set    pgno, pgno + 1
    .endr
    .balign 4096

    .section .bss
    .balign 16
saved_ctx:
    .space  128
    .balign 16
    .space  4096
mstack_top:
    .space  4096
sstack_top:
