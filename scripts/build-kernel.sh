#!/usr/bin/env bash
# Builds Chronos OS (kernel/) into an RV64GC ELF with DWARF and frame pointers:
#   kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel
# First the user programs (kernel/user, linked at 0x40000000 by user/linker.ld, into
# kernel/user/target/riscv64gc-unknown-none-elf/release/, with DWARF). Copies without the
# DWARF and symbols (the same code at the same addresses) go to kernel/user/target/embed/,
# and the kernel embeds those with include_bytes! (kernel/src/programs.rs): the DWARF of a
# user program is about 1 MB, mostly core's, and its symbols 0.5 MB.
# With a rustup toolchain that has the riscv64gc-unknown-none-elf target, it uses that; otherwise
# Debian's rustc 1.63 with a core/alloc sysroot built here from Debian's rust-src (crates.io is
# never needed: the kernel and the programs use only core and alloc).
set -euo pipefail
cd "$(dirname "$0")/../kernel"
TARGET=riscv64gc-unknown-none-elf
OUT=target/$TARGET/release/chronos-kernel
PROGRAMS=(init sh utest hog pingpong spin fault echo)
COMMON="-C force-frame-pointers=yes -C relocation-model=static"
KERNEL_FLAGS="$COMMON -C link-arg=-Tlinker.ld"
USER_FLAGS="$COMMON -C link-arg=-T$PWD/user/linker.ld"

rustup_has_target() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}

# cargo_build RUSTFLAGS [cargo args...], with the toolchain chosen below.
if rustup_has_target; then
  echo "build-kernel: rustup toolchain ($(rustc --version))"
  cargo_build() { local flags=$1; shift; RUSTFLAGS="$flags" cargo build --release --offline --target "$TARGET" "$@"; }
elif [[ -x /usr/bin/rustc && -x /usr/bin/cargo && -d /usr/lib/rustlib/src/rust/library/core ]]; then
  RUSTC=/usr/bin/rustc
  SYSROOT=$PWD/target/sysroot
  LIB=$SYSROOT/lib/rustlib/$TARGET/lib
  SRC=/usr/lib/rustlib/src/rust/library
  CB=$(ls -d /usr/share/cargo/registry/compiler_builtins-* 2>/dev/null | sort -V | tail -1)
  if [[ -z "$CB" ]]; then
    echo "build-kernel: compiler_builtins sources are missing: apt-get install librust-compiler-builtins-dev" >&2
    exit 1
  fi
  stamp=$LIB/.built-with-$($RUSTC --version | tr ' ()' '___')
  if [[ ! -f $stamp ]]; then
    echo "build-kernel: building a core/alloc sysroot for $TARGET with $($RUSTC --version) (once)"
    rm -rf "$SYSROOT"; mkdir -p "$LIB"
    common=(--target "$TARGET" -C opt-level=2 -C panic=abort -C force-frame-pointers=yes -C debuginfo=1 --out-dir "$LIB" -L "$LIB")
    RUSTC_BOOTSTRAP=1 $RUSTC --edition 2021 --crate-type rlib --crate-name core "${common[@]}" "$SRC/core/src/lib.rs"
    RUSTC_BOOTSTRAP=1 $RUSTC --edition 2015 --crate-type rlib --crate-name compiler_builtins "${common[@]}" \
      --cfg 'feature="compiler-builtins"' --cfg 'feature="mem"' --cfg 'feature="unstable"' "$CB/src/lib.rs" 2>/dev/null
    RUSTC_BOOTSTRAP=1 $RUSTC --edition 2021 --crate-type rlib --crate-name alloc "${common[@]}" "$SRC/alloc/src/lib.rs"
    touch "$stamp"
  fi
  echo "build-kernel: Debian toolchain ($($RUSTC --version)) with sysroot $SYSROOT"
  # Debian's rust-lld needs the lld-14 package; GNU ld from binutils-riscv64-unknown-elf,
  # which the tests need anyway, links the kernel just as well.
  OLD="--sysroot $SYSROOT --cfg chronos_old_rustc -C linker=riscv64-unknown-elf-ld -C linker-flavor=ld"
  cargo_build() {
    local flags=$1; shift
    RUSTC=$RUSTC RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags $OLD" /usr/bin/cargo build --release --offline --target "$TARGET" "$@"
  }
else
  cat >&2 <<'MSG'
build-kernel: no Rust toolchain for riscv64gc-unknown-none-elf was found. Install either
  Debian's:  apt-get install rustc cargo rust-src librust-compiler-builtins-dev
  or rustup: rustup target add riscv64gc-unknown-none-elf
MSG
  exit 1
fi

OBJCOPY=$(command -v riscv64-unknown-elf-objcopy || command -v llvm-objcopy || command -v rust-objcopy || true)
if [[ -z "$OBJCOPY" ]]; then
  echo "build-kernel: no objcopy for RISC-V ELF files: apt-get install binutils-riscv64-unknown-elf (or put llvm-objcopy on PATH)" >&2
  exit 1
fi

cargo_build "$USER_FLAGS" --manifest-path user/Cargo.toml
mkdir -p user/target/embed
for p in "${PROGRAMS[@]}"; do
  from=user/target/$TARGET/release/$p
  # Rewrite the embedded copy only when the program changed, so cargo does not rebuild the
  # kernel for nothing.
  if [[ ! -f user/target/embed/$p || $from -nt user/target/embed/$p ]]; then
    "$OBJCOPY" --strip-all "$from" "user/target/embed/$p"
  fi
done
cargo_build "$KERNEL_FLAGS"
echo "build-kernel: $PWD/$OUT"
