# Booting the lab in QEMU and watching it.  The serial port carries Xen's
# console and Dom0's (hvc0 goes through Xen); the results come back on a
# second disk that Dom0 writes as a tar archive.

LAB_BOOT_LIMIT=${LAB_BOOT_LIMIT:-300}	# seconds until Dom0's toolstack is up

lab_qemu() {
	local out=$1
	qemu-system-x86_64 -machine pc -cpu qemu64 -accel tcg,thread=multi -smp 2 \
		-m "$LAB_QEMU_MEM" -display none -no-reboot -monitor none -nic none \
		-serial "file:$out/serial.log" \
		-drive "file=$LAB_WORK/lab.iso,media=cdrom,readonly=on" -boot d \
		-drive "file=$out/results.tar,format=raw,if=virtio" \
		-device virtio-rng-pci \
		>"$out/qemu.log" 2>&1
}

# Print Dom0's progress markers as they appear, with the time since boot.
lab_show_progress() {
	local out=$1 seen=$2 line
	grep -a '^@@SPLITIO' "$out/serial.log" 2>/dev/null | tail -n +$((seen + 1)) |
	while IFS= read -r line; do
		printf 'lab [%4ds] %s\n' $((SECONDS - LAB_START)) "${line#@@SPLITIO }"
	done
}

lab_marker_count() { grep -ac '^@@SPLITIO' "$1/serial.log" 2>/dev/null || true; }

lab_boot_fail() {
	local out=$1 why=$2
	echo "lab: $why; the last lines of the console ($out/serial.log):" >&2
	tail -n 40 "$out/serial.log" 2>/dev/null | tr -d '\r' | sed 's/^/    /' >&2
	echo "$why" >"$out/boot-failure"
}

lab_boot() {
	local out=$1 limit=$2 qemu seen=0 now started
	rm -f "$out/results.tar"
	truncate -s 1G "$out/results.tar"
	: >"$out/serial.log"
	lab_step "boot: QEMU (TCG, 2 vCPUs, ${LAB_QEMU_MEM} MiB), Xen, Dom0; limit ${limit}s"
	started=$SECONDS
	lab_qemu "$out" &
	qemu=$!
	while kill -0 "$qemu" 2>/dev/null; do
		sleep 2
		now=$(lab_marker_count "$out")
		if [ "$now" -gt "$seen" ]; then
			lab_show_progress "$out" "$seen"
			seen=$now
		fi
		if [ "$seen" = 0 ] && [ $((SECONDS - started)) -gt "$LAB_BOOT_LIMIT" ]; then
			kill "$qemu"
			lab_boot_fail "$out" "Dom0 did not come up within ${LAB_BOOT_LIMIT}s"
			break
		fi
		if [ $((SECONDS - started)) -gt "$limit" ]; then
			kill "$qemu"
			lab_boot_fail "$out" "the run did not finish within ${limit}s"
			break
		fi
	done
	wait "$qemu" || true
	lab_show_progress "$out" "$seen"
	mkdir -p "$out/vm"
	tar -xf "$out/results.tar" -C "$out/vm" 2>/dev/null ||
		echo "lab: no results archive from Dom0 (see the console)" >&2
	rm -f "$out/results.tar"
	lab_step "QEMU ended after $((SECONDS - started))s"
}
