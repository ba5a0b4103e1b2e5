#!/usr/bin/env bash
# The main job, end to end: install what is missing, build the plugin, the
# library and kcovdf, build the patched kernel (variant small: the read(2)
# and write(2) paths instrumented), boot it under QEMU, record one real
# read(2) of 123 bytes with `kcovdf record` in the guest, and show the
# symbolised call tree on the host.
#
#   scripts/demo.sh [VARIANT]      (make demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:-small}
cd "$root"

step() { printf '\n== %s\n' "$*" >&2; }

step "installing missing Debian packages"
scripts/install-deps.sh
step "building the compiler plugin, the runtime, libkcovdf and kcovdf"
make -s all
step "building the kernel (variant $variant; first time ~5-15 min, then seconds)"
KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 kernel/build.sh "$variant" >/dev/null

share=$(mktemp -d "${TMPDIR:-/tmp}/kcovdf-demo.XXXXXX")
trap 'rm -rf "$share"' EXIT
step "booting it under QEMU and tracing: busybox dd if=/dev/zero of=/dev/null bs=123 count=1"
kernel/vm.sh --variant "$variant" --no-build --share "$share" \
	--add "$root/build/kcovdf:/bin/kcovdf" --timeout 600 -- \
	'kcovdf record -o /share/demo.trace -- busybox dd if=/dev/zero of=/dev/null bs=123 count=1'
cp "$share/demo.trace" "$root/build/demo.trace"

# No --vmlinux: the trace records the kernel's build id, and view finds
# build/kernel/$variant/vmlinux by it (and says so).
step "the trace (build/demo.trace), symbolised with the vmlinux of its build id"
build/kcovdf view -f 'ksys_read' build/demo.trace
printf '\nMore: build/kcovdf view build/demo.trace\n' >&2
printf '      build/kcovdf report build/demo.trace\n' >&2
