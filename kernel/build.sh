#!/usr/bin/env bash
# Build a kcov-dataflow kernel:
#
#   kernel/build.sh [VARIANT]
#   kernel/build.sh --name NAME [--base small|module|all|debug]
#                   [--instrument PATH]... [--config CONFIG_X=y|m|n|VALUE]...
#                   [--no-inline] [--no-kcov]
#                   [--kernel-src DIR] [--kernel-config FILE] [--configure-only]
#
#   VARIANT  small (default) | module | all | debug | base | bench |
#            allubsan, or the
#            NAME of a variant defined earlier with --name
#
# --name NAME defines a variant of your own, built in build/kernel/NAME/
# (`kcovdf vm build` runs this script, `kcovdf vm run --variant NAME` boots
# it). Its options replace the previous definition of NAME, which is kept in
# build/kernel/NAME/kcovdf-variant; `--name NAME` alone (or just NAME)
# rebuilds it as last defined. See kernel/README.md "Variants of your own".
#
#   --base B           the fragments of variant B (default small) on top of
#                      tinyconfig
#   --instrument PATH  a file (drivers/android/binder.c) or a directory
#                      (drivers/android/: every object below it), relative
#                      to the kernel tree, instrumented for KCOV-Dataflow and
#                      (unless --no-kcov) for KCOV, which with
#                      CONFIG_KCOV_EXT_RECORDS gives the entry/exit records
#                      of `kcovdf record --pc-ext`. Files whose Makefile says
#                      KCOV_INSTRUMENT := n stay uninstrumented; a PATH that
#                      KCOV may not instrument is refused. After the build,
#                      every PATH is checked to have objects that call the
#                      callbacks.
#   --config CONFIG_X=VALUE
#                      y, m, n (not set), a number or a string, merged after
#                      the base; each must hold after olddefconfig, else the
#                      build stops naming the options and their unmet
#                      dependencies
#   --no-inline        CONFIG_KCOV_DATAFLOW_NO_INLINE: instrumented files keep
#                      functions not declared inline out of line
#   --kernel-src DIR   your kernel git tree instead of Debian's 6.12 source:
#                      its HEAD commit (uncommitted changes are refused) gets
#                      the series with git am on branch kcovdf/NAME, in a git
#                      worktree at build/kernel/src-NAME
#   --kernel-config FILE
#                      your .config instead of tinyconfig + base; the options
#                      of kernel/configs/own.config (dataflow, DWARF, what
#                      kernel/vm.sh needs) are merged on top
#   --configure-only   stop after configuring and checking (no build)
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
# goes on without them and says so, unless KCOVDF_REQUIRE_PLUGIN=1 (variants
# of your own always need the plugin).
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
cache=${KCOVDF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcovdf}
tarball=${KCOVDF_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
jobs=${JOBS:-3}
[ "$jobs" -le 3 ] || jobs=3

die() { echo "kernel/build.sh: error: $*" >&2; exit 1; }
note() { echo "kernel/build.sh: $*" >&2; }
usage() { sed -n '2,47p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

builtins="small module all debug base bench allubsan"
# Fragments of a built-in variant, in merge order.
frags_of() {
	case $1 in
	small)	echo "common small" ;;
	module)	echo "common module" ;;
	all)	echo "common all" ;;
	allubsan) echo "common all allubsan" ;;
	debug)	echo "common small debug" ;;
	base)	echo "common base" ;;
	bench)	echo "common bench" ;;
	*)	return 1 ;;
	esac
}

# ---------------------------------------------------------------------
# 0. Command line; variants of your own
# ---------------------------------------------------------------------
variant= name= defining=0 configure_only=0 utop=
opt_base= opt_noinline=0 opt_kcov=1 opt_ksrc= opt_kconfig=
opt_instr=() opt_config=()
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=${2:?--name needs a NAME}; shift 2 ;;
	--name=*) name=${1#*=}; shift ;;
	--base) opt_base=${2:?--base needs small, module, all or debug}; defining=1; shift 2 ;;
	--base=*) opt_base=${1#*=}; defining=1; shift ;;
	--instrument) opt_instr+=("${2:?--instrument needs a PATH}"); defining=1; shift 2 ;;
	--instrument=*) opt_instr+=("${1#*=}"); defining=1; shift ;;
	--config) opt_config+=("${2:?--config needs CONFIG_X=VALUE}"); defining=1; shift 2 ;;
	--config=*) opt_config+=("${1#*=}"); defining=1; shift ;;
	--no-inline) opt_noinline=1; defining=1; shift ;;
	--no-kcov) opt_kcov=0; defining=1; shift ;;
	--kernel-src) opt_ksrc=${2:?--kernel-src needs a DIR}; defining=1; shift 2 ;;
	--kernel-src=*) opt_ksrc=${1#*=}; defining=1; shift ;;
	--kernel-config) opt_kconfig=${2:?--kernel-config needs a FILE}; defining=1; shift 2 ;;
	--kernel-config=*) opt_kconfig=${1#*=}; defining=1; shift ;;
	--configure-only) configure_only=1; shift ;;
	-h|--help) usage ;;
	-*) die "unknown option '$1' (kernel/build.sh --help)" ;;
	*)	[ -z "$variant" ] || die "more than one variant ('$variant', '$1')"
		variant=$1; shift ;;
	esac
done
if [ -n "$name" ] && [ -n "$variant" ] && [ "$name" != "$variant" ]; then
	die "both --name $name and variant $variant given"
fi
[ -n "$name" ] || name=$variant
[ -n "$name" ] || name=small

custom=0
if frags=$(frags_of "$name"); then
	[ "$defining" = 0 ] ||
		die "'$name' is a built-in variant ($builtins): choose another --name"
else
	custom=1
	case $name in
	src|src-*|runs|tools|plugin|dev|ccache|.*)
		die "--name $name: reserved (build/kernel/$name is used for something else)" ;;
	esac
	[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] ||
		die "--name '$name': use letters, digits, '_', '.', '-'"
fi

out=${KCOVDF_OUTDIR:-$top/$name}
spec=$out/kcovdf-variant
abspath() { (cd "$(dirname "$1")" 2>/dev/null && echo "$(pwd)/$(basename "$1")"); }
if [ "$custom" = 1 ]; then
	if [ "$defining" = 1 ]; then
		if [ -n "$opt_kconfig" ]; then
			[ -z "$opt_base" ] ||
				die "--kernel-config replaces the base (tinyconfig + fragments): no --base with it"
			[ -f "$opt_kconfig" ] || die "--kernel-config $opt_kconfig: no such file"
			opt_kconfig=$(abspath "$opt_kconfig")
			opt_base=own
		else
			[ -n "$opt_base" ] || opt_base=small
			case $opt_base in
			small|module|all|debug) ;;
			*) die "--base $opt_base: one of small, module, all, debug" ;;
			esac
		fi
		if [ -n "$opt_ksrc" ]; then
			[ -d "$opt_ksrc" ] || die "--kernel-src $opt_ksrc: no such directory"
			opt_ksrc=$(cd "$opt_ksrc" && pwd)
		fi
	elif [ -f "$spec" ]; then
		# The definition of an earlier --name NAME ... (one "key value"
		# per line; values may contain spaces).
		while IFS= read -r line; do
			k=${line%% *} v=${line#* }
			case $k in
			base) opt_base=$v ;;
			instrument) opt_instr+=("$v") ;;
			config) opt_config+=("$v") ;;
			no-inline) opt_noinline=$v ;;
			kcov) opt_kcov=$v ;;
			kernel-src) opt_ksrc=$v ;;
			kernel-config) opt_kconfig=$v ;;
			esac
		done < "$spec"
		[ -n "$opt_base" ] || die "$spec: no base (define the variant again with --name $name ...)"
	else
		die "unknown variant '$name' (built in: $builtins; or define your own: --name $name [--instrument PATH] [--config CONFIG_X=y] ..., see kernel/README.md)"
	fi
	if [ "$opt_base" = own ]; then
		frags="own"
	else
		frags=$(frags_of "$opt_base")
	fi
fi
variant=$name
# A definition refused before anything was made leaves no empty directory.
tmpfiles=()
new_out=0
[ -d "$out" ] || new_out=1
on_exit() {
	[ ${#tmpfiles[@]} -eq 0 ] || rm -f "${tmpfiles[@]}"
	[ "$new_out" = 0 ] || rmdir "$out" 2>/dev/null || true
}
trap on_exit EXIT
mkdir -p "$top" "$out"

# ---------------------------------------------------------------------
# 1. Which source tree, which series; what a variant of your own asks for
#    (all read-only: before the lock)
# ---------------------------------------------------------------------
if [ -n "$opt_ksrc" ]; then
	utop=$(git -C "$opt_ksrc" rev-parse --show-toplevel 2>/dev/null) ||
		die "--kernel-src $opt_ksrc: not a git work tree (the series is applied with git am: git init && git add -A && git commit)"
	[ -f "$utop/Makefile" ] && [ -f "$utop/Kconfig" ] && [ -d "$utop/kernel" ] ||
		die "--kernel-src $utop: not a Linux kernel tree (no Makefile, Kconfig, kernel/)"
	base=$(git -C "$utop" rev-parse -q --verify 'HEAD^{commit}') ||
		die "--kernel-src $utop: no commit yet"
	dirty=$(git -C "$utop" status --porcelain --untracked-files=no)
	if [ -n "$dirty" ]; then
		printf '%s\n' "$dirty" | head -n 10 | sed 's/^/  /' >&2
		die "--kernel-src $utop has uncommitted changes: commit or stash them (the build uses commit $(git -C "$utop" rev-parse --short HEAD), never uncommitted work, and changes nothing in your checkout)"
	fi
	src=${KCOVDF_SRCDIR:-$top/src-$name}
	branch=kcovdf/$name
	src_label="$utop at $(git -C "$utop" log -1 --format='%h (%s)' "$base")"
else
	src=${KCOVDF_SRCDIR:-$top/src}
	branch=kcovdf-series
	base=
	src_label="Debian linux-source-6.12"
fi

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

if [ -n "$opt_ksrc" ]; then
	# Does the series apply to the user's commit? Tried on a temporary
	# index (no checkout, nothing in the user's tree changes), so a tree
	# it does not fit fails in seconds, naming the patch and git's reason.
	st=$(git -C "$src" rev-parse --path-format=absolute --git-path kcovdf-series 2>/dev/null) || st=/nonexistent
	if [ "$(sed -n 1p "$st" 2>/dev/null)" != "$series_id" ] ||
	   [ "$(sed -n 2p "$st" 2>/dev/null)" != "$base" ]; then
		idx=$(mktemp "${TMPDIR:-/tmp}/kcovdf-index.XXXXXX")
		tmpfiles+=("$idx")
		GIT_INDEX_FILE=$idx git -C "$utop" read-tree "$base"
		for p in "${patches[@]}"; do
			if ! msg=$(GIT_INDEX_FILE=$idx git -C "$utop" apply --cached \
					--whitespace=error-all "$p" 2>&1); then
				printf '%s\n' "$msg" | head -n 12 | sed 's/^/  /' >&2
				die "the series does not apply to $src_label: $(basename "$p") fails (above: git's reason). The series is made for Debian's linux-source-6.12 (6.12.117, 6.12.118); see kernel/README.md \"Your own kernel tree\""
			fi
		done
		rm -f "$idx"
	fi
fi

# A variant of your own: check what it asks for before configuring.
# kconfig_defs SYM: "file:line" of every definition of SYM in the tree.
kconfig_defs() {
	git -C "$src" grep -nE "^[[:space:]]*(menu)?config[[:space:]]+$1[[:space:]]*(#.*)?$" \
		-- '*Kconfig*' 2>/dev/null | cut -d: -f1,2 || true
}
# Kconfig help text is prose: a line of it that starts with "if" or
# "depends on" is not a statement (init/Kconfig's LOCALVERSION_AUTO help
# has "if a git-based tree is found"). in_help() says whether the current
# line is help text: the lines after "help" that are blank or indented at
# least as far as its first non-blank line (tabs to 8 columns), as
# scripts/kconfig/lexer.l reads them.
# shellcheck disable=SC2016 # awk code: $0 is awk's
kconfig_awk_help='
function indent(s,   i, c, n) {
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == " ") n++; else if (c == "\t") n += 8 - n % 8; else break
	}
	return n
}
function in_help() {
	if (help) {
		if ($0 ~ /^[[:space:]]*$/) return 1
		if (hind < 0) hind = indent($0)
		if (hind > 0 && indent($0) >= hind) return 1
		help = 0
	}
	if ($0 ~ /^[[:space:]]*(help|---help---)[[:space:]]*$/) { help = 1; hind = -1; return 1 }
	return 0
}'
# kconfig_block FILE LINE: the attribute lines of the entry at LINE.
kconfig_block() {
	awk -v l="$2" "$kconfig_awk_help"'
		NR <= l { next }
		in_help() { print; next }
		/^[[:space:]]*(config|menuconfig|choice|endchoice|comment|menu|endmenu|if|endif|source|rsource|osource|orsource)([[:space:]]|$)/ { exit }
		{ print }' "$src/$1"
}
# kconfig_conds FILE LINE: "file:line: depends on EXPR" for the entry at
# LINE, its enclosing if/menu/choice blocks in FILE included, and its
# "range" lines (an int or hex value outside them is not taken).
kconfig_conds() {
	awk -v l="$2" -v f="$1" "$kconfig_awk_help"'
	function trim(s) { sub(/^[[:space:]]+/, "", s); sub(/[[:space:]]+$/, "", s); return s }
	NR == l { help = 0 }
	NR != l && in_help() { next }
	NR < l {
		if ($0 ~ /^[[:space:]]*if[[:space:]]/) { s = $0; sub(/^[[:space:]]*if[[:space:]]+/, "", s)
			st[++n] = f ":" NR ": if " trim(s); kind[n] = "if"; next }
		if ($0 ~ /^[[:space:]]*endif([[:space:]]|$)/) { while (n > 0 && kind[n] != "if") n--; if (n > 0) n--; next }
		if ($0 ~ /^[[:space:]]*(menu[[:space:]]|choice([[:space:]]|$))/) { st[++n] = ""; kind[n] = "menu"; open = 1; next }
		if ($0 ~ /^[[:space:]]*(endmenu|endchoice)([[:space:]]|$)/) { while (n > 0 && kind[n] != "menu") n--; if (n > 0) n--; next }
		if (open && $0 ~ /^[[:space:]]*(depends on|visible if)[[:space:]]/) {
			st[n] = st[n] (st[n] == "" ? "" : "\n") f ":" NR ": " trim($0); next }
		if ($0 ~ /^[[:space:]]*(config|menuconfig|comment|source)[[:space:]]/) open = 0
		next
	}
	NR == l { for (i = 1; i <= n; i++) if (st[i] != "") print st[i]; next }
	/^[[:space:]]*(config|menuconfig|choice|endchoice|comment|menu|endmenu|if|endif|source)([[:space:]]|$)/ { exit }
	/^[[:space:]]*(depends on|range)[[:space:]]/ { print f ":" NR ": " trim($0) }
	' "$src/$1"
}
# cfgval SYM: its value in $out/.config ("n" when not set).
cfgval() {
	local v
	v=$(grep -E "^CONFIG_$1=" "$out/.config" 2>/dev/null | head -n 1 || true)
	if [ -n "$v" ]; then echo "${v#*=}"; else echo n; fi
}
# explain SYM: why CONFIG_SYM is not what was asked (after olddefconfig).
explain() {
	local sym=$1 d f l c syms s
	for d in $(kconfig_defs "$sym"); do
		f=${d%%:*} l=${d#*:}
		# Another architecture's definition has no say on x86.
		case $f in arch/x86/*) ;; arch/*/*) continue ;; esac
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			syms=$(printf '%s\n' "${c#*: }" | sed 's/^\(depends on\|if\|visible if\|range\)//' |
				grep -oE '\b[A-Z0-9_]+\b' | grep -vxE 'y|m|n|[0-9]+|0[xX][0-9A-Fa-f]+' | sort -u || true)
			vals=
			for s in $syms; do vals="$vals $s=$(cfgval "$s")"; done
			if [ -n "$vals" ]; then
				echo "      $c   [now:$vals ]"
			else
				echo "      $c"
			fi
		done < <(kconfig_conds "$f" "$l")
		if ! kconfig_block "$f" "$l" | grep -qE '^[[:space:]]*((bool|tristate|string|int|hex)[[:space:]]+"|prompt[[:space:]])'; then
			echo "      $f:$l: CONFIG_$sym has no prompt: only a select or its default sets it"
		fi
	done
	git -C "$src" grep -nE "^[[:space:]]*select[[:space:]]+$sym([[:space:]]|$)" -- '*Kconfig*' 2>/dev/null |
	while IFS=: read -r f l _; do
		s=$(awk -v l="$l" 'NR <= l && /^[[:space:]]*(menu)?config[[:space:]]/ { c = $2 } NR == l { print c; exit }' "$src/$f")
		[ -n "$s" ] || continue
		case $(cfgval "$s") in y|m) echo "      selected by CONFIG_$s=$(cfgval "$s") ($f:$l)" ;; esac
	done | head -n 5 || true
}

# --instrument: a file or a directory of the tree, that KCOV may
# instrument (KCOV_INSTRUMENT := n there is the tree's "never").
# gov_makefile DIR: the Makefile (or Kbuild) that builds DIR's objects.
gov_makefile() {
	local d=$1
	while :; do
		if [ -f "$src/$d/Kbuild" ]; then echo "$d/Kbuild"; return; fi
		if [ -f "$src/$d/Makefile" ]; then echo "$d/Makefile"; return; fi
		[ "$d" != "${d%/*}" ] || return 0
		d=${d%/*}
	done
}
# no_kcov MAKEFILE [STEM]: the line that says KCOV may not instrument
# the whole directory, or object STEM.o (relative to the Makefile).
no_kcov() {
	local re='KCOV_INSTRUMENT'
	[ -z "${2:-}" ] || re="KCOV_INSTRUMENT(_${2//./\\.}\\.o)?"
	grep -nE "^[[:space:]]*${re}[[:space:]]*:?=[[:space:]]*n" "$src/$1" 2>/dev/null |
		head -n 1 | sed "s|^|$1:|" || true
}

userfrag=$out/kcovdf-user.config
instr_pats=()
instr_list=()
# validate: check the options and paths of a variant of your own, write its
# fragment (kcovdf-user.config) and its definition (kcovdf-variant).
validate() {
	tmpfiles+=("$userfrag.tmp" "$spec.tmp")
	: > "$userfrag.tmp"
	[ "$opt_noinline" = 1 ] && opt_config+=(CONFIG_KCOV_DATAFLOW_NO_INLINE=y)
	bad=()
	for c in "${opt_config[@]}"; do
		[[ $c == *=* ]] || { bad+=("--config $c: expected CONFIG_X=y|m|n|VALUE"); continue; }
		sym=${c%%=*} val=${c#*=}
		sym=${sym#CONFIG_}
		[[ $sym =~ ^[A-Za-z0-9_]+$ ]] || { bad+=("--config $c: '$sym' is not an option name"); continue; }
		defs=$(kconfig_defs "$sym")
		if [ -z "$defs" ]; then
			bad+=("--config $c: there is no option CONFIG_$sym in this kernel's Kconfig files")
			continue
		fi
		if ! printf '%s\n' "$defs" | grep -qvE '^arch/[^/]+/' &&
		   ! printf '%s\n' "$defs" | grep -qE '^arch/x86/'; then
			bad+=("--config $c: CONFIG_$sym is defined only for other architectures ($(printf '%s ' $defs | sed 's/ $//'))")
			continue
		fi
		# The type from a definition x86 reads (arch/x86 or common).
		f=$(printf '%s\n' "$defs" | grep -vE '^arch/[^/]+/' | head -n 1 || true)
		[ -n "$f" ] || f=$(printf '%s\n' "$defs" | grep -E '^arch/x86/' | head -n 1)
		type=$(kconfig_block "${f%%:*}" "${f#*:}" |
			sed -nE 's/^[[:space:]]*(def_)?(bool|tristate|string|int|hex)([[:space:]].*)?$/\2/p' | head -n 1)
		case $val in
		n)	echo "# CONFIG_$sym is not set" >> "$userfrag.tmp"; continue ;;
		y|m)	case $type in
			string|int|hex) bad+=("--config $c: CONFIG_$sym is a $type option") ; continue ;;
			bool) [ "$val" = y ] || { bad+=("--config $c: CONFIG_$sym is a bool option (y or n)"); continue; } ;;
			esac ;;
		*)	case $type in
			bool) bad+=("--config $c: CONFIG_$sym is a bool option (y or n)"); continue ;;
			tristate) bad+=("--config $c: CONFIG_$sym is a tristate option (y, m or n)"); continue ;;
			int) [[ $val =~ ^-?[0-9]+$ ]] || { bad+=("--config $c: CONFIG_$sym is an int option"); continue; } ;;
			hex) [[ $val =~ ^(0[xX])?[0-9a-fA-F]+$ ]] || { bad+=("--config $c: CONFIG_$sym is a hex option"); continue; }
			     # As Kconfig writes hex values, so that the check below finds it.
			     [[ $val =~ ^0[xX] ]] || val=0x$val ;;
			string) [[ $val == \"*\" ]] || val="\"$val\"" ;;
			esac ;;
		esac
		echo "CONFIG_$sym=$val" >> "$userfrag.tmp"
	done
	[ ${#bad[@]} -eq 0 ] || { printf '  %s\n' "${bad[@]}" >&2; die "${#bad[@]} bad --config option(s)"; }

	for p in "${opt_instr[@]}"; do
		q=$p
		case $q in "$src"/*) q=${q#"$src"/} ;; "$utop"/*) q=${q#"$utop"/} ;; esac
		case $q in /*) die "--instrument $p: give a path relative to the kernel tree ($src)" ;; esac
		while [[ $q == ./* ]]; do q=${q#./}; done
		q=$(printf '%s' "$q" | sed -E 's|/+|/|g; s|/$||')
		[[ $q =~ ^[A-Za-z0-9_./+-]+$ ]] || die "--instrument $p: unusual characters in the path"
		case /$q/ in */../*|*/./*) die "--instrument $p: no '.' or '..' components, please" ;; esac
		[ -n "$q" ] || die "--instrument $p: the whole tree is CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL (--base all)"
		case $q in arch/*) case $q in arch/x86|arch/x86/*) ;; *)
			die "--instrument $p: not built for x86_64" ;; esac ;; esac
		if [ -d "$src/$q" ]; then
			find "$src/$q" -name '*.c' -print -quit | grep -q . ||
				die "--instrument $p: no C file under $q/"
			m=$(gov_makefile "$q")
			bl=$(no_kcov "$m")
			[ -z "$bl" ] || die "--instrument $p: KCOV may not instrument $q/ ($bl), and KCOV-Dataflow honours it"
			instr_pats+=("$q/%")
			instr_list+=("$q/")
			# Parts of the directory that stay uninstrumented.
			[ "$defining" = 1 ] && while IFS= read -r mf; do
				mf=${mf#"$src"/}
				grep -nE '^[[:space:]]*KCOV_INSTRUMENT[_A-Za-z0-9./-]*[[:space:]]*:?=[[:space:]]*n' "$src/$mf" |
					sed "s|^|kernel/build.sh: note: not instrumented: $mf:|" >&2 || true
			done < <(find "$src/$q" \( -name Makefile -o -name Kbuild \) -print | sort)
		elif [ -f "$src/$q" ]; then
			case $q in
			*.c) ;;
			*.o) [ -f "$src/${q%.o}.c" ] || die "--instrument $p: no ${q%.o}.c"; q=${q%.o}.c ;;
			*.h) die "--instrument $p: a header is not compiled on its own; instrument the .c files that include it" ;;
			*.S|*.s) die "--instrument $p: assembly is not instrumented" ;;
			*.rs) die "--instrument $p: Rust is not instrumented (the plugin is for clang; C only)" ;;
			*) die "--instrument $p: not a C file" ;;
			esac
			d=${q%/*} stem=${q##*/}; stem=${stem%.c}
			[ "$d" != "$q" ] || d=.
			m=$(gov_makefile "$d")
			rel=${d#"$(dirname "$m")"}; rel=${rel#/}
			bl=$(no_kcov "$m" "${rel:+$rel/}$stem")
			[ -z "$bl" ] || die "--instrument $p: KCOV may not instrument it ($bl), and KCOV-Dataflow honours it"
			instr_pats+=("${q%.c}")
			instr_list+=("$q")
		else
			die "--instrument $p: no such file or directory in $src"
		fi
	done
	mv "$userfrag.tmp" "$userfrag"
	# The definition, for `--name NAME` alone, vm.sh --variant NAME, and
	# to see what a variant is.
	{
		echo "base $opt_base"
		for p in "${instr_list[@]}"; do echo "instrument $p"; done
		for c in "${opt_config[@]}"; do
			[ "$c" = CONFIG_KCOV_DATAFLOW_NO_INLINE=y ] && [ "$opt_noinline" = 1 ] && continue
			echo "config $c"
		done
		echo "no-inline $opt_noinline"
		echo "kcov $opt_kcov"
		[ -z "$opt_ksrc" ] || echo "kernel-src $opt_ksrc"
		[ -z "$opt_kconfig" ] || echo "kernel-config $opt_kconfig"
	} > "$spec.tmp"
	mv "$spec.tmp" "$spec"
}

# tree_ready: the source tree has the series applied as this build wants it
# (so the checks of a variant of your own can run before waiting for the
# lock: bad input is refused at once).
tree_ready() {
	local st cur b=$base
	[ -d "$src" ] || return 1
	[ -n "$b" ] || b=$(git -C "$src" rev-parse -q --verify 'pristine-6.12^{commit}' 2>/dev/null) || return 1
	st=$(git -C "$src" rev-parse --path-format=absolute --git-path kcovdf-series 2>/dev/null) || return 1
	[ "$(sed -n 1p "$st" 2>/dev/null)" = "$series_id" ] || return 1
	[ "$(sed -n 2p "$st" 2>/dev/null)" = "$b" ] || return 1
	cur=$(git -C "$src" symbolic-ref -q --short HEAD) || return 1
	[ "$cur" = "$branch" ] || return 1
	[ -z "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]
}
validated=0 ready=0
if tree_ready; then
	ready=1
	if [ "$custom" = 1 ]; then
		validate
		validated=1
	fi
fi

# One kernel build at a time on this machine (2 shared cores), whichever
# clone or worktree it comes from: the lock lives in the shared cache.
# --configure-only on a tree that needs no change compiles nothing but
# Kconfig's own tools: it does not wait for the builds of others.
mkdir -p "$cache"
if [ "$configure_only" = 1 ] && [ "$ready" = 1 ]; then
	:
else
	exec 9>"$cache/.build.lock"
	if ! flock -n 9; then
		note "waiting for another kernel build to finish"
		flock 9
	fi
fi

# ---------------------------------------------------------------------
# 2. Source tree: Debian's pristine tree, or a worktree of the user's tree
# ---------------------------------------------------------------------
gitq() {
	git -C "$src" -c user.name=kcovdf-build -c user.email=build@kcovdf.invalid \
		-c core.hooksPath=/dev/null "$@"
}

if [ -z "$opt_ksrc" ] && [ ! -d "$src/.git" ]; then
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
[ -n "$base" ] || base=$(git -C "$src" rev-parse pristine-6.12)

if [ -n "$opt_ksrc" ]; then
	# A worktree of the user's repository, ours alone (build/kernel/src-NAME).
	if [ -e "$src" ]; then
		mine=$(git -C "$src" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
		theirs=$(git -C "$utop" rev-parse --path-format=absolute --git-common-dir)
		if [ "$mine" != "$theirs" ] || [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" != "$src" ]; then
			note "$src belongs to another tree: removing it"
			rm -rf "$src"
			[ -z "$mine" ] || git -C "$(dirname "$mine")" worktree prune 2>/dev/null || true
		fi
	fi
	if [ ! -e "$src" ]; then
		note "checking out $src_label as a git worktree in $src"
		git -C "$utop" worktree prune
		git -C "$utop" worktree add -q -f --detach "$src" "$base" ||
			die "git worktree add $src failed"
	fi
	# git copies a sparse checkout of the user's into new worktrees (into
	# the worktree's own config): the build needs every file. Turning it
	# off here leaves the user's checkout as it is.
	if [ "$(git -C "$src" config --worktree --get core.sparseCheckout 2>/dev/null)" = true ]; then
		[ "$(git -C "$src" config --get extensions.worktreeConfig)" = true ] ||
			die "$opt_ksrc is a sparse checkout configured for the whole repository (core.sparseCheckout without extensions.worktreeConfig): turning it off for the build would change your checkout too; use a full checkout, or run 'git sparse-checkout set' there again (git 2.35+ keeps it in the worktree's own config)"
		note "your checkout is sparse: the build's worktree gets every file"
		git -C "$src" sparse-checkout disable ||
			die "git sparse-checkout disable in $src failed"
	fi
fi

# ---------------------------------------------------------------------
# 3. The patch series (and the checks, if they could not run before)
# ---------------------------------------------------------------------

stamp=$(git -C "$src" rev-parse --path-format=absolute --git-path kcovdf-series)
cur=$(git -C "$src" symbolic-ref -q --short HEAD || echo detached)
if [ "$(sed -n 1p "$stamp" 2>/dev/null)" != "$series_id" ] ||
   [ "$(sed -n 2p "$stamp" 2>/dev/null)" != "$base" ] || [ "$cur" != "$branch" ] ||
   [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	note "applying ${#patches[@]} patch(es) from kernel/patches with git am on branch $branch"
	oldbase=$(sed -n 2p "$stamp" 2>/dev/null || true)
	git -C "$src" rev-parse -q --verify "$oldbase^{commit}" >/dev/null 2>&1 || oldbase=$base
	old=$(git -C "$src" rev-parse -q --verify "$branch" || echo "$base")
	# Remember the timestamps of the files the old series touched.
	mtimes=$top/.mtimes.$$
	: > "$mtimes"
	git -C "$src" diff --name-only "$oldbase" "$old" | while read -r f; do
		[ -e "$src/$f" ] && printf '%s\t%s\n' "$(stat -c %Y "$src/$f")" "$f"
	done >> "$mtimes" || true
	gitq am --abort >/dev/null 2>&1 || true
	gitq checkout -q -f -B "$branch" "$base"
	if [ ${#patches[@]} -gt 0 ] && ! gitq am -q --no-3way --whitespace=error-all "${patches[@]}"; then
		gitq am --show-current-patch=diff | head -20 >&2 || true
		gitq am --abort || true
		rm -f "$mtimes" "$stamp"
		die "the series in kernel/patches does not apply with git am to $src_label"
	fi
	# Files with the same content as before get their old timestamp back.
	while IFS=$'\t' read -r t f; do
		if git -C "$src" diff --quiet "$old" HEAD -- "$f" 2>/dev/null; then
			touch -d "@$t" "$src/$f"
		fi
	done < "$mtimes"
	rm -f "$mtimes"
	printf '%s\n%s\n' "$series_id" "$base" > "$stamp"
fi
kver=$(make -s -C "$src" kernelversion)
[ "$custom" = 0 ] || [ "$validated" = 1 ] || validate

# ---------------------------------------------------------------------
# 4. Compiler, plugin, ccache
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
elif [ "$custom" = 1 ]; then
	die "plugin $plugin_src not found (make -C $root plugin): variants of your own need it"
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
# 5. Configuration
# ---------------------------------------------------------------------
fraglist=()
for f in $frags; do
	[ -f "$here/configs/$f.config" ] || die "missing kernel/configs/$f.config"
	fraglist+=("$here/configs/$f.config")
done
[ "$custom" = 0 ] || fraglist+=("$userfrag")
if [ -n "$opt_kconfig" ]; then
	[ -f "$opt_kconfig" ] || die "--kernel-config $opt_kconfig: no such file"
fi
cfg_id=$( { echo "$series_id $base $plugin $cc ${makeargs[*]}"; cat "${fraglist[@]}";
	    [ -z "$opt_kconfig" ] || cat "$opt_kconfig"; } | sha256sum | cut -c1-16)
if [ "$(cat "$out/.kcovdf-config" 2>/dev/null)" != "$cfg_id" ] || [ ! -f "$out/.config" ]; then
	rm -f "$out/.kcovdf-config"
	if [ -n "$opt_kconfig" ]; then
		note "configuring $variant: $opt_kconfig + $frags + your options"
		cp "$opt_kconfig" "$out/.config"
	else
		note "configuring $variant: tinyconfig + $frags$([ "$custom" = 0 ] || echo ' + your options')"
		kmake -s tinyconfig >/dev/null
	fi
	(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" "${fraglist[@]}" >/dev/null)
	kmake -s olddefconfig >/dev/null
	# Every option a fragment sets must be set exactly so in .config: the
	# last setting of each, as merge_config.sh merges them (a later
	# fragment overrides an earlier one).
	missing=()
	skipped=()
	explained=()
	declare -A lastset=()
	order=()
	for f in "${fraglist[@]}"; do
		while read -r line; do
			case $line in
			CONFIG_*=*) opt=${line%%=*} ;;
			'# CONFIG_'*' is not set') opt=${line#\# }; opt=${opt%% *} ;;
			*) continue ;;
			esac
			[ -n "${lastset[$opt]+x}" ] || order+=("$opt")
			lastset[$opt]=$line
		done < "$f"
	done
	for o in "${order[@]}"; do
		line=${lastset[$o]}
		case $line in
		CONFIG_*=*)
			opt=${line%%=*}
			if grep -qxF "$line" "$out/.config"; then continue; fi
			if [ -z "$plugin" ] && [[ $opt == *KCOV_DATAFLOW* ]]; then
				skipped+=("$opt")
				continue
			fi
			missing+=("$line (have: $(grep -E "^(# )?$opt[= ]" "$out/.config" || echo unset))")
			explained+=("$(explain "${opt#CONFIG_}")")
			;;
		'# CONFIG_'*' is not set')
			opt=${line#\# }; opt=${opt%% *}
			if grep -qE "^$opt=[ym]" "$out/.config"; then
				missing+=("$line (have: $(grep -E "^$opt=" "$out/.config"))")
				explained+=("$(explain "${opt#CONFIG_}")")
			fi
			;;
		esac
	done
	if [ ${#missing[@]} -gt 0 ]; then
		for i in "${!missing[@]}"; do
			echo "  ${missing[$i]}" >&2
			[ -z "${explained[$i]}" ] || printf '%s\n' "${explained[$i]}" >&2
		done
		[ "${KCOVDF_CONFIG_LENIENT:-0}" = 1 ] ||
			die "${#missing[@]} requested option(s) did not end up set in $out/.config (Kconfig's conditions, with their values now, are listed under each)"
		note "WARNING: ${#missing[@]} requested option(s) not set (KCOVDF_CONFIG_LENIENT=1)"
	fi
	if [ ${#skipped[@]} -gt 0 ]; then
		note "WARNING: no compiler plugin ($plugin_src): the dataflow options are hidden;"
		note "WARNING: building '$variant' WITHOUT: ${skipped[*]}"
	fi
	echo "$cfg_id" > "$out/.kcovdf-config"
fi

# Would each --instrument file be compiled at all? The Makefile lines that
# name its object (through one composite object, binder_linux-y :=
# binder.o, say), with the options they depend on: when every such line
# needs an option that is not set, stop now rather than after a build.
# (Only a hint: ifdef blocks and parent directories are not followed; the
# check after the build is the one that counts.)
# obj_lines MAKEFILE OBJ: "LINE<tab>LEFT-HAND SIDE" of the assignments
# that list OBJ (continuation lines joined).
obj_lines() {
	awk -v o="$2" '
	{ if (cont == "") { start = NR; cont = $0 } else cont = cont " " $0 }
	/\\$/ { sub(/\\$/, "", cont); next }
	{ line = cont; cont = ""
	  if (line !~ /^[[:space:]]*[A-Za-z0-9_$().-]+[[:space:]]*[:+]?=/) next
	  lhs = line; sub(/[[:space:]]*[:+]?=.*/, "", lhs); sub(/^[[:space:]]+/, "", lhs)
	  rhs = line; sub(/^[^=]*=/, "", rhs)
	  n = split(rhs, w, /[[:space:]]+/)
	  for (i = 1; i <= n; i++) if (w[i] == o) { print start "\t" lhs; break } }' "$src/$1"
}
# built_by MAKEFILE OBJ DEPTH: prints "off: WHY" lines when no line that
# lists OBJ can be on, nothing when one can (or none is found).
built_by() {
	local m=$1 o=$2 depth=$3 ln lhs syms s on any=0 off=() comp sub
	while IFS=$'\t' read -r ln lhs; do
		any=1
		syms=$(printf '%s\n' "$lhs" | grep -oE 'CONFIG_[A-Za-z0-9_]+' | sort -u)
		on=1
		for s in $syms; do
			case $(cfgval "${s#CONFIG_}") in y|m) ;; *) on=0 ;; esac
		done
		case $lhs in
		obj-*|lib-*|always-*|targets) ;;
		*-y|*-objs|*-'$('*)
			comp=${lhs%%-y}; comp=${comp%%-objs}; comp=${comp%%-\$(*}
			if [ "$on" = 1 ] && [ "$depth" -lt 2 ]; then
				sub=$(built_by "$m" "$comp.o" $((depth + 1)))
				if [ -n "$sub" ]; then
					off+=("$sub")
					continue
				fi
			fi ;;
		esac
		if [ "$on" = 1 ]; then return 0; fi
		vals=
		for s in $syms; do vals="$vals $s=$(cfgval "${s#CONFIG_}")"; done
		off+=("off: $m:$ln: $lhs ... $o  [now:$vals ]")
	done < <(obj_lines "$m" "$o")
	[ "$any" = 0 ] || printf '%s\n' "${off[@]}"
}
if [ "$custom" = 1 ] && grep -q '^CONFIG_KCOV_DATAFLOW=y' "$out/.config"; then
	offs=()
	for p in "${instr_list[@]}"; do
		[[ $p == *.c ]] || continue
		d=$(dirname "$p") stem=$(basename "$p" .c)
		m=$(gov_makefile "$d")
		rel=${d#"$(dirname "$m")"}; rel=${rel#/}
		why=$(built_by "$m" "${rel:+$rel/}$stem.o" 0 | sed 's/^off: //' | sort -u)
		[ -z "$why" ] || offs+=("$p would not be compiled:" "$(printf '%s\n' "$why" | sed 's/^/  /')")
	done
	if [ ${#offs[@]} -gt 0 ]; then
		printf '  %s\n' "${offs[@]}" >&2
		die "an --instrument file would not be compiled with this configuration: add the options it needs (--config CONFIG_X=y)"
	fi
fi

# What instruments the --instrument paths: for the objects under them, and
# only those, kbuild sees CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL (and, with
# KCOV, CONFIG_KCOV_INSTRUMENT_ALL) as y. These make variables are used
# only in scripts/Makefile.lib's rules that choose the instrumentation of
# an object, after KCOV_INSTRUMENT_obj.o and KCOV_INSTRUMENT: a Makefile's
# "KCOV_INSTRUMENT := n" still wins, as does its own opt-in. Evaluated per
# object ($(obj)/$(target-stem) is its path without .o), so no Makefile of
# the tree changes and only the objects whose command line changes are
# rebuilt.
instrargs=()
kcov_on=0
if [ ${#instr_pats[@]} -gt 0 ]; then
	grep -q '^CONFIG_KCOV_DATAFLOW=y' "$out/.config" ||
		die "--instrument needs CONFIG_KCOV_DATAFLOW=y, which is not set in $out/.config"
	sel="\$(filter ${instr_pats[*]},\$(obj)/\$(target-stem))"
	if ! grep -q '^CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL=y' "$out/.config"; then
		instrargs+=("CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL=\$(if $sel,y)")
	fi
	if [ "$opt_kcov" = 1 ] && grep -q '^CONFIG_KCOV=y' "$out/.config"; then
		kcov_on=1
		grep -q '^CONFIG_KCOV_INSTRUMENT_ALL=y' "$out/.config" ||
			instrargs+=("CONFIG_KCOV_INSTRUMENT_ALL=\$(if $sel,y)")
	fi
fi
# The whole make command line, for whoever wants to reproduce a build.
{ printf '%q ' make -C "$src" O="$out" LLVM=-22 CC="$cc" HOSTCC=gcc \
	KCOV_DATAFLOW_PLUGIN="$plugin" "${makeargs[@]}" "${instrargs[@]}"; echo; } > "$out/kcovdf-make.cmd"

if [ "$configure_only" = 1 ]; then
	note "$variant configured in $out (--configure-only: not built)"
	exit 0
fi

# ---------------------------------------------------------------------
# 6. Build
# ---------------------------------------------------------------------
note "building $variant ($kver) in $out with -j$jobs${plugin:+, plugin $plugin}"
log=$out/build.log
start=$(date +%s)
set +e
if [ "${KCOVDF_BUILD_QUIET:-0}" = 1 ]; then
	kmake "${instrargs[@]}" -j"$jobs" all > "$log" 2>&1
else
	kmake "${instrargs[@]}" -j"$jobs" all 2>&1 | tee "$log"
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

# ---------------------------------------------------------------------
# 7. Did every --instrument path get instrumented?
# ---------------------------------------------------------------------
# An object is instrumented when it calls the callbacks: undefined
# references to them (today's names and those of compiler ABI v2).
df_re='^(__sanitizer_cov_trace_(args|ret)|__kcov_df_trace_(args|ret)_v[0-9]+)$'
kcov_re='^__sanitizer_cov_trace_pc'
nm=$(command -v llvm-nm-22 || command -v nm)
# why_not OBJ: why the C file of OBJ was not instrumented.
why_not() {
	local o=$1 rel cmdf d m stem bl
	rel=${o#"$out"/}
	cmdf=$(dirname "$o")/.$(basename "$o").cmd
	d=$(dirname "$rel") stem=$(basename "$rel" .o)
	m=$(gov_makefile "$d")
	bl=$(no_kcov "$m" "$stem")
	if [ -n "$bl" ]; then echo "KCOV may not instrument it: $bl"
	elif [ -f "$cmdf" ] && grep -q -- "-fpass-plugin=" "$cmdf"; then
		echo "compiled with the plugin, but no function of it is left to call the callbacks (all inlined or none)"
	else echo "compiled without the instrumentation (see $cmdf)"
	fi
}
if [ ${#instr_list[@]} -gt 0 ]; then
	failed=()
	: > "$out/kcovdf-instrumented.txt"
	for p in "${instr_list[@]}"; do
		if [[ $p == */ ]]; then
			objs=()
			while IFS= read -r o; do
				r=${o#"$out"/}
				[ -f "$src/${r%.o}.c" ] && objs+=("$o")
			done < <(find "$out/${p%/}" -name '*.o' ! -name '*.mod.o' 2>/dev/null | sort)
		else
			objs=("$out/${p%.c}.o")
		fi
		yes=() no=()
		for o in "${objs[@]}"; do
			r=${o#"$out"/}
			if [ ! -f "$o" ]; then
				no+=("$r: not compiled (is the option that builds it set? see $(gov_makefile "$(dirname "$r")"))")
				continue
			fi
			u=$("$nm" -u "$o" 2>/dev/null | awk '{ print $NF }')
			if printf '%s\n' "$u" | grep -qE "$df_re"; then
				if [ "$kcov_on" = 1 ] && ! printf '%s\n' "$u" | grep -qE "$kcov_re"; then
					no+=("$r: dataflow yes, but no KCOV callback")
					continue
				fi
				yes+=("$r")
				echo "$r" >> "$out/kcovdf-instrumented.txt"
			else
				no+=("$r: $(why_not "$o")")
			fi
		done
		if [ ${#objs[@]} -eq 0 ]; then
			failed+=("$p: no object was compiled under it (are the options that build it set?)")
		elif [[ $p != */ ]] && [ ${#no[@]} -gt 0 ]; then
			failed+=("${no[@]}")
		elif [ ${#yes[@]} -eq 0 ]; then
			failed+=("$p: none of its ${#objs[@]} objects is instrumented:" "${no[@]}")
		else
			note "instrumented: $p (${#yes[@]} object(s)$([ "$kcov_on" = 1 ] && echo ', dataflow and KCOV'))"
			for r in "${no[@]}"; do note "  not instrumented: $r"; done
		fi
	done
	if [ ${#failed[@]} -gt 0 ]; then
		printf '  %s\n' "${failed[@]}" >&2
		die "not every --instrument path was instrumented"
	fi
fi
note "$variant built in $(( $(date +%s) - start ))s"
echo "$out/arch/x86/boot/bzImage"
exit 0
}
