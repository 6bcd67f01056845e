# blkverify: content across the boundary.  A guest with less memory than
# its disk runs the verified fio jobs (lab_verify_jobs: 512 B to 1 MiB,
# random and sequential, mixes, QD 1 to 64) through the block split driver
# with O_DIRECT; then Dom0 verifies the same jobs on the backing store, so
# a block the driver lost, misplaced or corrupted fails the scenario even
# where fio in the guest saw it as it wrote it.
#
# Parameters: front=, back=, blk_front=, blk_back= (driver sets),
# disk_size= (512M), memory= (guest MiB, 384), guest_timeout= (s).

scenario_dom0() {
	local disk
	lab_use_backends || return 1
	disk=$(lab_disk verify "${disk_size:-512M}") || { lab_fail "no loop device"; return 1; }
	lab_guest_start g1 "disk=$disk" "memory=${memory:-384}" || return 1
	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1 || return 1
	LAB_OUT=$RESULTS/dom0-verify
	mkdir -p "$LAB_OUT"
	lab_verify_jobs "$disk" --verify_only ||
		lab_fail "the backing store does not hold what the guest wrote"
	losetup -d "$disk"
	rm -f /tmp/verify.img
}

scenario_guest() {
	lab_run modprobe "$(lab_driver_module "${blk_front:-$FRONT}" blkfront)" || return 1
	lab_wait_for 30 test -b /dev/xvda || { echo "no /dev/xvda after 30 s"; return 1; }
	lab_verify_jobs /dev/xvda
}
