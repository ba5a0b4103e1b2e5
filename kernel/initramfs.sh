# shellcheck shell=bash
# Sourced by kernel/vm.sh and bench/kernel/lib.sh.
#
# busybox_root_list BUSYBOX DIR...: the gen_init_cpio list of a root
# file system of busybox alone: the directories DIR..., /dev/console,
# /dev/null, BUSYBOX as /bin/busybox and a link to it for every applet.
busybox_root_list() {
	local bb=$1 d a
	shift
	for d in "$@"; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /bin/busybox $bb 0755 0 0"
	"$bb" --list-full | while read -r a; do
		[ "$a" = bin/busybox ] || echo "slink /$a /bin/busybox 0777 0 0"
	done
}
