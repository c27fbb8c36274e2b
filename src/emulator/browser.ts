// The emulator's entry point for web pages (dist/emulator.browser.js, an ES module): the
// machine and the ELF loader, with nothing from Node. A page that runs it must allow
// 'unsafe-eval' in its content security policy, since blocks are translated with new Function.
export { Machine, type MachineOptions, type StopReason } from './machine.js';
export { parseElf, ElfError } from './loader/elf.js';
// Disks for the page to hand the machine (MachineOptions.drives): an image in memory, or writes kept over one.
export { MemoryDisk, OverlayDisk, type BlockBackend } from './devices/blockBackend.js';
