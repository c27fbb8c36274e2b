#!/usr/bin/env bash
# The recipe of scripts/linux-image.sh (which caches its result, keyed by this file, config,
# init.c and the package versions): builds the kernel source SRC into OUT with make -jJOBS.
#   scripts/linux/build.sh SRC OUT JOBS
# OUT gets Image, vmlinux, .config, init and build.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$1 out=$2 jobs=$3
build=$out/build
mkdir -p "$build"
# The same inputs give the same kernel, down to its version string (which init prints).
export KBUILD_BUILD_USER=chronos KBUILD_BUILD_HOST=chronos KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
kmake() { nice -n 10 make -C "$src" O="$build" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- "$@"; }

# The init, against the kernel's own UAPI headers, with nolibc instead of a C library.
kmake headers  # into $build/usr/include
riscv64-linux-gnu-gcc -Os -static -nostdlib -fno-asynchronous-unwind-tables -fno-ident \
  -march=rv64imac -mabi=lp64 -include "$src/tools/include/nolibc/nolibc.h" \
  -I "$src/tools/include/nolibc" -isystem "$build/usr/include" \
  -o "$out/init" "$here/init.c" -lgcc
cat > "$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $out/init 0755 0 0
LIST

kmake tinyconfig
# The fragment, then the initramfs (its path is this build's), then every other option's default.
grep -v '^#' "$here/config" | grep . >> "$build/.config"
echo "CONFIG_INITRAMFS_SOURCE=\"$out/initramfs.list\"" >> "$build/.config"
kmake olddefconfig
# Every line of the fragment must have survived olddefconfig (a dependency it lacked would
# silently drop it): fail here rather than boot a kernel without, say, its console.
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  name=${line%%=*} value=${line#*=}
  if [[ $value == n ]]; then
    ! grep -q "^$name=" "$build/.config" || { echo "linux-image: $name is still set" >&2; exit 1; }
  else
    grep -qxF "$line" "$build/.config" || { echo "linux-image: $line did not survive olddefconfig" >&2; exit 1; }
  fi
done < "$here/config"
kmake -j"$jobs" Image vmlinux
cp "$build/arch/riscv/boot/Image" "$build/vmlinux" "$build/.config" "$out/"
