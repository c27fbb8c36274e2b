// One gdb connection's commands (gdb manual, "Packets" and "General Query Packets"): the
// handler of each packet, by its first letter or its name, and the state they share: the
// threads selected for registers (Hg) and for resuming (Hc), the breakpoints and watchpoints
// gdb inserted (kept in the machine's own breakpoint set and watchpoints, never by patching
// guest memory), and whether gdb waits for a stop. Bad arguments get an error reply (E22);
// memory that cannot be read or written gets E14, as QEMU answers.
import { Priv } from '../../emulator/cpu/causes.js';
import { HartStatus } from '../../emulator/sbi/sbi.js';
import type { Machine, Watchpoint } from '../../emulator/machine.js';
import { hartName } from '../harts.js';
import { Monitor } from './monitor.js';
import { MAX_PACKET } from './packets.js';
import { G_REGISTERS, parseRegisterHex, RegisterTable, registerHex, type RegisterDef } from './registers.js';
import { stopHart, stopReply, threadId, type StopContext, type WatchKind } from './stopReply.js';
import { targetXml, xferChunk } from './targetXml.js';
import type { StubTarget, TargetStop } from './target.js';

/** Error replies: errno values in hex, as QEMU's stub sends them. */
export enum ErrorReply { Fault = 'E14', Invalid = 'E22' }

/** A packet whose arguments do not parse, or name what does not exist. */
class BadPacket extends Error {
  constructor(readonly reply: ErrorReply = ErrorReply.Invalid) { super(reply); }
}

const ZTYPE_WATCH: Record<string, WatchKind> = { 2: 'watch', 3: 'rwatch', 4: 'awatch' };
const ACCESS: Record<WatchKind, Watchpoint['access']> = { watch: 'write', rwatch: 'read', awatch: 'readWrite' };

interface GdbWatch { kind: WatchKind; address: bigint; length: number }

/** The most bytes one m packet answers: the hex reply must fit in PacketSize. */
const MAX_READ = (MAX_PACKET >> 1) - 16;
/** The largest watched range accepted (gdb splits bigger watches itself). */
const MAX_WATCH = 1 << 20;

/** What a reply is followed by: the connection closes (detach) or chronos ends (kill). */
export type After = 'close' | 'kill' | undefined;

export class GdbSession {
  /** The hart registers, memory and monitor commands act on (Hg). */
  private gHart = 0;
  /** The hart a plain s or c acts on (Hc), or -1 for "each". */
  private cHart = -1;
  /** gdb resumed the guest and waits for the stop reply. */
  private running = false;
  private lastStop: string;
  /** The hart lastStop names. */
  private lastStopHart: number;
  private readonly breakpoints = new Map<bigint, Set<'sw' | 'hw'>>();
  private watchpoints: GdbWatch[] = [];
  private swbreak = false;
  private hwbreak = false;
  private readonly registers: RegisterTable;
  private readonly xml: string;
  private readonly monitor = new Monitor();
  /** Set by QStartNoAckMode: the connection stops acknowledging after this reply. */
  noAck = false;
  /** What follows the reply just returned. */
  after: After;

  constructor(private readonly target: StubTarget, private readonly send: (data: string) => void) {
    this.registers = new RegisterTable(target.machine);
    this.xml = targetXml(this.registers);
    this.lastStopHart = this.gHart = this.machine.currentHart;
    this.lastStop = `T05thread:${threadId(this.lastStopHart)};`;
  }

  private get machine(): Machine { return this.target.machine; }

  /** The reply to one packet; undefined when it comes later (a resume) or never (kill). */
  handle(data: string): string | undefined {
    this.after = undefined;
    try {
      return this.dispatch(data);
    } catch (e) {
      if (e instanceof BadPacket) return e.reply;
      throw e;
    }
  }

  private dispatch(p: string): string | undefined {
    switch (p[0]) {
      // gdb takes the thread a stop reply names as the one g, p and m now read (its
      // record_currthread), as gdbserver makes it: so does this stub, here and in onStop.
      case '?': this.gHart = this.lastStopHart; return this.lastStop;
      case 'g': return this.readRegisters();
      case 'G': return this.writeRegisters(p.slice(1));
      case 'p': return this.readRegister(p.slice(1));
      case 'P': return this.writeRegister(p.slice(1));
      case 'm': return this.readMemory(p.slice(1));
      case 'M': return this.writeMemory(p.slice(1), false);
      case 'X': return this.writeMemory(p.slice(1), true);
      case 'Z': return this.insert(p.slice(1), true);
      case 'z': return this.insert(p.slice(1), false);
      case 'H': return this.selectThread(p.slice(1));
      case 'T': this.hartOf(p.slice(1)); return 'OK';
      case 'c': return this.resumeAt(p.slice(1), false);
      case 's': return this.resumeAt(p.slice(1), true);
      case 'C': return this.resumeAt(p.slice(1).replace(/^[0-9a-fA-F]+;?/, ''), false);
      case 'S': return this.resumeAt(p.slice(1).replace(/^[0-9a-fA-F]+;?/, ''), true);
      case 'D': this.detach(); this.after = 'close'; return 'OK';
      case 'k': this.after = 'kill'; return undefined;
      case 'q': case 'Q': return this.query(p);
      case 'v': return this.verbose(p);
      default: return '';
    }
  }

  // ---- queries ------------------------------------------------------------------------------

  private query(p: string): string | undefined {
    const name = /^[qQ][A-Za-z]+/.exec(p)?.[0] ?? p;
    const args = p.slice(name.length);
    switch (name) {
      case 'qSupported': {
        const theirs = args.replace(/^:/, '').split(';');
        this.swbreak = theirs.includes('swbreak+');
        this.hwbreak = theirs.includes('hwbreak+');
        return `PacketSize=${MAX_PACKET.toString(16)};qXfer:features:read+;QStartNoAckMode+;vContSupported+;swbreak+;hwbreak+`;
      }
      case 'QStartNoAckMode': this.noAck = true; return 'OK';
      case 'qXfer': return this.xfer(args);
      case 'qAttached': return '1';
      case 'qOffsets': return 'Text=0;Data=0;Bss=0';
      case 'qSymbol': return 'OK';
      case 'qC': return `QC${threadId(this.gHart)}`;
      case 'qfThreadInfo': return `m${this.machine.harts.map((_, i) => threadId(i)).join(',')}`;
      case 'qsThreadInfo': return 'l';
      case 'qThreadExtraInfo': return toHex(hartName(this.machine, this.hartOf(args.replace(/^,/, ''))));
      case 'qRcmd': return this.monitorCommand(args.replace(/^,/, ''));
      default: return '';
    }
  }

  private xfer(args: string): string {
    const m = /^:features:read:([^:]+):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(args);
    if (!m) return args.startsWith(':features:') ? ErrorReply.Invalid : '';
    if (m[1] !== 'target.xml') return 'E00';
    return xferChunk(this.xml, parseInt(m[2], 16), Math.min(parseInt(m[3], 16), MAX_PACKET - 16));
  }

  private monitorCommand(hexText: string): string {
    const text = fromHex(hexText);
    const out = this.monitor.run(text, { machine: this.machine, hart: this.gHart });
    // Output goes to gdb's console in O packets, in pieces a packet can hold.
    for (let i = 0; i < out.length; i += 2048) this.send(`O${toHex(out.slice(i, i + 2048))}`);
    return 'OK';
  }

  private verbose(p: string): string | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) return this.vCont(p.slice(6));
    if (p.startsWith('vKill')) { this.after = 'kill'; return 'OK'; }
    return ''; // vMustReplyEmpty and everything not supported
  }

  // ---- threads ------------------------------------------------------------------------------

  /** The hart a thread id names: hex, or pPID.TID; 'all' for -1, 'any' for 0. */
  private thread(id: string): number | 'all' | 'any' {
    const tid = /^p[0-9a-fA-F]+\.(.+)$/.exec(id)?.[1] ?? id;
    if (tid === '-1') return 'all';
    if (!/^[0-9a-fA-F]{1,8}$/.test(tid)) throw new BadPacket();
    const n = parseInt(tid, 16);
    if (n === 0) return 'any';
    if (n > this.machine.harts.length) throw new BadPacket();
    return n - 1;
  }

  private hartOf(id: string): number {
    const t = this.thread(id);
    if (typeof t !== 'number') throw new BadPacket();
    return t;
  }

  private selectThread(p: string): string {
    const t = this.thread(p.slice(1));
    if (p[0] === 'g') { if (typeof t === 'number') this.gHart = t; }
    else if (p[0] === 'c') this.cHart = typeof t === 'number' ? t : -1;
    else throw new BadPacket();
    return 'OK';
  }

  // ---- registers ----------------------------------------------------------------------------

  private readRegisters(): string {
    let s = '';
    for (let n = 0; n < G_REGISTERS; n++) s += registerHex(this.registers.get(n)!.read(this.machine, this.gHart) ?? 0n);
    return s;
  }

  private writeRegisters(hexText: string): string {
    if (hexText.length < G_REGISTERS * 16 || hexText.length % 16 !== 0) throw new BadPacket();
    const values = Array.from({ length: G_REGISTERS }, (_, n) => parseRegisterHex(hexText.slice(n * 16, n * 16 + 16)));
    if (values.some((v) => v === undefined)) throw new BadPacket();
    values.forEach((v, n) => this.registers.get(n)!.write(this.machine, this.gHart, v!));
    return 'OK';
  }

  private register(numText: string): RegisterDef {
    if (!/^[0-9a-fA-F]{1,8}$/.test(numText)) throw new BadPacket();
    const r = this.registers.get(parseInt(numText, 16));
    if (!r) throw new BadPacket();
    return r;
  }

  private readRegister(numText: string): string {
    const r = this.register(numText);
    const v = r.read(this.machine, this.gHart);
    return v === undefined ? 'x'.repeat(r.bits / 4) : registerHex(v, r.bits);
  }

  private writeRegister(p: string): string {
    const [numText, valueText = ''] = p.split('=');
    const r = this.register(numText);
    const v = parseRegisterHex(valueText, r.bits);
    if (v === undefined) throw new BadPacket();
    return r.write(this.machine, this.gHart, v) ? 'OK' : ErrorReply.Invalid;
  }

  // ---- memory -------------------------------------------------------------------------------

  /** The satp the selected hart's accesses translate with: none in M-mode. */
  private satp(): bigint {
    const h = this.machine.harts[this.gHart];
    return h.priv === Priv.M ? 0n : h.csr.satp;
  }

  private readMemory(p: string): string {
    const [address, length] = addressLength(p);
    const bytes = this.machine.debug.readVirtPrefix(address, Math.min(length, MAX_READ), this.satp());
    if (bytes.length === 0 && length > 0) return ErrorReply.Fault;
    return Buffer.from(bytes).toString('hex');
  }

  private writeMemory(p: string, binary: boolean): string {
    const colon = p.indexOf(':');
    if (colon < 0) throw new BadPacket();
    const [address, length] = addressLength(p.slice(0, colon));
    const text = p.slice(colon + 1);
    let bytes: Uint8Array;
    if (binary) bytes = Buffer.from(text, 'latin1');
    else {
      if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new BadPacket();
      bytes = Buffer.from(text, 'hex');
    }
    if (bytes.length !== length) throw new BadPacket();
    if (length === 0) return 'OK';
    return this.machine.debug.writeVirt(address, bytes, this.satp()) ? 'OK' : ErrorReply.Fault;
  }

  // ---- breakpoints and watchpoints ------------------------------------------------------------

  private insert(p: string, add: boolean): string {
    const m = /^([0-4]),([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})(;.*)?$/.exec(p);
    if (!m) throw new BadPacket();
    const type = m[1], address = BigInt(`0x${m[2]}`), size = parseInt(m[3], 16);
    if (type === '0' || type === '1') {
      const kind = type === '0' ? 'sw' : 'hw';
      const kinds = this.breakpoints.get(address) ?? new Set();
      if (add) kinds.add(kind); else kinds.delete(kind);
      if (kinds.size) this.breakpoints.set(address, kinds); else this.breakpoints.delete(address);
      this.machine.setBreakpoints(this.breakpoints.keys());
      return 'OK';
    }
    const kind = ZTYPE_WATCH[type];
    if (size === 0 || size > MAX_WATCH) throw new BadPacket();
    if (add) this.watchpoints.push({ kind, address, length: size });
    else {
      const i = this.watchpoints.findIndex((w) => w.kind === kind && w.address === address && w.length === size);
      if (i >= 0) this.watchpoints.splice(i, 1);
    }
    this.applyWatchpoints();
    return 'OK';
  }

  private applyWatchpoints(): void {
    this.machine.setWatchpoints(this.watchpoints.map((w) => ({ address: w.address, size: w.length, access: ACCESS[w.kind], physical: false })));
  }

  private stopContext(): StopContext {
    return {
      swbreak: this.swbreak, hwbreak: this.hwbreak, defaultHart: this.machine.currentHart,
      breakpointKind: (pc) => {
        const kinds = this.breakpoints.get(pc);
        return kinds?.has('sw') ? 'sw' : kinds?.has('hw') ? 'hw' : undefined;
      },
      watchHit: (address, size, access) => {
        const end = address + BigInt(size);
        const w = this.watchpoints.find((x) => ACCESS[x.kind] !== (access === 'read' ? 'write' : 'read')
          && address < x.address + BigInt(x.length) && x.address < end);
        // gdb matches the address against its watch's range: name the first watched byte touched.
        return w && { kind: w.kind, address: address > w.address ? address : w.address };
      },
    };
  }

  // ---- running ------------------------------------------------------------------------------

  private resumeAt(addressText: string, step: boolean): undefined {
    const hart = this.cHart >= 0 ? this.cHart : this.gHart;
    if (addressText) {
      if (!/^[0-9a-fA-F]{1,16}$/.test(addressText)) throw new BadPacket();
      this.machine.harts[hart].pc = BigInt.asIntN(64, BigInt(`0x${addressText}`));
    }
    return step ? this.step(hart) : this.resume();
  }

  /**
   * vCont;ACTION[:THREAD]...: each hart takes the first action that names it or no thread;
   * a hart no action names stays where it is (gdb steps one thread over a breakpoint while
   * the others wait). One hart steps while those told to continue take their turns, or the
   * harts told to continue run.
   */
  private vCont(actions: string): undefined {
    const parsed = actions.split(';').map((a) => {
      const m = /^([cCsSt])([0-9a-fA-F]{2})?(?::(.+))?$/.exec(a);
      if (!m) throw new BadPacket();
      return { action: m[1].toLowerCase(), thread: m[3] === undefined ? 'all' : this.thread(m[3]) };
    });
    const actionOf = (hart: number): string | undefined =>
      parsed.find((a) => a.thread === hart || a.thread === 'all' || a.thread === 'any')?.action;
    const harts = this.machine.harts.map((_, i) => i);
    const stepped = harts.find((h) => actionOf(h) === 's');
    const keep = harts.filter((h) => h !== stepped && actionOf(h) !== 'c');
    if (stepped !== undefined) return this.step(stepped, keep);
    if (keep.length < harts.length) return this.resume(keep);
    throw new BadPacket();
  }

  private resume(keep: readonly number[] = []): undefined {
    this.running = true;
    this.target.release(keep);
    return undefined;
  }

  private step(hart: number, keep: readonly number[] = []): undefined {
    if (this.machine.runners[hart].status !== HartStatus.Started) {
      this.send(`O${toHex(`hart ${hart} is stopped (SBI HSM): it has no instruction to step\n`)}`);
    }
    this.running = true;
    this.target.step(hart, keep);
    return undefined;
  }

  /** The machine stopped: gdb hears of it if it waits. Returns true: the machine stays held for gdb. */
  onStop(stop: TargetStop): boolean {
    this.lastStop = stopReply(stop, this.stopContext());
    this.lastStopHart = stopHart(stop, this.machine.currentHart);
    if (this.running) {
      this.running = false;
      this.gHart = this.lastStopHart;
      this.send(this.lastStop);
    }
    return true;
  }

  /** Ctrl-C: stop the guest where it is. */
  interrupt(): void {
    if (!this.running) return;
    this.target.hold();
    this.onStop({ kind: 'paused' });
  }

  /** The guest ended (or the run did): gdb hears it if it waits for a stop. */
  ended(stop: TargetStop): void {
    if (this.running) { this.running = false; this.send(stopReply(stop, this.stopContext())); }
  }

  /** gdb is gone (D, or the connection closed): forget its breakpoints and let the guest run on. */
  detach(): void {
    this.breakpoints.clear();
    this.watchpoints = [];
    this.machine.setBreakpoints([]);
    this.applyWatchpoints();
    this.running = false;
    this.target.release();
  }
}

function addressLength(p: string): [bigint, number] {
  const m = /^([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})$/.exec(p);
  if (!m) throw new BadPacket();
  return [BigInt(`0x${m[1]}`), parseInt(m[2], 16)];
}

const toHex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

function fromHex(h: string): string {
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new BadPacket();
  return Buffer.from(h, 'hex').toString('utf8');
}
