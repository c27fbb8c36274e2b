// The F and D extensions as the assembler accepts them (ISA manual vol. I, ch. 20-21). The
// emulator does not execute them, but kernels save and restore float registers, so the
// language server knows their operands. Optional rounding modes are the last operand.

export interface FloatDef {
  name: string;
  ext: 'F' | 'D';
  format: string;
  forms: string[];
  doc: string;
  expansion?: string;
}

const PRECISIONS = [['s', 'F', 'single'], ['d', 'D', 'double']] as const;
const INTS = [['w', 'signed word'], ['wu', 'unsigned word'], ['l', 'signed doubleword'], ['lu', 'unsigned doubleword']] as const;

/** The form with and without a trailing rounding mode. */
const rounded = (ops: string): string[] => [ops, `${ops}, rm`];

export const FLOAT: readonly FloatDef[] = PRECISIONS.flatMap(([p, ext, prec]): FloatDef[] => {
  const mem = p === 's' ? 'w' : 'd';
  const f = (name: string, format: string, forms: string[], doc: string, expansion?: string): FloatDef =>
    ({ name, ext, format, forms, doc: `${doc} (${prec} precision)`, expansion });
  return [
    f(`fl${mem}`, 'I', ['frd, offset(rs1)', 'frd, symbol, rt'], 'load a float from memory'),
    f(`fs${mem}`, 'S', ['frs2, offset(rs1)', 'frs2, symbol, rt'], 'store a float to memory'),
    ...(['madd', 'msub', 'nmsub', 'nmadd'] as const).map((op) => f(`f${op}.${p}`, 'R4', rounded('frd, frs1, frs2, frs3'),
      { madd: 'rd = rs1 * rs2 + rs3', msub: 'rd = rs1 * rs2 - rs3', nmsub: 'rd = -(rs1 * rs2) + rs3', nmadd: 'rd = -(rs1 * rs2) - rs3' }[op])),
    ...(['add', 'sub', 'mul', 'div'] as const).map((op) => f(`f${op}.${p}`, 'R', rounded('frd, frs1, frs2'),
      `rd = rs1 ${{ add: '+', sub: '-', mul: '*', div: '/' }[op]} rs2`)),
    f(`fsqrt.${p}`, 'R', rounded('frd, frs1'), 'rd = sqrt(rs1)'),
    f(`fsgnj.${p}`, 'R', ['frd, frs1, frs2'], 'rd = rs1 with the sign of rs2'),
    f(`fsgnjn.${p}`, 'R', ['frd, frs1, frs2'], 'rd = rs1 with the opposite of the sign of rs2'),
    f(`fsgnjx.${p}`, 'R', ['frd, frs1, frs2'], 'rd = rs1 with the sign of rs1 xor the sign of rs2'),
    f(`fmin.${p}`, 'R', ['frd, frs1, frs2'], 'rd = the smaller of rs1 and rs2'),
    f(`fmax.${p}`, 'R', ['frd, frs1, frs2'], 'rd = the larger of rs1 and rs2'),
    ...INTS.map(([i, what]) => f(`fcvt.${i}.${p}`, 'R', rounded('rd, frs1'), `convert a float to a ${what}`)),
    // Converting a word to a double is exact, so those two take no rounding mode.
    ...INTS.map(([i, what]) => f(`fcvt.${p}.${i}`, 'R', p === 'd' && i.startsWith('w') ? ['frd, rs1'] : rounded('frd, rs1'),
      `convert a ${what} to a float`)),
    f(`feq.${p}`, 'R', ['rd, frs1, frs2'], 'rd = (rs1 == rs2)'),
    f(`flt.${p}`, 'R', ['rd, frs1, frs2'], 'rd = (rs1 < rs2)'),
    f(`fle.${p}`, 'R', ['rd, frs1, frs2'], 'rd = (rs1 <= rs2)'),
    f(`fgt.${p}`, 'R', ['rd, frs1, frs2'], 'rd = (rs1 > rs2)', `flt.${p} rd, frs2, frs1`),
    f(`fge.${p}`, 'R', ['rd, frs1, frs2'], 'rd = (rs1 >= rs2)', `fle.${p} rd, frs2, frs1`),
    f(`fclass.${p}`, 'R', ['rd, frs1'], 'classify a float into a one-hot mask of 10 classes'),
    f(`fmv.x.${mem}`, 'R', ['rd, frs1'], 'move the raw bits of a float to an integer register'),
    f(`fmv.${mem}.x`, 'R', ['frd, rs1'], 'move raw bits from an integer register to a float register'),
    f(`fmv.${p}`, 'R', ['frd, frs'], 'copy a float register', `fsgnj.${p} rd, rs, rs`),
    f(`fabs.${p}`, 'R', ['frd, frs'], 'absolute value', `fsgnjx.${p} rd, rs, rs`),
    f(`fneg.${p}`, 'R', ['frd, frs'], 'negate', `fsgnjn.${p} rd, rs, rs`),
    ...(p === 's' ? [f('fmv.x.s', 'R', ['rd, frs1'], 'the old name of fmv.x.w', 'fmv.x.w rd, rs1'),
      f('fmv.s.x', 'R', ['frd, rs1'], 'the old name of fmv.w.x', 'fmv.w.x rd, rs1')] : []),
    p === 's' ? f('fcvt.s.d', 'R', rounded('frd, frs1'), 'convert a double to a single')
      : f('fcvt.d.s', 'R', ['frd, frs1'], 'convert a single to a double'),
  ];
});
