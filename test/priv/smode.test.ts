// Supervisor mode, differentially: test/programs/smode drops from M-mode to S- and U-mode and
// prints one line per case (who took the trap, from which mode, cause, tval, epc, a0) for trap
// delegation, SV39 page faults, superpages, A/D updates, MPRV, timer and PLIC interrupts and
// sfence.vma and PMP. QEMU must print EXPECTED (so a program that prints nothing, or stops early, fails)
// and Chronos must print exactly what QEMU prints.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference, runChronos, runQemu, type Outcome } from '../diff/harness.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

const SRC = join('test', 'programs');
const OUT = join(SRC, 'build', 'smode');
const ELF = join(OUT, 'smode.elf');
requireTools(GCC, QEMU);

// QEMU 7.2's output, checked case by case against the privileged spec when it was recorded.
// The addresses in it are fixed by trap.S alone: the test pages follow its code directly.
const EXPECTED = `smode tests
# delegation: taken in M with medeleg clear, in S with its bit set (no translation)
001 illegal csr from S: M from S cause 2 tval 34002573 epc +0 a0 0
002 illegal csr from U: M from U cause 2 tval 34002573 epc +0 a0 0
003 illegal unimp from S: M from S cause 2 tval c0001073 epc +0 a0 0
004 ebreak from S: M from S cause 3 tval 0 epc +0 a0 0
005 ebreak from U: M from U cause 3 tval 0 epc +0 a0 0
006 misaligned lr.d from S: M from S cause 4 tval 80003104 epc +0 a0 80003104
007 misaligned lr.d from U: M from U cause 4 tval 80003104 epc +0 a0 80003104
008 load access fault at 0 from S: M from S cause 5 tval 0 epc +0 a0 0
009 store access fault at 0 from U: M from U cause 7 tval 0 epc +0 a0 0
010 fetch access fault at 0 from S: M from S cause 1 tval 0 epc 0 a0 0
011 ecall from U: M from U cause 8 tval 0 epc +0 a0 0
012 ecall from S: M from S cause 9 tval 0 epc +0 a0 0
013 illegal csr from S: S from S cause 2 tval 34002573 epc +0 a0 0
014 illegal csr from U: S from U cause 2 tval 34002573 epc +0 a0 0
015 illegal unimp from S: S from S cause 2 tval c0001073 epc +0 a0 0
016 ebreak from S: S from S cause 3 tval 0 epc +0 a0 0
017 ebreak from U: S from U cause 3 tval 0 epc +0 a0 0
018 misaligned lr.d from S: S from S cause 4 tval 80003104 epc +0 a0 80003104
019 misaligned lr.d from U: S from U cause 4 tval 80003104 epc +0 a0 80003104
020 load access fault at 0 from S: S from S cause 5 tval 0 epc +0 a0 0
021 store access fault at 0 from U: S from U cause 7 tval 0 epc +0 a0 0
022 fetch access fault at 0 from S: S from S cause 1 tval 0 epc 0 a0 0
023 ecall from U: S from U cause 8 tval 0 epc +0 a0 0
024 ecall from S: S from S cause 9 tval 0 epc +0 a0 0
025 misaligned lw inside a page from S (no trap): M from S cause 9 tval 0 epc +2 a0 ffffffffd0d00000
026 load page fault from S: M from S cause d tval 40000100 epc +0 a0 40000100
027 store page fault from S: M from S cause f tval 40000100 epc +0 a0 40000100
028 fetch page fault from S: M from S cause c tval 40000000 epc 40000000 a0 40000000
029 load page fault from U: M from U cause d tval 40000100 epc +0 a0 40000100
030 load page fault from S: S from S cause d tval 40000100 epc +0 a0 40000100
031 store page fault from S: S from S cause f tval 40000100 epc +0 a0 40000100
032 fetch page fault from S: S from S cause c tval 40000000 epc 40000000 a0 40000000
033 load page fault from U: S from U cause d tval 40000100 epc +0 a0 40000100
034 load access fault from M, delegated: M from M cause 5 tval 0 epc +0 a0 0
035 illegal instruction from M, delegated: M from M cause 2 tval c0001073 epc +0 a0 0
# SV39 permissions (page faults delegated to S)
036 S load R page: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000001
037 S store R page (no W): S from S cause f tval 40001100 epc +0 a0 40001100
038 S fetch R page (no X): S from S cause c tval 40001000 epc 40001000 a0 40001000
039 S store RW page: M from S cause 9 tval 0 epc +4 a0 5a5a
040 S fetch RW page (no X): S from S cause c tval 40002000 epc 40002000 a0 40002000
041 S load W-only page (reserved): S from S cause d tval 40003100 epc +0 a0 40003100
042 S store W-only page (reserved): S from S cause f tval 40003100 epc +0 a0 40003100
043 S fetch W-only page (reserved): S from S cause c tval 40003000 epc 40003000 a0 40003000
044 S load X-only page (no R): S from S cause d tval 40004100 epc +0 a0 40004100
045 S load X-only page with MXR: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000004
046 S load W-only page with MXR: S from S cause d tval 40003100 epc +0 a0 40003100
047 S fetch X-only page: M from S cause 9 tval 0 epc 40004004 a0 104
048 S fetch RWX page: M from S cause 9 tval 0 epc 40007004 a0 107
049 S load U page without SUM: S from S cause d tval 40005100 epc +0 a0 40005100
050 S store U page without SUM: S from S cause f tval 40005100 epc +0 a0 40005100
051 S load U page with SUM: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000005
052 S store U page with SUM: M from S cause 9 tval 0 epc +4 a0 77
053 S fetch U page without SUM: S from S cause c tval 40005000 epc 40005000 a0 40005000
054 S fetch U page with SUM: S from S cause c tval 40005000 epc 40005000 a0 40005000
055 U load U page: M from U cause 8 tval 0 epc +2 a0 d0d0d0d000000005
056 U fetch U page: M from U cause 8 tval 0 epc 40005004 a0 105
057 U load S page: S from U cause d tval 40001100 epc +0 a0 40001100
058 U store S page: S from U cause f tval 40002100 epc +0 a0 40002100
059 U fetch S page: S from U cause c tval 40007000 epc 40007000 a0 40007000
060 U load S page with SUM: S from U cause d tval 40001100 epc +0 a0 40001100
061 S load invalid: S from S cause d tval 40000110 epc +0 a0 40000110
062 S store invalid: S from S cause f tval 40000118 epc +0 a0 40000118
063 S fetch invalid: S from S cause c tval 40000020 epc 40000020 a0 40000020
064 S load unmapped root slot: S from S cause d tval 8 epc +0 a0 8
065 S load non-canonical address: S from S cause d tval 8000000000 epc +0 a0 8000000000
066 S load pointer PTE at level 0: S from S cause d tval 1c0000100 epc +0 a0 1c0000100
067 S store pointer PTE at level 0: S from S cause f tval 1c0000100 epc +0 a0 1c0000100
068 S fetch pointer PTE at level 0: S from S cause c tval 1c0000000 epc 1c0000000 a0 1c0000000
069 S load misaligned 1 GiB superpage: S from S cause d tval 180002100 epc +0 a0 180002100
070 S store misaligned 1 GiB superpage: S from S cause f tval 180003100 epc +0 a0 180003100
071 S fetch misaligned 1 GiB superpage: S from S cause c tval 180008000 epc 180008000 a0 180008000
072 S load misaligned 2 MiB superpage: S from S cause d tval 40402100 epc +0 a0 40402100
073 S store misaligned 2 MiB superpage: S from S cause f tval 40403100 epc +0 a0 40403100
074 S fetch misaligned 2 MiB superpage: S from S cause c tval 40408000 epc 40408000 a0 40408000
075 S load page mapped to unbacked PA 0: S from S cause 5 tval 4000c100 epc +0 a0 4000c100
076 S store page mapped to unbacked PA 0: S from S cause 7 tval 4000c100 epc +0 a0 4000c100
077 S fetch page mapped to unbacked PA 0: S from S cause 1 tval 4000c000 epc 4000c000 a0 4000c000
# superpages
078 1 GiB load: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000001
079 1 GiB load, second word: M from S cause 9 tval 0 epc +2 a0 1122334455667788
080 1 GiB store (read-only): M from S cause f tval 140003100 epc +0 a0 140003100
081 2 MiB load: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000004
082 2 MiB store: M from S cause 9 tval 0 epc +4 a0 1234
083 2 MiB store seen through 4 KiB identity: M from S cause 9 tval 0 epc +2 a0 1234
084 2 MiB fetch: M from S cause 9 tval 0 epc 4020f004 a0 10e
# A and D (set by the hart, as QEMU does)
085 load from A=0 D=0 page: M from S cause 9 tval 0 epc +2 a0 d0d0d0d000000006
    pte after load flags 47
086 store to same page: M from S cause 9 tval 0 epc +4 a0 66
    pte after store flags c7
087 store to A=0 D=0 page: M from S cause 9 tval 0 epc +4 a0 67
    pte after store flags c7
088 store to A=1 D=0 page: M from S cause 9 tval 0 epc +4 a0 99
    pte after store flags c7
089 fetch from A=0 page: M from S cause 9 tval 0 epc 4000a004 a0 10a
    pte after fetch flags 4b
# MPRV: M-mode loads and stores translated as MPP's mode (faults stay in M)
090 MPRV MPP=S load R page: M from M cause b tval 0 epc +a a0 d0d0d0d000000001
091 MPRV MPP=S load invalid: M from M cause d tval 40000100 epc +4 a0 40000100
092 MPRV MPP=S store R page: M from M cause f tval 40001100 epc +4 a0 40001100
093 MPRV MPP=S store RW page: M from M cause b tval 0 epc +c a0 abc
094 MPRV MPP=U load S page: M from M cause d tval 40001100 epc +4 a0 40001100
095 MPRV MPP=U load U page: M from M cause b tval 0 epc +a a0 d0d0d0d000000005
096 MPRV MPP=S load U page: M from M cause d tval 40005100 epc +4 a0 40005100
097 MPRV MPP=S SUM load U page: M from M cause b tval 0 epc +a a0 d0d0d0d000000005
098 MPRV MPP=S MXR load X-only page: M from M cause b tval 0 epc +a a0 d0d0d0d000000004
099 MPRV MPP=S load 1 GiB superpage: M from M cause b tval 0 epc +a a0 d0d0d0d000000008
# timer interrupts
100 machine timer in M: M from M cause int 7 tval 0 a0 11
101 machine timer while in S (MIE clear): M from S cause int 7 tval 0 a0 12
102 machine timer while in U: M from U cause int 7 tval 0 a0 13
103 mip.STIP set by M, not delegated: M from S cause int 5 tval 0 a0 14
104 mip.STIP set by M, delegated: S from S cause int 5 tval 0 a0 15
105 mip.STIP delegated, pending on entry to U: S from U cause int 5 tval 0 a0 16
106 mip.STIP cleared by M: no interrupt: M from S cause 9 tval 0 a0 17
107 Sstc stimecmp written by M, delegated: S from S cause int 5 tval 0 a0 18
108 Sstc stimecmp written by S: S from S cause int 5 tval 0 a0 19
109 Sstc stimecmp from S without mcounteren.TM: M from S cause 2 tval 14d59073 epc +0 a0 1a
110 Sstc stimecmp from S without menvcfg.STCE: M from S cause 2 tval 14d59073 epc +0 a0 1b
    mip.STIP after M sets it with STCE on: 0
# UART transmitter-empty interrupt through the PLIC
111 S context, delegated SEI: S from S cause int 9 tval 0 a0 10000000 claim a
112 M context, MEI while in S: M from S cause int b tval 0 a0 10000000 claim a
    claim after complete 0
# sfence.vma after a PTE change (results after the fence only)
113 remap page, sfence.vma addr: M from S cause 9 tval 0 epc +c a0 d0d0d0d00000000b
114 remap page, sfence.vma all: M from S cause 9 tval 0 epc +c a0 d0d0d0d000000008
115 invalidate page, sfence.vma addr: M from S cause d tval 40008100 epc +a a0 40008100
116 validated by M, sfence.vma in S: M from S cause 9 tval 0 epc +6 a0 d0d0d0d00000000e
# PMP: S-mode accesses checked against the entries, first match wins
117 load from a read-only PMP page: M from S cause 9 tval 0 epc +2 a0 99
118 store to a read-only PMP page: M from S cause 7 tval 8000a100 epc +0 a0 8000a100
119 load from an execute-only TOR range: M from S cause 5 tval 8000a100 epc +0 a0 8000a100
120 load just below the TOR range: M from S cause 9 tval 0 epc +2 a0 1300000013
121 fetch from a PMP page without X: M from S cause 1 tval 800001e0 epc +0 a0 8000a100
done
`;

let qemu: Promise<Outcome>;
let chronos: Outcome;

before(() => {
  mkdirSync(OUT, { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib',
    '-static', '-Wall', '-Werror', '-Wl,--no-warn-rwx-segments', '-T', join(SRC, 'link.ld'),
    join(SRC, 'crt0.S'), join(SRC, 'smode', 'trap.S'), join(SRC, 'smode', 'smode.c'), '-o', ELF]);
  qemu = runQemu(ELF);
  // A run that waits in wfi for an interrupt Chronos never raises ends as 'idle', not a hang;
  // a busy loop (U-mode waiting for a timer) ends when the budget does.
  chronos = runChronos(ELF, 50_000_000);
});

function versusExpected(output: string): string {
  const want = EXPECTED.split('\n'), got = output.split('\n');
  const i = want.findIndex((l, k) => l !== got[k]);
  return `line ${i + 1}: expected ${JSON.stringify(want[i])}, QEMU printed ${JSON.stringify(got[i])}`;
}

/** The output cut into its sections (each starts with a `# title` line). */
function sections(output: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current = '(preamble)';
  map.set(current, []);
  for (const line of output.split('\n')) {
    if (line.startsWith('# ')) { current = line.slice(2); map.set(current, []); continue; }
    map.get(current)!.push(line);
  }
  return map;
}

test('QEMU prints the expected line for every case and exits through the finisher', { timeout: 60_000 }, async () => {
  const q = await qemu;
  assert.equal(q.status, 0, `QEMU ended with ${q.status}; output:\n${q.output}`);
  assert.ok(q.output.endsWith('done\n'), `QEMU stopped early:\n${q.output}`);
  assert.equal(q.output, EXPECTED, versusExpected(q.output));
});

test('Chronos prints what QEMU prints, section by section', { timeout: 60_000 }, async (t) => {
  const q = await qemu;
  const want = sections(q.output), got = sections(chronos.output);
  assert.ok(want.size > 8, `QEMU printed too few sections:\n${q.output}`);
  for (const [title, lines] of want) {
    await t.test(title, () => {
      const mine = got.get(title);
      assert.ok(mine, `Chronos never reached this section; its output ends:\n${chronos.output.split('\n').slice(-5).join('\n')}`);
      assert.equal(mine.join('\n'), lines.join('\n'), firstDifference(lines.join('\n'), mine.join('\n')));
    });
  }
  assert.equal(chronos.output, q.output, firstDifference(q.output, chronos.output));
  assert.equal(chronos.status, q.status);
});
