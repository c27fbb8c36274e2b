// qemu-system-riscv64's options as kernel Makefiles write them, each translated into Chronos's
// options (src/debugger/qemu/commandLine.ts); the options Chronos cannot honour are refused
// with one line naming them, the harmless ones noted; and the command line of `chronos qemu`
// says the same to a user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseQemuArgs, QemuOptionError } from '../../src/debugger/qemu/commandLine.js';
import { splitCommandLine } from '../../src/debugger/qemu/split.js';

const q = (line: string) => parseQemuArgs(splitCommandLine(line));
/** The notes of a line run with -nographic (without it, every run is told there is no window). */
const notes = (line: string): string[] => q(`-nographic ${line}`).notes;
/** Notes about the terminal and the others together, as `chronos qemu` prints them. */
const allNotes = (line: string): string[] => { const o = q(line); return [...o.notes, ...o.consoleNotes]; };
const refused = (line: string, message: RegExp): void => {
  assert.throws(() => q(line), (e: unknown) => e instanceof QemuOptionError && message.test(e.message) && !e.message.includes('\n'), line);
};

test('xv6\'s `make qemu` line', () => {
  const o = q('-machine virt -bios none -kernel kernel/kernel -m 128M -smp 3 -nographic -global virtio-mmio.force-legacy=false '
    + '-drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0');
  assert.deepEqual(
    { bios: o.machine.bios, kernel: o.machine.kernel, kind: o.machine.kernelKind, memory: o.machine.memoryMiB, harts: o.machine.harts },
    { bios: 'none', kernel: 'kernel/kernel', kind: 'any', memory: 128, harts: 3 });
  assert.deepEqual(o.disks, [{ slot: 0, file: 'fs.img', snapshot: false, readonly: false, serial: undefined }]);
  assert.equal(o.virtioLegacy, false);
  assert.deepEqual({ serial: o.serial, monitor: o.monitor, escapes: o.escapes }, { serial: 'stdio', monitor: 'mux', escapes: true });
  assert.deepEqual(o.notes, []);
  // `make qemu-gdb` adds these.
  const g = q('-machine virt -bios none -kernel kernel/kernel -nographic -S -gdb tcp::26000');
  assert.deepEqual([g.startStopped, g.gdbPort], [true, 26000]);
});

test('rCore-Tutorial\'s `make run` line: a firmware and a flat kernel through the generic loader', () => {
  const o = q('-machine virt -nographic -bios ../bootloader/rustsbi-qemu.bin -device loader,file=target/os.bin,addr=0x80200000');
  assert.equal(o.machine.bios, '../bootloader/rustsbi-qemu.bin');
  assert.equal(o.machine.kernel, '');
  assert.deepEqual(o.machine.loads, [{ kind: 'file', path: 'target/os.bin', addr: 0x80200000n, cpu: undefined, raw: undefined }]);
});

test('-machine, -M, -cpu, -accel', () => {
  assert.equal(q('-M virt').machine.dumpDtb, '');
  assert.equal(q('-machine virt,dumpdtb=out.dtb').machine.dumpDtb, 'out.dtb');
  assert.deepEqual(notes('-machine virt,aclint=off,aia=none'), []);
  q('-machine virt,accel=tcg'); q('-accel tcg');
  refused('-machine sifive_u', /^-machine sifive_u: Chronos has the virt board only/);
  refused('-machine virt,aia=aplic-imsic', /aia=aplic-imsic is not supported/);
  refused('-machine virt,acpi=on', /acpi=on is not supported/);
  refused('-machine virt,highmem=on', /highmem=on is not supported by Chronos/);
  refused('-accel kvm', /^-accel kvm: Chronos emulates the hart itself/);
  assert.match(notes('-cpu rv64')[0], /^-cpu rv64: Chronos has one hart model/);
  assert.match(notes('-cpu sifive-u54')[0], /not sifive-u54/);
});

test('-m in QEMU\'s sizes, in whole MiB', () => {
  for (const [arg, mib] of [['128M', 128], ['256', 256], ['1G', 1024], ['2g', 2048], ['size=64M', 64], ['512M,slots=2,maxmem=1G', 512], ['4096M', 4096]] as const) {
    assert.equal(q(`-m ${arg}`).machine.memoryMiB, mib, arg);
  }
  refused('-m 1.5M', /^-m 1.5M: Chronos takes RAM in whole MiB/);
  refused('-m 8G', /1 MiB to 4 GiB/);
  refused('-m lots', /not a size/);
  refused('-m', /^-m: requires an argument/);
});

test('-smp as a count or a topology', () => {
  assert.equal(q('-smp 4').machine.harts, 4);
  assert.equal(q('-smp cpus=2').machine.harts, 2);
  assert.equal(q('-smp sockets=2,cores=2,threads=1').machine.harts, 4);
  assert.match(notes('-smp 2,maxcpus=4')[0], /no hotplug/);
  refused('-smp 9', /1 to 8 harts/);
  refused('-smp cpus=two', /cpus=two is not a number/);
  refused('-smp 2,books=3', /books=3 is not supported/);
});

test('-bios none, default and a file; -kernel, -initrd, -dtb, -append', () => {
  assert.equal(q('-kernel k').machine.bios, 'builtin');
  assert.equal(q('-bios none -kernel k').machine.bios, 'none');
  const d = q('-nographic -bios default -kernel k');
  assert.equal(d.machine.bios, 'builtin');
  assert.match(d.notes[0], /^-bios default: Chronos's built-in SBI stands in for OpenSBI/);
  assert.equal(q('-bios fw_jump.bin -kernel k').machine.bios, 'fw_jump.bin');
  const o = q('-kernel Image -initrd rootfs.cpio -dtb board.dtb -append "console=ttyS0 earlycon"');
  assert.deepEqual([o.machine.kernel, o.machine.initrd, o.machine.dtb, o.machine.append], ['Image', 'rootfs.cpio', 'board.dtb', 'console=ttyS0 earlycon']);
  refused('-append quiet', /^-append: only allowed with -kernel/);
  refused('-initrd r.cpio', /^-initrd: only allowed with -kernel/);
});

test('-drive with -device virtio-blk-device, slots as QEMU assigns them, -snapshot', () => {
  const o = q('-drive file=a.img,if=none,format=raw,id=a -drive file=b.img,if=none,format=raw,id=b,snapshot=on,readonly=on '
    + '-device virtio-blk-device,drive=a -device virtio-blk-device,drive=b,serial=disk2');
  // Without bus=, QEMU puts each device on the free slot with the highest address.
  assert.deepEqual(o.disks, [
    { slot: 7, file: 'a.img', snapshot: false, readonly: false, serial: undefined },
    { slot: 6, file: 'b.img', snapshot: true, readonly: true, serial: 'disk2' },
  ]);
  assert.equal(q('-snapshot -drive file=a.img,if=none,format=raw,id=a -device virtio-blk-device,drive=a').disks[0].snapshot, true);
  assert.equal(q('-global virtio-mmio.force-legacy=on').virtioLegacy, true);
  assert.equal(q('-kernel k').virtioLegacy, true, 'QEMU 7.2\'s default is the legacy interface');
  assert.match(notes('-drive file=a.img,if=none,id=a -device virtio-blk-device,drive=a')[0], /no format=raw given/);
  assert.match(notes('-drive file=a.img,if=none,format=raw,id=a')[0], /^-drive id=a: no -device virtio-blk-device,drive=a attaches it/);
  refused('-drive file=a.img,format=raw', /^-drive file=a.img,format=raw: without if=none, QEMU's virt board makes a PCI or IDE disk/);
  refused('-drive file=a.img,if=virtio', /if=virtio makes a PCI or IDE disk/);
  refused('-drive file=a.qcow2,if=none,format=qcow2,id=a', /format=qcow2: Chronos takes raw images only/);
  refused('-drive if=none,id=a', /needs file=IMAGE/);
  refused('-device virtio-blk-device,drive=nope', /drive=nope: no -drive with id=nope/);
  refused('-drive file=a,if=none,format=raw,id=a -device virtio-blk-device,drive=a,bus=virtio-mmio-bus.8', /virtio-mmio-bus.0 to virtio-mmio-bus.7/);
  refused('-drive file=a,if=none,format=raw,id=a -drive file=b,if=none,format=raw,id=b -device virtio-blk-device,drive=a,bus=virtio-mmio-bus.0 -device virtio-blk-device,drive=b,bus=virtio-mmio-bus.0', /bus virtio-mmio-bus.0 is full/);
  refused('-global virtio-mmio.force-legacy=maybe', /expected on or off/);
  refused('-global virtio-blk-device.scsi=off', /only virtio-mmio.force-legacy/);
});

test('-device loader in its three forms', () => {
  assert.deepEqual(q('-device loader,file=os.bin,addr=0x80200000,force-raw=on,cpu-num=0').machine.loads,
    [{ kind: 'file', path: 'os.bin', addr: 0x80200000n, cpu: 0, raw: true }]);
  assert.deepEqual(q('-device loader,addr=0x80001000,data=0x12345678,data-len=4,data-be=on').machine.loads,
    [{ kind: 'data', addr: 0x80001000n, value: 0x12345678n, size: 4, bigEndian: true, cpu: undefined }]);
  assert.deepEqual(q('-device loader,addr=0x80000000,cpu-num=1').machine.loads, [{ kind: 'pc', addr: 0x80000000n, cpu: 1 }]);
  assert.deepEqual(q('-device loader,file=k.elf').machine.loads, [{ kind: 'file', path: 'k.elf', addr: undefined, cpu: undefined, raw: undefined }]);
  refused('-device loader,addr=0x80000000,data=1,data-len=3', /data-len= must be 1, 2, 4 or 8/);
  refused('-device loader,addr=0x80000000', /needs file=, data= with data-len=, or addr= with cpu-num=/);
  refused('-device loader,file=a,size=4', /size=4 is not a property of the loader/);
  refused('-device loader,file=a,addr=zero', /addr=zero is not a number/);
});

test('devices Chronos lacks: virtio ones take their slot and are noted, PCI ones are noted, others refused', () => {
  const o = q('-nographic -device virtio-gpu-device -device virtio-net-device,netdev=n0 -netdev user,id=n0 -drive file=a,if=none,format=raw,id=a -device virtio-blk-device,drive=a');
  assert.match(o.notes[0], /^-device virtio-gpu-device: Chronos has no virtio-gpu-device \(a GPU\); the guest finds virtio-mmio slot 7 empty/);
  assert.match(o.notes[1], /slot 6 empty/);
  assert.match(o.notes[2], /^-netdev user,id=n0: Chronos has no network/);
  assert.equal(o.disks[0].slot, 5, 'the disk lands where QEMU would put it');
  assert.match(notes('-device virtio-net-pci')[0], /no PCI or USB bus: virtio-net-pci is left out/);
  refused('-device ide-hd,drive=a', /^-device ide-hd,drive=a: the device ide-hd is not supported by Chronos/);
});

test('the console and the monitor: -nographic, -serial, -monitor, -display', () => {
  const pick = (line: string) => { const o = q(line); return { serial: o.serial, monitor: o.monitor, escapes: o.escapes }; };
  assert.deepEqual(pick('-nographic'), { serial: 'stdio', monitor: 'mux', escapes: true });
  assert.deepEqual(pick('-serial mon:stdio -display none'), { serial: 'stdio', monitor: 'mux', escapes: true });
  assert.deepEqual(pick('-nographic -monitor none'), { serial: 'stdio', monitor: 'none', escapes: false });
  assert.deepEqual(pick('-nographic -serial none'), { serial: 'none', monitor: 'stdio', escapes: false });
  assert.deepEqual(pick('-display none -monitor stdio -serial none'), { serial: 'none', monitor: 'stdio', escapes: false });
  assert.deepEqual(pick('-serial stdio -display none'), { serial: 'stdio', monitor: 'none', escapes: false });
  assert.deepEqual(pick('-kernel k'), { serial: 'stdio', monitor: 'none', escapes: false });
  assert.match(allNotes('-kernel k')[0], /no -nographic: Chronos has no display window/);
  assert.match(allNotes('-monitor stdio')[0], /^-serial: Chronos has no window for the serial console/);
  assert.match(allNotes('-display gtk')[0], /^-display gtk: Chronos has no display window/);
  assert.match(allNotes('-nographic -serial mon:stdio -serial stdio')[0], /^-serial stdio: the virt board has one UART, already on mon:stdio$/);
  assert.deepEqual(q('-kernel k -display gtk').notes, [], 'the terminal\'s notes are kept apart');
  refused('-nographic -monitor stdio', /^-monitor stdio: cannot use stdio by multiple character devices/);
  refused('-nographic -serial stdio', /^-serial stdio: cannot use stdio by multiple character devices/);
  refused('-serial pty', /^-serial pty: Chronos puts the serial console on this terminal/);
  refused('-monitor telnet::4444,server,nowait', /^-monitor telnet::4444,server,nowait: Chronos's monitor is on this terminal/);
  refused('-display fancy', /not a display type/);
});

test('-s, -S, -gdb, -no-reboot, -d, -D and other harmless options', () => {
  assert.equal(q('-s').gdbPort, 1234);
  assert.equal(q('-gdb tcp::1235').gdbPort, 1235);
  assert.equal(q('-gdb tcp:localhost:1236').gdbPort, 1236);
  assert.equal(q('-S').startStopped, true);
  assert.equal(q('-no-reboot').noReboot, true);
  assert.equal(q('-kernel k').noReboot, false);
  refused('-gdb unix:/tmp/gdb.sock', /takes tcp::PORT/);
  refused('-gdb tcp::99999', /takes tcp::PORT/);
  assert.match(notes('-d int,guest_errors -D qemu.log').join('\n'), /^-d int,guest_errors: Chronos writes none of QEMU's logs[^\n]*\n-D qemu.log: no QEMU log is written to qemu.log$/);
  for (const line of ['-name xv6', '-rtc base=utc', '-icount shift=0', '-no-shutdown', '-k en-us', '-L /usr/share/qemu', '-boot d', '-usb', '-vga std', '-full-screen']) {
    const n = notes(line);
    assert.equal(n.length, 1, line);
    assert.ok(n[0].startsWith(line), n[0]);
  }
  for (const line of ['-vga none', '-net none', '-nic none', '-parallel none']) assert.deepEqual(notes(line), [], line);
  assert.equal(q('--nographic').escapes, true, 'two dashes, as QEMU accepts');
  assert.equal(q('-help').info, 'help');
  assert.equal(q('-version').info, 'version');
});

test('options Chronos refuses say so in one line naming them', () => {
  refused('-frobnicate', /^-frobnicate: not supported by Chronos \(chronos qemu -help lists the options it takes\)$/);
  refused('-enable-kvm', /^-enable-kvm: not supported by Chronos: Chronos emulates the hart itself/);
  refused('-hda disk.img', /^-hda: not supported by Chronos: IDE disks do not exist on the virt board/);
  refused('-chardev stdio,id=c0', /^-chardev: not supported by Chronos/);
  refused('-qmp tcp::4444', /^-qmp: not supported by Chronos: Chronos has no QMP/);
  refused('-pflash flash.img', /^-pflash: not supported/);
  refused('-nodefaults', /^-nodefaults: not supported/);
  refused('disk.img', /^disk.img: a file without an option/);
  refused('-machine virt,aia', /'aia' needs a value/);
});

test('launch.json\'s qemuArgs string splits as a shell splits it', () => {
  assert.deepEqual(splitCommandLine(`-append "console=ttyS0 root=/dev/vda" -kernel 'my kernel' -m 128M\\ `), ['-append', 'console=ttyS0 root=/dev/vda', '-kernel', 'my kernel', '-m', '128M ']);
  assert.deepEqual(splitCommandLine('  -nographic\n-smp  2\t'), ['-nographic', '-smp', '2']);
  assert.deepEqual(splitCommandLine('-append ""'), ['-append', '']);
  assert.throws(() => splitCommandLine('-append "unclosed'), /unclosed "/);
});

test('chronos qemu: a refused option is one line on stderr and exit status 2; -help has a -gdb line for Makefiles that probe it', () => {
  if (!existsSync('dist/chronos.js')) execFileSync(process.execPath, ['esbuild.mjs']);
  const r = spawnSync(process.execPath, ['dist/chronos.js', 'qemu', '-machine', 'virt', '-enable-kvm'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'chronos qemu: -enable-kvm: not supported by Chronos: Chronos emulates the hart itself; there is no KVM to enable\n');
  const h = spawnSync(process.execPath, ['bin/chronos-qemu.js', '-help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^-gdb dev/m);
  const v = spawnSync(process.execPath, ['dist/chronos.js', 'qemu', '-version'], { encoding: 'utf8' });
  assert.match(v.stdout, /^QEMU emulator version 7\.2\.0 \(Chronos/);
  const n = spawnSync(process.execPath, ['dist/chronos.js', 'qemu', '-machine', 'virt', '-nographic'], { encoding: 'utf8' });
  assert.equal(n.status, 2);
  assert.match(n.stderr, /^chronos qemu: nothing to boot: no -kernel, no -bios FILE and no -device loader/);
});
