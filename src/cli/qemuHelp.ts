// `chronos qemu -help` and `-version`: the options Chronos takes, in the layout of
// qemu-system-riscv64 -help (an option at the start of its line, so that Makefiles probing
// `$(QEMU) -help | grep -q '^-gdb'`, as xv6's does, find what they look for).

export const QEMU_VERSION = 'QEMU emulator version 7.2.0 (Chronos: qemu-system-riscv64 -machine virt on its own emulator)\n';

export const QEMU_HELP = `usage: chronos qemu [options]   (qemu-system-riscv64's options; Chronos has the virt board only)

-machine virt[,dumpdtb=file]
-M virt         the virt board of QEMU 7.2 (CLINT, PLIC, UART, test finisher, virtio-mmio)
-cpu rv64       the one hart model (noted, not chosen)
-smp [cpus=]n   n harts, 1 to 8
-m [size=]megs  RAM, 1M to 4G, in whole MiB (default 128M)
-bios file      firmware at 0x80000000, entered in M-mode; 'none' runs the kernel in M-mode,
                'default' is Chronos's built-in SBI (the kernel starts in S-mode)
-kernel file    an ELF, a Linux Image or a flat binary, placed where QEMU places it
-initrd file    the initial RAM disk (/chosen linux,initrd-start and -end)
-dtb file       boot with this device tree instead of the board's
-append cmdline the kernel command line (/chosen bootargs)
-drive file=file,if=none,format=raw,id=id[,snapshot=on][,readonly=on]
-device virtio-blk-device,drive=id[,bus=virtio-mmio-bus.n]
                a disk on a virtio-mmio slot
-global virtio-mmio.force-legacy=on|off
                the virtio-mmio interface: legacy (version 1, QEMU's default) or modern
-device loader,file=file[,addr=addr][,cpu-num=n][,force-raw=on]
-device loader,addr=addr,data=value,data-len=1|2|4|8[,data-be=on][,cpu-num=n]
-device loader,addr=addr,cpu-num=n
                QEMU's generic loader
-nographic      the serial console and the monitor on this terminal (Ctrl-A c, Ctrl-A x)
-serial dev     mon:stdio, stdio or none
-monitor dev    stdio or none
-display none   (any display is noted: Chronos has no window)
-s              shorthand for -gdb tcp::1234
-gdb dev        accept gdb connection on 'dev' (tcp::port)
-S              do not start the harts at startup (the monitor's cont, or gdb, starts them)
-no-reboot      exit instead of rebooting when the guest resets
-d item,... / -D logfile
                noted: Chronos writes no QEMU logs
-help           this text
-version        the version line
`;
