// RV64D, double-precision floating point (ISA manual vol. I, ch. "D"), with the conversions
// between single and double and RV64's raw moves of doubles. The families are shared with F
// (float.ts).
import type { InsnDef } from './types.js';
import { arithmetic, classify, compares, fromIntegers, fusedMultiplyAdds, loadF, minMax, moves, precisionConversions, signInjections, squareRoot, storeF, toIntegers } from './float.js';

export const RV64D: InsnDef[] = [
  loadF('d'),
  storeF('d'),
  ...fusedMultiplyAdds('d'),
  ...arithmetic('d'),
  squareRoot('d'),
  ...signInjections('d'),
  ...minMax('d'),
  ...precisionConversions(),
  ...compares('d'),
  classify('d'),
  ...toIntegers('d'),
  ...fromIntegers('d'),
  ...moves('d'),
];
