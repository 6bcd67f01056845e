#!/usr/bin/env python3
"""Unit tests of bench/report.py, the lab's judge, on made-up results
folders: what must fail a scenario does, what must not does not."""
import contextlib
import io
import json
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import report  # noqa: E402


def fio_json(read_iops=0.0, write_iops=0.0):
    def way(iops):
        return {"io_bytes": int(iops * 4096), "iops": iops, "bw_bytes": iops * 4096}
    return json.dumps({"jobs": [{"read": way(read_iops), "write": way(write_iops)}]})


class LabRun:
    """A results folder as bench/lab leaves it, written by the test."""

    def __init__(self, test, plan=("s1 baseline front=kernel",)):
        tmp = tempfile.TemporaryDirectory()
        test.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)
        (self.dir / "plan").write_text("\n".join(plan) + "\n")
        self.serial = []

    def scenario(self, sid, lines=(), end=True):
        self.serial.append(f"@@SPLITIO {sid} BEGIN baseline")
        self.serial += list(lines)
        if end:
            self.serial.append(f"@@SPLITIO {sid} END ok")
        folder = self.dir / "vm" / sid
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def judge(self):
        (self.dir / "serial.log").write_text("\n".join(self.serial) + "\n")
        with contextlib.redirect_stdout(io.StringIO()):
            status = report.main(self.dir)
        return status, (self.dir / "summary.txt").read_text()


class Verdicts(unittest.TestCase):
    def test_clean_run_passes(self):
        run = LabRun(self)
        run.scenario("s1", ["[   12.000001] xen-blkback: ring-ref 8, event-channel 9"])
        status, summary = run.judge()
        self.assertEqual(status, 0)
        self.assertIn("1 passed, 0 failed", summary)

    def test_dom0_warning_inside_scenario_fails_it(self):
        run = LabRun(self)
        run.scenario("s1", ["[   40.123456] WARNING: CPU: 1 PID: 7 at mm/slab.c:1 f+0x1/0x2"])
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("FAIL: s1", summary)

    def test_xen_panic_fails(self):
        run = LabRun(self)
        run.scenario("s1", ["(XEN) ****************************************",
                            "(XEN) Panic on CPU 0:"])
        self.assertEqual(run.judge()[0], 1)

    def test_guest_oops_fails(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "guest-g1.log").write_text(
            "[    3.5] BUG: kernel NULL pointer dereference, address: 0000000000000000\n")
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("guest-g1", summary)

    def test_hung_task_fails(self):
        run = LabRun(self)
        run.scenario("s1", ["[  200.0] INFO: task fio:77 blocked for more than 30 seconds."])
        self.assertEqual(run.judge()[0], 1)

    def test_script_words_are_not_kernel_messages(self):
        run = LabRun(self)
        run.scenario("s1", ["[s1] WARNING: this is a script talking, not a kernel"])
        self.assertEqual(run.judge()[0], 0)

    def test_warning_during_boot_fails_the_lab(self):
        run = LabRun(self)
        run.serial.append("[    1.0] WARNING: CPU: 0 PID: 1 at init/main.c:1 x+0x0/0x0")
        run.scenario("s1")
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("FAIL: lab: console outside any scenario", summary)

    def test_scenario_that_never_ended_fails(self):
        run = LabRun(self)
        run.scenario("s1", end=False)
        self.assertEqual(run.judge()[0], 1)

    def test_scenario_without_results_fails(self):
        run = LabRun(self, plan=("s1 baseline", "s2 baseline"))
        run.scenario("s1")
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("FAIL: s2", summary)

    def test_recorded_failure_fails(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "failures").write_text("guest g1 did not finish within 30 s\n")
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("did not finish", summary)

    def test_boot_failure_fails_the_lab(self):
        run = LabRun(self)
        run.scenario("s1")
        (run.dir / "boot-failure").write_text("Dom0 did not come up within 300s\n")
        self.assertEqual(run.judge()[0], 1)

    def test_dom0_lab_failure_marker_fails(self):
        run = LabRun(self)
        run.serial.append("@@SPLITIO lab FAIL the toolstack did not start")
        run.scenario("s1")
        self.assertEqual(run.judge()[0], 1)


class Figures(unittest.TestCase):
    def test_fio_and_iperf3_reach_the_table(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "fio-randread-4k-qd32.json").write_text(fio_json(read_iops=1234.0))
        (folder / "iperf3-guest-to-dom0.json").write_text(json.dumps(
            {"start": {"test_start": {"protocol": "TCP"}},
             "end": {"sum_received": {"bits_per_second": 1.5e9}}}))
        status, summary = run.judge()
        self.assertEqual(status, 0)
        self.assertIn("fio randread-4k-qd32 read IOPS", summary)
        self.assertIn("1,234", summary)
        self.assertNotIn("randread-4k-qd32 write", summary)
        self.assertIn("1.50", summary)
        figures = json.loads((run.dir / "figures.json").read_text())
        self.assertAlmostEqual(figures["s1"]["iperf3 guest-to-dom0 Gbit/s"], 1.5)

    def test_udp_reports_packets_that_arrived_per_second(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "iperf3-udp64.json").write_text(json.dumps(
            {"start": {"test_start": {"protocol": "UDP"}},
             "end": {"sum_received": {"bits_per_second": 2.56e7, "packets": 60000,
                                      "lost_packets": 10000, "seconds": 10.0}}}))
        status, summary = run.judge()
        self.assertEqual(status, 0)
        figures = json.loads((run.dir / "figures.json").read_text())
        self.assertAlmostEqual(figures["s1"]["iperf3 udp64 kpps"], 5.0)
        self.assertAlmostEqual(figures["s1"]["iperf3 udp64 Gbit/s"], 0.0256)

    def test_iperf3_error_fails(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "iperf3-guest-to-dom0.json").write_text(json.dumps(
            {"end": {}, "error": "unable to connect to server: Connection refused"}))
        status, summary = run.judge()
        self.assertEqual(status, 1)
        self.assertIn("Connection refused", summary)

    def test_truncated_fio_json_fails(self):
        run = LabRun(self)
        folder = run.scenario("s1")
        (folder / "fio-verify.json").write_text('{"jobs": [')
        self.assertEqual(run.judge()[0], 1)


def tcp_json(gbits):
    return json.dumps({"start": {"test_start": {"protocol": "TCP"}},
                       "end": {"sum_received": {"bits_per_second": gbits * 1e9}}})


class Comparison(unittest.TestCase):
    """A/B/A runs of each driver set are averaged and splitio is compared."""

    def run_with(self, test):
        plan = ("kernel-1 baseline", "ours-1 baseline", "kernel-2 baseline", "native-1 native")
        run = LabRun(test, plan)
        for sid, gbits in (("kernel-1", 1.0), ("ours-1", 1.5), ("kernel-2", 2.0),
                           ("native-1", 6.0)):
            run.scenario(sid)
            (run.dir / "vm" / sid / "iperf3-guest-to-dom0.json").write_text(tcp_json(gbits))
        return run

    def test_means_and_ratios(self):
        run = self.run_with(self)
        status, summary = run.judge()
        self.assertEqual(status, 0)
        row = next(l for l in summary.splitlines()
                   if l.startswith("| iperf3 guest-to-dom0 Gbit/s") and "(" in l)
        cells = [c.strip() for c in row.strip("|").split("|")]
        # ours, kernel (mean of 1.0 and 2.0), native, ours/kernel, ours/native
        self.assertEqual(cells[1:], ["1.50 (1)", "1.50 (2)", "6.00 (1)", "1.00", "0.25"])

    def test_plots_are_written(self):
        if not shutil.which("gnuplot"):
            self.skipTest("gnuplot is not installed")
        run = self.run_with(self)
        _, summary = run.judge()
        self.assertIn("plot: plots/gbit-s.png", summary)
        png = run.dir / "plots" / "gbit-s.png"
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_scenario_names_are_not_driver_sets(self):
        run = LabRun(self, ("blk-ours blk", "net-ours net"))
        for sid in ("blk-ours", "net-ours"):
            run.scenario(sid)
            (run.dir / "vm" / sid / "iperf3-guest-to-dom0.json").write_text(tcp_json(1.0))
        _, summary = run.judge()
        self.assertNotIn("Mean per driver set", summary)

    def test_one_set_gets_no_comparison(self):
        run = LabRun(self)
        run.scenario("s1")
        (run.dir / "vm" / "s1" / "iperf3-guest-to-dom0.json").write_text(tcp_json(1.0))
        _, summary = run.judge()
        self.assertNotIn("ours/kernel", summary)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
