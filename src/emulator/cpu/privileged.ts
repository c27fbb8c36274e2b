// The privileged instructions (ISA manual vol. II §3.3): trap return (mret, sret), wfi and
// sfence.vma, each with the checks that make it illegal in a less privileged mode or under
// mstatus TSR/TW/TVM.
import { MPP_SHIFT, MSTATUS } from '../isa/csrFields.js';
import { Priv } from './causes.js';
import type { Hart } from './hart.js';
import { satpAsid } from './sv39.js';

export function mret(h: Hart): boolean {
  const csr = h.csr;
  if (h.priv !== Priv.M) return h.illegal();
  const mpp = Number((csr.mstatus & MSTATUS.MPP) >> MPP_SHIFT) as Priv;
  let s = csr.mstatus & ~(MSTATUS.MIE | MSTATUS.MPP);
  if (csr.mstatus & MSTATUS.MPIE) s |= MSTATUS.MIE;
  s |= MSTATUS.MPIE;
  if (mpp !== Priv.M) s &= ~MSTATUS.MPRV;
  csr.replaceMstatus(s);
  h.priv = mpp;
  h.pc = csr.mepc;
  h.reservation = -1n;
  csr.onInterruptState();
  return true;
}

export function sret(h: Hart): boolean {
  const csr = h.csr;
  if (h.priv === Priv.U || (h.priv === Priv.S && (csr.mstatus & MSTATUS.TSR))) return h.illegal();
  const spp = (csr.mstatus & MSTATUS.SPP) ? Priv.S : Priv.U;
  let s = csr.mstatus & ~(MSTATUS.SIE | MSTATUS.SPP);
  if (csr.mstatus & MSTATUS.SPIE) s |= MSTATUS.SIE;
  s |= MSTATUS.SPIE;
  s &= ~MSTATUS.MPRV;
  csr.replaceMstatus(s);
  h.priv = spp;
  h.pc = csr.sepc;
  h.reservation = -1n;
  csr.onInterruptState();
  return true;
}

export function wfi(h: Hart): boolean {
  if (h.priv === Priv.U || (h.priv === Priv.S && (h.csr.mstatus & MSTATUS.TW))) return h.illegal();
  h.waiting = true;
  return true;
}

/**
 * sfence.vma rs1, rs2 (vol. II §10.2.1): rs1 = x0 orders all addresses, else the page of rs1;
 * rs2 = x0 all address spaces, else the ASID in rs2. The TLBs hold only the current address
 * space's translations (a satp write drops them), so a fence for another ASID has nothing to
 * drop. Global mappings are dropped too: the specification allows fencing more than asked.
 */
export function sfenceVma(h: Hart, rs1: number, rs2: number): boolean {
  if (h.priv === Priv.U || (h.priv === Priv.S && (h.csr.mstatus & MSTATUS.TVM))) return h.illegal();
  if (rs2 !== 0 && BigInt.asUintN(16, h.x[rs2]) !== satpAsid(h.csr.satp)) return true;
  if (rs1 === 0) h.flushTranslations(); else h.flushPage(h.x[rs1]);
  return true;
}
