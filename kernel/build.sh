#!/usr/bin/env bash
# Build a kcov-dataflow kernel: kernel/build.sh [VARIANT]
#
#   VARIANT  small (default) | module | all | debug | base | bench | allubsan
#
# 1. Extracts /usr/src/linux-source-6.12.tar.xz once into build/kernel/src
#    and commits the pristine tree there (branch "pristine").
# 2. Applies kernel/patches/*.patch with `git am` on branch "kcovdf-series"
#    (redone whenever the patches change, so every build proves the series
#    applies with git am). Files whose content did not change keep their
#    old timestamps, so re-applying does not rebuild the world.
# 3. Configures build/kernel/<variant>/ as tinyconfig + the fragments the
#    variant lists (kernel/configs/*.config, merged with merge_config.sh)
#    + olddefconfig, and checks that every option a fragment asks for is
#    really set (fails loudly otherwise).
# 4. Builds with `make LLVM=-22 -j3` (through ccache when installed),
#    installs the modules
#    into build/kernel/<variant>/modinst and prints the bzImage path last.
#
# The compiler plugin is $KCOV_DATAFLOW_PLUGIN, else build/kcovdf-plugin.so.
# It is copied to a path that contains a hash of its content, and that path
# is what the kernel build sees: a changed plugin changes the command line
# of every instrumented object, so kbuild (and ccache) rebuild exactly those.
# Without a plugin the dataflow options are hidden by Kconfig; the build then
# goes on without them and says so, unless KCOVDF_REQUIRE_PLUGIN=1.
#
# Environment: JOBS (default 3, never more than 3), KCOVDF_CCACHE=0 to not
# use ccache, KCOVDF_BUILD_QUIET=1 to show only errors and the result,
# KCOVDF_REQUIRE_PLUGIN=1 to fail without a plugin, KCOVDF_PATCHES_UPTO=N
# and KCOVDF_CONFIG_LENIENT=1 to build with the first N patches only,
# KCOVDF_OUTDIR to build elsewhere than build/kernel/<variant>,
# KCOVDF_SRCDIR to use another source tree than build/kernel/src (e.g. to
# pin an older series while the series changes), KCOVDF_CACHE for the
# cache shared by clones (default ~/.cache/kcovdf: ccache, plugin copies).
set -euo pipefail
# The whole script is one brace group, read before it runs: editing this
# file while a build runs cannot derail that build.
{

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
top=$root/build/kernel
src=${KCOVDF_SRCDIR:-$top/src}
cache=${KCOVDF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcovdf}
tarball=${KCOVDF_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
variant=${1:-small}
jobs=${JOBS:-3}
[ "$jobs" -le 3 ] || jobs=3

die() { echo "kernel/build.sh: error: $*" >&2; exit 1; }
note() { echo "kernel/build.sh: $*" >&2; }

# Fragments per variant, in merge order.
case $variant in
small)	frags="common small" ;;
module)	frags="common module" ;;
all)	frags="common all" ;;
allubsan) frags="common all allubsan" ;;
debug)	frags="common small debug" ;;
base)	frags="common base" ;;
bench)	frags="common bench" ;;
*)	die "unknown variant '$variant' (small, module, all, debug, base, bench)" ;;
esac

out=${KCOVDF_OUTDIR:-$top/$variant}
mkdir -p "$top" "$out"

# One kernel build at a time on this machine (2 shared cores), whichever
# clone or worktree it comes from: the lock lives in the shared cache.
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
if ! flock -n 9; then
	note "waiting for another kernel build to finish"
	flock 9
fi

gitq() { git -C "$src" -c user.name=kcovdf-build -c user.email=build@kcovdf.invalid "$@"; }

# ---------------------------------------------------------------------
# 1. Pristine tree
# ---------------------------------------------------------------------
if [ ! -d "$src/.git" ]; then
	[ -r "$tarball" ] || die "$tarball not found (apt-get install linux-source-6.12)"
	note "extracting $tarball into $src"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	git -C "$src.tmp" init -q -b pristine
	git -C "$src.tmp" add -A -f .
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	GIT_AUTHOR_DATE="@1 +0000" GIT_COMMITTER_DATE="@1 +0000" \
	git -C "$src.tmp" -c user.name=kcovdf-build -c user.email=build@kcovdf.invalid \
		commit -q -m "Debian linux-source-6.12 $srcver (pristine)"
	git -C "$src.tmp" tag pristine-6.12
	rm -rf "$src"
	mv "$src.tmp" "$src"
fi

# ---------------------------------------------------------------------
# 2. The patch series
# ---------------------------------------------------------------------
shopt -s nullglob
patches=("$here"/patches/*.patch)
shopt -u nullglob
# KCOVDF_PATCHES_UPTO=N: apply only the first N patches (to check that each
# patch builds on its own); options of later patches then cannot be set,
# which KCOVDF_CONFIG_LENIENT=1 turns from an error into a warning.
if [ -n "${KCOVDF_PATCHES_UPTO:-}" ]; then
	patches=("${patches[@]:0:$KCOVDF_PATCHES_UPTO}")
fi
series_id=$( { echo v1; for p in "${patches[@]}"; do basename "$p"; sha256sum < "$p"; done; } |
	sha256sum | cut -c1-16)
stamp=$src/.git/kcovdf-series
cur=$(git -C "$src" symbolic-ref -q --short HEAD || echo detached)
if [ "$(cat "$stamp" 2>/dev/null)" != "$series_id" ] || [ "$cur" != kcovdf-series ] ||
   [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	note "applying ${#patches[@]} patch(es) from kernel/patches with git am"
	old=$(git -C "$src" rev-parse -q --verify kcovdf-series || git -C "$src" rev-parse pristine-6.12)
	# Remember the timestamps of the files the old series touched.
	mtimes=$top/.mtimes.$$
	: > "$mtimes"
	git -C "$src" diff --name-only pristine-6.12 "$old" | while read -r f; do
		[ -e "$src/$f" ] && printf '%s\t%s\n' "$(stat -c %Y "$src/$f")" "$f"
	done >> "$mtimes" || true
	gitq am --abort >/dev/null 2>&1 || true
	gitq checkout -q -f -B kcovdf-series pristine-6.12
	if [ ${#patches[@]} -gt 0 ] && ! gitq am -q --whitespace=error-all "${patches[@]}"; then
		gitq am --show-current-patch=diff | head -20 >&2 || true
		gitq am --abort || true
		rm -f "$mtimes" "$stamp"
		die "the series in kernel/patches does not apply with git am"
	fi
	# Files with the same content as before get their old timestamp back.
	while IFS=$'\t' read -r t f; do
		if git -C "$src" diff --quiet "$old" HEAD -- "$f" 2>/dev/null; then
			touch -d "@$t" "$src/$f"
		fi
	done < "$mtimes"
	rm -f "$mtimes"
	echo "$series_id" > "$stamp"
fi
kver=$(make -s -C "$src" kernelversion)

# ---------------------------------------------------------------------
# 3. Compiler, plugin, ccache
# ---------------------------------------------------------------------
command -v clang-22 >/dev/null || die "clang-22 not found"
plugin_src=${KCOV_DATAFLOW_PLUGIN:-$root/build/kcovdf-plugin.so}
plugin=
if [ "$variant" = base ]; then
	:	# no dataflow: the plugin must not even be named
elif [ -f "$plugin_src" ]; then
	h=$(sha256sum < "$plugin_src" | cut -c1-16)
	# In the cache shared by every clone: the same plugin has the same
	# path everywhere, so ccache entries made in one clone serve another.
	plugin=$cache/plugin/kcovdf-plugin-$h.so
	if [ ! -f "$plugin" ]; then
		mkdir -p "$cache/plugin"
		cp "$plugin_src" "$plugin.tmp" && mv "$plugin.tmp" "$plugin"
	fi
elif [ "${KCOVDF_REQUIRE_PLUGIN:-0}" = 1 ] && [ "$variant" != base ]; then
	die "plugin $plugin_src not found (make -C $root plugin)"
fi

cc=clang-22
if [ "${KCOVDF_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
	cc="ccache clang-22"
	# Outside the clone, so a fresh clone (CI) reuses the objects an
	# earlier build compiled. CCACHE_BASEDIR makes the absolute paths
	# under the clone relative (to the output directory), so two clones
	# with the same layout hash alike; kbuild already maps $(srctree) out
	# of __FILE__ (-fmacro-prefix-map), so objects do not name the clone.
	export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
	export CCACHE_BASEDIR=$root
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
	# No CCACHE_EXTRAFILES=$plugin: the plugin's path contains the hash of
	# its content and is on the command line of every instrumented object,
	# which ccache hashes; naming the file in CCACHE_EXTRAFILES would also
	# invalidate every object that is not instrumented at each new plugin.
	# Debug info names the compile directory; do not hash it either.
	export CCACHE_NOHASHDIR=1
fi

# Extra make arguments of a variant (kernel/configs/<fragment>.make).
makeargs=()
for f in $frags; do
	[ -f "$here/configs/$f.make" ] || continue
	while read -r line; do
		case $line in ''|'#'*) continue ;; esac
		makeargs+=("$line")
	done < "$here/configs/$f.make"
done

kmake() {
	make -C "$src" O="$out" LLVM=-22 CC="$cc" HOSTCC=gcc \
		KCOV_DATAFLOW_PLUGIN="$plugin" "${makeargs[@]}" "$@"
}

# ---------------------------------------------------------------------
# 4. Configuration
# ---------------------------------------------------------------------
fraglist=()
for f in $frags; do
	[ -f "$here/configs/$f.config" ] || die "missing kernel/configs/$f.config"
	fraglist+=("$here/configs/$f.config")
done
cfg_id=$( { echo "$series_id $plugin $cc ${makeargs[*]}"; cat "${fraglist[@]}"; } |
	sha256sum | cut -c1-16)
if [ "$(cat "$out/.kcovdf-config" 2>/dev/null)" != "$cfg_id" ] || [ ! -f "$out/.config" ]; then
	note "configuring $variant: tinyconfig + $frags"
	rm -f "$out/.kcovdf-config"
	kmake -s tinyconfig >/dev/null
	(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" "${fraglist[@]}" >/dev/null)
	kmake -s olddefconfig >/dev/null
	# Every option a fragment sets must be set exactly so in .config.
	missing=()
	skipped=()
	for f in "${fraglist[@]}"; do
		while read -r line; do
			case $line in
			CONFIG_*=*)
				opt=${line%%=*}
				if grep -qxF "$line" "$out/.config"; then continue; fi
				if [ -z "$plugin" ] && [[ $opt == *KCOV_DATAFLOW* ]]; then
					skipped+=("$opt")
					continue
				fi
				missing+=("$line (have: $(grep -E "^(# )?$opt[= ]" "$out/.config" || echo unset))")
				;;
			'# CONFIG_'*' is not set')
				opt=${line#\# }; opt=${opt%% *}
				if grep -qE "^$opt=[ym]" "$out/.config"; then
					missing+=("$line (have: $(grep -E "^$opt=" "$out/.config"))")
				fi
				;;
			esac
		done < "$f"
	done
	if [ ${#missing[@]} -gt 0 ]; then
		printf '  %s\n' "${missing[@]}" >&2
		[ "${KCOVDF_CONFIG_LENIENT:-0}" = 1 ] ||
			die "${#missing[@]} requested option(s) did not end up set in $out/.config"
		note "WARNING: ${#missing[@]} requested option(s) not set (KCOVDF_CONFIG_LENIENT=1)"
	fi
	if [ ${#skipped[@]} -gt 0 ]; then
		note "WARNING: no compiler plugin ($plugin_src): the dataflow options are hidden;"
		note "WARNING: building '$variant' WITHOUT: ${skipped[*]}"
	fi
	echo "$cfg_id" > "$out/.kcovdf-config"
fi

# ---------------------------------------------------------------------
# 5. Build
# ---------------------------------------------------------------------
note "building $variant ($kver) in $out with -j$jobs${plugin:+, plugin $plugin}"
log=$out/build.log
start=$(date +%s)
set +e
if [ "${KCOVDF_BUILD_QUIET:-0}" = 1 ]; then
	kmake -j"$jobs" all > "$log" 2>&1
else
	kmake -j"$jobs" all 2>&1 | tee "$log"
	(exit "${PIPESTATUS[0]}")
fi
rc=$?
set -e
if [ $rc -ne 0 ]; then
	grep -E -B2 -A8 'error:|Error [0-9]' "$log" | tail -60 >&2 || tail -40 "$log" >&2
	die "build of $variant failed (log: $log)"
fi
if grep -q '^CONFIG_MODULES=y' "$out/.config"; then
	rm -rf "$out/modinst"
	kmake -s INSTALL_MOD_PATH="$out/modinst" modules_install >> "$log" 2>&1 ||
		die "modules_install failed (log: $log)"
fi
kmake -s headers >> "$log" 2>&1 || die "make headers failed (log: $log)"
note "$variant built in $(( $(date +%s) - start ))s"
echo "$out/arch/x86/boot/bzImage"
exit 0
}
