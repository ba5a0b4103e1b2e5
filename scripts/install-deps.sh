#!/usr/bin/env bash
# Install the Debian packages kcov-dataflow needs (idempotent, quiet when
# everything is present). Needs root; uses sudo when not root.
set -euo pipefail
pkgs=(clang-22 llvm-22-dev llvm-22-tools lld-22 linux-source-6.12
      qemu-system-x86 busybox-static libdw-dev libelf-dev flex bison bc
      cpio libssl-dev make gcc python3 xz-utils git valgrind ccache
      dwarves gdb)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
