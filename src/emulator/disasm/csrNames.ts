// CSR names as objdump prints them. binutils names a CSR only if the privileged spec the file
// was built for (its priv_spec attributes) defines it, and most toolchains record 1.11: so
// `mconfigptr` (new in 1.12) prints as 0xf15 there, and 1.9.1 files read `sptbr` for satp.
// csrs.ts holds the 1.12 names, which objdump uses when a file records no version; this file
// holds only how the older specs differ from it.
import { csrName } from '../isa/csrs.js';

export type PrivSpec = '1.9.1' | '1.10' | '1.11' | '1.12';
const ORDER: Record<PrivSpec, number> = { '1.9.1': 0, '1.10': 1, '1.11': 2, '1.12': 3 };
export const LATEST_PRIV_SPEC: PrivSpec = '1.12';

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

/** csrs.ts names that older specs did not define, with the spec that introduced them. */
const INTRODUCED: readonly [readonly number[], PrivSpec][] = [
  [[0x106, 0x143, 0x180, 0x306, 0x343, ...range(0x3a0, 0x3a3), ...range(0x3b0, 0x3bf)], '1.10'],
  [[0x320], '1.11'],
  [[0x10a, 0x30a, 0x310, 0x31a, 0x34a, 0x34b, 0x747, 0x757, 0xf15, ...range(0x3a4, 0x3af), ...range(0x3c0, 0x3ef)], '1.12'],
];

/** Names older specs had and 1.12 dropped or renamed: [csr, name, first spec with, first spec without]. */
const RETIRED: readonly [number, string, PrivSpec, PrivSpec][] = [
  ...([[0x000, 'ustatus'], [0x004, 'uie'], [0x005, 'utvec'], [0x040, 'uscratch'], [0x041, 'uepc'], [0x042, 'ucause'],
    [0x044, 'uip'], [0x102, 'sedeleg'], [0x103, 'sideleg']] as const).map(([n, s]): [number, string, PrivSpec, PrivSpec] => [n, s, '1.9.1', '1.12']),
  [0x043, 'ubadaddr', '1.9.1', '1.10'], [0x043, 'utval', '1.10', '1.12'],
  [0x143, 'sbadaddr', '1.9.1', '1.10'], [0x180, 'sptbr', '1.9.1', '1.10'], [0x343, 'mbadaddr', '1.9.1', '1.10'],
  [0x320, 'mucounteren', '1.9.1', '1.10'], [0x321, 'mscounteren', '1.9.1', '1.10'], [0x322, 'mhcounteren', '1.9.1', '1.10'],
  [0x380, 'mbase', '1.9.1', '1.10'], [0x381, 'mbound', '1.9.1', '1.10'], [0x382, 'mibase', '1.9.1', '1.10'],
  [0x383, 'mibound', '1.9.1', '1.10'], [0x384, 'mdbase', '1.9.1', '1.10'], [0x385, 'mdbound', '1.9.1', '1.10'],
];

const SINCE = new Map<number, PrivSpec>(INTRODUCED.flatMap(([nums, spec]) => nums.map((n): [number, PrivSpec] => [n, spec])));

/** The name objdump prints for CSR `num` under privileged spec `spec`, or undefined for a number. */
export function csrNameFor(num: number, spec: PrivSpec = LATEST_PRIV_SPEC): string | undefined {
  let names = BY_SPEC.get(spec);
  if (!names) BY_SPEC.set(spec, names = Array.from({ length: 0x1000 }, (_, n) => nameUnder(n, ORDER[spec])));
  return names[num & 0xfff];
}

const BY_SPEC = new Map<PrivSpec, (string | undefined)[]>();

function nameUnder(num: number, v: number): string | undefined {
  const old = RETIRED.find(([n, , from, until]) => n === num && v >= ORDER[from] && v < ORDER[until]);
  if (old) return old[1];
  const since = SINCE.get(num);
  return since !== undefined && v < ORDER[since] ? undefined : csrName(num);
}

/**
 * The spec named by the priv_spec attributes, as binutils reads them: `1.10`, `1.9.1`; a
 * version it does not know (or none) means the newest.
 */
export function privSpecOf([major, minor, revision]: [number, number, number]): PrivSpec {
  const name = revision ? `${major}.${minor}.${revision}` : `${major}.${minor}`;
  return name in ORDER ? (name as PrivSpec) : LATEST_PRIV_SPEC;
}
