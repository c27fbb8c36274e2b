#!/usr/bin/env bash
# Installs what Chronos needs on a Debian or Ubuntu machine, idempotently:
#   Debian packages (when run as root; otherwise it names the missing ones) and npm packages.
#   scripts/setup.sh          what building and the unit tests need
#   scripts/setup.sh --e2e    also a local VS Code (code-server) and Chromium for end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  qemu-system-misc opensbi gdb-multiarch            # the reference machine and firmware
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf  # test programs, objdump
  rustc cargo rust-src librust-compiler-builtins-dev # the kernel, offline, with a hand-built sysroot
  device-tree-compiler u-boot-qemu                   # dtc for --dump-dtb; U-Boot for the qemu drop-in tests
  linux-source-6.1 gcc-riscv64-linux-gnu flex bison bc cpio  # the Linux image (scripts/linux-image.sh)
)
E2E_PACKAGES=(chromium libkrb5-dev pkg-config ripgrep)
e2e=0
[[ "${1:-}" == "--e2e" ]] && { e2e=1; PACKAGES+=("${E2E_PACKAGES[@]}"); }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# npm packages: reinstall when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if ((e2e)) && [[ -x scripts/install-code-server.sh ]]; then
  bash scripts/install-code-server.sh
fi
