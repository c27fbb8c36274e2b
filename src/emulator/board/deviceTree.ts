// The device tree a boot hands the guest: the board's own (fdt/virt.ts) or one the user gives
// (--dtb, which replaces ours whole, as QEMU's -dtb does), with /chosen's bootargs and initrd
// range set as QEMU 7.2 sets them, at the address QEMU gives it.
import { buildFdt, node, type FdtNode, type PropValue } from '../fdt/fdt.js';
import { FdtError, parseFdt } from '../fdt/parse.js';
import { VIRT_FDT_SIZE, fdtAddress, virtTree } from '../fdt/virt.js';

/** QEMU loads a -dtb file into a buffer this much larger than the file (device_tree.c), and reserves that much. */
const USER_DTB_PAD = 10000;

export interface ChosenProps {
  /** The kernel command line; QEMU writes /chosen/bootargs only when there is one. */
  bootargs: string;
  initrd?: { start: bigint; end: bigint };
}

/** A 32-bit cell when the value fits one (as QEMU 7.2 writes them), else two. */
const cellsFor = (v: bigint): PropValue => (v <= 0xffffffffn ? Number(v) : [Number(v >> 32n), Number(v & 0xffffffffn)]);

/** Set /chosen's properties, creating the node if the tree has none. */
export function setChosen(root: FdtNode, p: ChosenProps): void {
  let chosen = root.children.find((c) => c.name === 'chosen');
  if (!chosen) { chosen = node('chosen'); root.children.push(chosen); }
  const set = (name: string, value: PropValue): void => {
    const i = chosen!.props.findIndex(([n]) => n === name);
    if (i >= 0) chosen!.props[i] = [name, value];
    else chosen!.props.push([name, value]);
  };
  if (p.bootargs) set('bootargs', p.bootargs);
  if (p.initrd) {
    set('linux,initrd-start', cellsFor(p.initrd.start));
    set('linux,initrd-end', cellsFor(p.initrd.end));
  }
}

export interface TreeSource {
  ramBase: number;
  ramSize: number;
  harts: number;
  /** A device tree blob to boot with instead of the board's. */
  dtb?: Uint8Array;
}

/** The blob to boot with. Throws FdtError for a user's blob that is not a device tree. */
export function bootDeviceTree(src: TreeSource, chosen: ChosenProps): Uint8Array {
  if (src.dtb) {
    const root = parseFdt(src.dtb);
    setChosen(root, chosen);
    return buildFdt(root, src.dtb.length + USER_DTB_PAD);
  }
  const root = virtTree(src);
  setChosen(root, chosen);
  return buildFdt(root, VIRT_FDT_SIZE);
}

/** Where the tree goes: the top of RAM as QEMU computes it (the start of RAM when RAM is smaller than the tree's 2 MiB slot). */
export function deviceTreeAddress(ramBase: number, ramSize: number, blob: Uint8Array): bigint {
  return BigInt(Math.max(ramBase, fdtAddress(ramBase, ramSize, blob.length)));
}

export { FdtError };
