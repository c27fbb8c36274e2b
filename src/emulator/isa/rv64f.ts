// RV64F, single-precision floating point (ISA manual vol. I, ch. "F"), with RV64's conversions
// to and from doublewords. The families and their semantics are shared with D (float.ts).
import type { InsnDef } from './types.js';
import { arithmetic, classify, compares, fromIntegers, fusedMultiplyAdds, loadF, minMax, moves, signInjections, squareRoot, storeF, toIntegers } from './float.js';

export const RV64F: InsnDef[] = [
  loadF('s'),
  storeF('s'),
  ...fusedMultiplyAdds('s'),
  ...arithmetic('s'),
  squareRoot('s'),
  ...signInjections('s'),
  ...minMax('s'),
  ...toIntegers('s'),
  ...moves('s'),
  ...compares('s'),
  classify('s'),
  ...fromIntegers('s'),
];
