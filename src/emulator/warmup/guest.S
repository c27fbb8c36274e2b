# The warm-up guest (warmup.ts): a few thousand instructions that take each path the
# interpreter and the dispatcher have in a kernel's boot once, on a scratch machine, so that V8
# has seen every one of them before it first optimizes them for the user's kernel. Entered in
# S-mode under the built-in SBI, as Chronos OS is: its own trap handler, SV39 with gigapages,
# the UART's registers, loads and stores of every width, branches taken and not, calls, compressed code, AMOs,
# page faults, SBI calls, timer interrupts (one in running code, one in wfi), blocks found again
# after a fence, and an instruction across a page.
# `scripts/warmupGuest.mjs` assembles it into guestImage.ts.
	.option norvc
	# Past the image, in RAM left zero (the image is entered at a page boundary).
	.equ	ROOT, 0x2000		# the root page table
	.equ	DATA, 0x3000		# what the loads and stores use
	.equ	TICKED, 0x3040		# counted by the timer interrupt's handler
	.equ	SAVE, 0x3080		# where it saves the registers it uses
	.text
	.globl _start
_start:
	la	t0, trap
	csrw	stvec, t0
	# The root page table: the gigabyte at 0x80000000 mapped onto itself as a gigapage (V R W X
	# A D), and again at 0xffffffffc0000000, where the same code has other virtual addresses
	# with a high half a kernel's has (0xffffffff: not one of V8's small integers, as a Block's
	# `hi`; a field first given small ones changes its maps when a kernel runs, which throws
	# away the interpreter's code). The devices' gigabyte at 0 onto itself (V R W A D).
	la	t1, _start + ROOT
	li	t2, (0x80000000 >> 12 << 10) | 0xcf
	sd	t2, 16(t1)
	li	t3, 511 * 8
	add	t3, t1, t3
	sd	t2, 0(t3)
	li	t2, 0xc7
	sd	t2, 0(t1)
	srli	t1, t1, 12
	li	t2, 8 << 60
	or	t1, t1, t2
	csrw	satp, t1
	sfence.vma
	rdtime	s1			# a CSR number with bit 31 set
	la	a0, _start + DATA
	li	a1, 40
	jal	ra, work

	# The UART's registers written as a kernel's console driver does (not the transmit
	# register: nothing is printed): until a field of the UART is first written V8 takes it for
	# a constant in the code it inlines the slow path of a store into (the interpreter's).
	li	a4, 0x10000000
	lbu	t0, 5(a4)		# the line status
	li	t0, 0x80
	sb	t0, 3(a4)		# the divisor latch
	li	t0, 1
	sb	t0, 0(a4)
	sb	zero, 1(a4)
	li	t0, 3
	sb	t0, 3(a4)		# 8 bits, no parity
	li	t0, 7
	sb	t0, 2(a4)		# the FIFOs on and cleared
	li	t0, 2
	sb	t0, 1(a4)		# the transmit interrupt on, then off
	sb	zero, 1(a4)
	li	t0, 0xb
	sb	t0, 4(a4)
	sb	t0, 7(a4)
	lbu	t0, 2(a4)

	# A page fault at each inline load and store (the handler skips the instruction).
	li	a4, 0x40000000		# not mapped
	ld	t0, 0(a4)
	lw	t0, 0(a4)
	lwu	t0, 0(a4)
	lbu	t0, 0(a4)
	sd	t0, 0(a4)
	sw	t0, 0(a4)
	sb	t0, 0(a4)
	lh	t0, 0(a4)
	lhu	t0, 0(a4)
	lb	t0, 0(a4)
	sh	t0, 0(a4)
	ebreak				# a breakpoint exception, also skipped

	# Each inline load and store through its slow path once and on (a fence empties the TLB,
	# the slow path fills it again): the interpreter's switch has these paths inline.
	la	a4, _start + DATA
	sfence.vma
	ld	t0, 0(a4)
	sfence.vma
	lw	t0, 0(a4)
	sfence.vma
	lwu	t0, 0(a4)
	sfence.vma
	lbu	t0, 0(a4)
	sfence.vma
	sd	t0, 0(a4)
	sfence.vma
	sw	t0, 0(a4)
	sfence.vma
	sb	t0, 0(a4)
	sfence.vma
	lh	t0, 0(a4)
	sfence.vma
	lhu	t0, 0(a4)
	sfence.vma
	lb	t0, 0(a4)
	sfence.vma
	sh	t0, 0(a4)

	# The work again with a timer interrupt due in it (sbi_set_timer(now + 200), STIE, SIE),
	# then after a fence (blocks found again by their physical address).
	rdtime	a0
	addi	a0, a0, 200
	li	a7, 0x54494d45
	li	a6, 0
	ecall
	li	t0, 1 << 5
	csrs	sie, t0
	csrsi	sstatus, 2
	la	a0, _start + DATA
	li	a1, 20
	jal	ra, work
	sfence.vma
	li	a1, 4
	jal	ra, work
	# The work at its other address: its blocks share their code, and their place in the
	# dispatcher's front table, with the ones above; then here again after a fence.
	la	t0, work
	li	t1, 0xffffffffc0000000 - 0x80000000
	add	t0, t0, t1
	li	a1, 2
	jalr	ra, t0
	sfence.vma
	li	a1, 2
	jal	ra, work

	# A timer interrupt waited for in wfi (the first may not have come yet: this one replaces it).
	la	s2, _start + TICKED
	ld	s5, 0(s2)
	rdtime	a0
	addi	a0, a0, 100
	li	a7, 0x54494d45
	li	a6, 0
	ecall
2:	wfi
	ld	t0, 0(s2)
	beq	t0, s5, 2b
	csrci	sstatus, 2

	# Across a page: the instruction at the page's last two bytes, twice, with a fence between.
	li	s3, 2
	j	straddle

	# The loop of a1 rounds over the data at a0.
work:	mv	s4, ra
loop:
	# The kinds the interpreter runs inline (interpreter.ts INLINED).
	addi	t0, t0, 1
	addiw	t1, t0, 3
	add	t2, t0, t1
	sub	t2, t2, t1
	and	t3, t2, t1
	andi	t3, t3, 0xff
	or	t4, t3, t2
	ori	t4, t4, 1
	xor	t5, t4, t0
	slli	t5, t5, 3
	srli	t5, t5, 1
	srai	t5, t5, 1
	slli	t6, t5, 32		# the shifts by 32 and more (the halves' other path)
	srli	t6, t6, 33
	srai	t6, t6, 40
	addw	t1, t0, t2
	subw	t1, t1, t0
	slliw	t4, t1, 2
	srliw	t4, t4, 1
	sraiw	t4, t4, 1
	sltu	t3, t2, t1
	sltiu	t3, t2, 5
	sltiu	t3, t2, -1
	lui	t6, 0x12345
	auipc	t6, 0
	ld	t3, 0(a0)
	lw	t4, 8(a0)
	lwu	t4, 12(a0)
	lh	t4, 18(a0)
	lhu	t4, 20(a0)
	lb	t5, 17(a0)
	lbu	t5, 16(a0)
	sd	t2, 24(a0)
	sw	t2, 32(a0)
	sh	t2, 22(a0)
	sb	t2, 40(a0)
	# Each branch taken on every other round, so both of its exits run.
	andi	s0, a1, 1
	beq	s0, zero, 1f
	addi	t0, t0, 1
1:	bne	s0, zero, 1f
	addi	t0, t0, 1
1:	blt	zero, s0, 1f
	addi	t0, t0, 1
1:	bge	zero, s0, 1f
	addi	t0, t0, 1
1:	bltu	zero, s0, 1f
	addi	t0, t0, 1
1:	bgeu	zero, s0, 1f
	addi	t0, t0, 1
1:	jal	ra, leaf
	# Kinds with a handler of their own that every kernel runs.
	sll	t2, t1, s0
	srl	t2, t2, s0
	sra	t2, t2, s0
	slt	t3, t2, t1
	slti	t3, t2, 5
	sllw	t4, t4, s0
	srlw	t4, t4, s0
	sraw	t4, t4, s0
	xori	t4, t4, 3
	mul	t5, t0, t1
	mulw	t5, t5, t1
	mulhu	t5, t5, t1
	addi	t6, s0, 1
	div	t5, t5, t6
	divu	t5, t5, t6
	rem	t5, t5, t6
	remu	t5, t5, t6
	divw	t5, t5, t6
	divuw	t5, t5, t6
	remw	t5, t5, t6
	remuw	t5, t5, t6
	amoswap.d t5, t0, (a0)
	amoadd.d t5, t0, (a0)
	amoadd.w t5, t0, (a0)
	amoor.w	t5, t0, (a0)
	amoand.d t5, t0, (a0)
	lr.d	t5, (a0)
	sc.d	t6, t5, (a0)
	lr.w	t5, (a0)
	sc.w	t6, t5, (a0)
	fence	rw, rw
	csrr	t5, sscratch
	csrw	sscratch, t5
	csrs	sscratch, t5
	csrc	sscratch, t5
	# Compressed code, as a kernel built for rv64gc is.
	.option rvc
	c.addi	t0, 1
	c.mv	t1, t0
	c.add	t1, t0
	c.ld	a2, 0(a0)
	c.sd	a2, 8(a0)
	c.li	a3, 3
	c.beqz	s0, 1f
	c.nop
1:	c.bnez	s0, 1f
	c.nop
1:	.option norvc
	addi	a1, a1, -1
	bnez	a1, loop
	mv	ra, s4
	ret
leaf:
	ret

	.balign 4
trap:
	csrw	sscratch, t0
	csrr	t0, scause
	bltz	t0, 1f
	csrr	t0, sepc		# an exception: go on after the instruction (none is compressed)
	addi	t0, t0, 4
	csrw	sepc, t0
	sret
1:	la	t0, _start + SAVE	# the timer interrupt, which may come in the middle of the work
	sd	a0, 0(t0)
	sd	a6, 8(t0)
	sd	a7, 16(t0)
	sd	t1, 24(t0)
	sd	a1, 32(t0)		# the SBI answers in a0 and a1
	li	a0, -1			# sbi_set_timer(never), and note it
	li	a7, 0x54494d45
	li	a6, 0
	ecall
	ld	t1, TICKED - SAVE(t0)
	addi	t1, t1, 1
	sd	t1, TICKED - SAVE(t0)
	ld	a0, 0(t0)
	ld	a6, 8(t0)
	ld	a7, 16(t0)
	ld	t1, 24(t0)
	ld	a1, 32(t0)
	csrr	t0, sscratch
	sret

	.org	0xffe
straddle:
	addi	t0, t0, 1
	addi	s3, s3, -1
	beqz	s3, done
	sfence.vma
	j	straddle
	.globl	done
done:
	j	done			# the end: warmup.ts stops here with a debugger breakpoint
