#!/usr/bin/env bash
# Builds a small Linux 6.1 for QEMU's virt board from Debian's packages, for the Linux boot test
# (test/linux) and the bench: Debian's linux-source-6.1 cross-built with gcc-riscv64-linux-gnu,
# tinyconfig plus scripts/linux/config (virt, SBI, the SBI and 8250 consoles, SMP, printk), with
# a built-in initramfs holding scripts/linux/init.c, a static init built with the kernel's own
# nolibc that prints a few lines and powers off.
#
#   scripts/linux-image.sh            builds (or finds) the image and prints the directory holding
#                                     Image (the kernel to boot) and vmlinux (its ELF, with symbols)
#
# The result is cached outside the repository, in ${XDG_CACHE_HOME:-~/.cache}/chronos/linux/KEY,
# where KEY hashes everything the build depends on (the recipe scripts/linux/build.sh, its
# config fragment and init, the package versions of the source and the compiler): a second
# run with the same inputs builds nothing.
# As root it installs the Debian packages it needs; otherwise it names them. CHRONOS_LINUX_JOBS
# sets make's -j (default 2: the build shares its machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PACKAGES=(linux-source-6.1 gcc-riscv64-linux-gnu make gcc libc6-dev flex bison bc cpio xz-utils)

log() { echo "linux-image: $*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the package lists when a package is not known yet.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  }
fi

source_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
gcc_version=$(dpkg-query -W -f='${Version}' gcc-riscv64-linux-gnu)
tarball=/usr/src/linux-source-6.1.tar.xz
[[ -f $tarball ]] || { log "$tarball is missing (reinstall linux-source-6.1)"; exit 1; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/chronos/linux
key=$( { cat "$here/linux/build.sh" "$here/linux/config" "$here/linux/init.c"; echo "$source_version $gcc_version"; } \
  | sha256sum | cut -c1-16)
out=$cache/$key
if [[ -f $out/done ]]; then
  echo "$out"
  exit 0
fi
# One build at a time: a second caller (another test, the bench) waits for it, then finds it done.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -f $out/done ]]; then
  echo "$out"
  exit 0
fi

# The source, unpacked once per package version and shared by every configuration.
src=$cache/src-$source_version/linux-source-6.1
if [[ ! -f $src/Makefile ]]; then
  log "unpacking $tarball (linux-source-6.1 $source_version)"
  rm -rf "$cache/src-$source_version.tmp"
  mkdir -p "$cache/src-$source_version.tmp"
  tar -xf "$tarball" -C "$cache/src-$source_version.tmp"
  rm -rf "$cache/src-$source_version"
  mv "$cache/src-$source_version.tmp" "$cache/src-$source_version"
fi

jobs=${CHRONOS_LINUX_JOBS:-2}
start=$(date +%s)
log "building in $out (make -j$jobs; the log is $out/build.log)"
rm -rf "$out"
mkdir -p "$out"
bash "$here/linux/build.sh" "$src" "$out" "$jobs" > "$out/build.log" 2>&1 || {
  log "the build failed; the end of $out/build.log:"; tail -30 "$out/build.log" >&2; exit 1; }
seconds=$(( $(date +%s) - start ))
log "built in ${seconds}s: $out/Image"
echo "$seconds" > "$out/build-seconds"
# The objects are not needed again (a changed input gets a new key and a fresh build).
rm -rf "$out/build"
touch "$out/done"
echo "$out"
