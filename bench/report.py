#!/usr/bin/env python3
"""Judge and tabulate one lab run.

Reads a results folder written by bench/lab: the serial console (Xen and
Dom0), the plan, and what Dom0 carried out per scenario (vm/<id>/: metrics,
failures, guest consoles, fio and iperf3 JSON).  Splits the console into
xen.log and dom0.log, fails a scenario on any kernel or hypervisor warning
printed while it ran, prints one table of figures and a verdict per
scenario, and ends with the line "N passed, N failed".
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Kernel and hypervisor messages that fail a run wherever they appear.
FAILURE = re.compile(
    r"Oops|BUG:|WARNING:|general protection fault|Kernel panic|"
    r"blocked for more than \d+ seconds|unreferenced object|kmemleak|"
    r"Call Trace|soft lockup|hard LOCKUP|rcu_sched detected stall|"
    r"Panic on CPU|Xen BUG|Xen WARN|Assertion .* failed|FATAL")
# Only messages from a kernel (printk time stamp) or from Xen are judged;
# scenario scripts may print any words they like.
KERNEL_LINE = re.compile(r"^(\[\s*\d+\.\d+\]|\(XEN\))")


def kernel_failures(lines):
    return [l for l in lines if KERNEL_LINE.match(l) and FAILURE.search(l)]


class Scenario:
    def __init__(self, sid, name, params):
        self.id, self.name, self.params = sid, name, params
        self.begun = self.ended = False
        self.failures = []
        self.figures = {}      # label -> (value, unit)

    def verdict(self):
        return "PASS" if self.begun and self.ended and not self.failures else "FAIL"


def split_console(out, scenarios):
    """Write xen.log and dom0.log; give each scenario the console lines
    printed between its BEGIN and END markers; return the lines printed
    outside every scenario (boot and shutdown) and Dom0's own failures."""
    serial = (out / "serial.log").read_bytes().decode("utf-8", "replace")
    lines = serial.replace("\r", "").split("\n")
    xen, dom0, outside, outside_failures = [], [], [], []
    current = None
    windows = {s.id: [] for s in scenarios}
    by_id = {s.id: s for s in scenarios}
    for line in lines:
        (xen if line.startswith("(XEN)") else dom0).append(line)
        m = re.match(r"^@@SPLITIO (\S+) (\S+) ?(.*)", line)
        if m and m.group(1) == "lab" and m.group(2) == "FAIL":
            outside_failures.append(m.group(3))
        if m and m.group(1) in by_id:
            s, event = by_id[m.group(1)], m.group(2)
            if event == "BEGIN":
                s.begun, current = True, s
            elif event == "END":
                s.ended, current = True, None
            continue
        (windows[current.id] if current else outside).append(line)
    (out / "xen.log").write_text("\n".join(xen))
    (out / "dom0.log").write_text("\n".join(dom0))
    for s in scenarios:
        for l in kernel_failures(windows[s.id]):
            s.failures.append("console: " + l.strip())
    return outside, outside_failures


def fio_figures(path):
    job = json.loads(path.read_text())["jobs"][0]
    label = path.stem[len("fio-"):]
    figures = {}
    for way in ("read", "write"):
        io = job[way]
        if io["io_bytes"]:
            figures[f"fio {label} {way} IOPS"] = (io["iops"], "IOPS")
            figures[f"fio {label} {way} MB/s"] = (io["bw_bytes"] / 1e6, "MB/s")
    return figures


def iperf3_figures(path):
    report = json.loads(path.read_text())
    if "error" in report:
        raise ValueError(report["error"])
    end = report["end"]
    label = path.stem[len("iperf3-"):]
    received = end["sum_received"]
    figures = {f"iperf3 {label} Gbit/s": (received["bits_per_second"] / 1e9, "Gbit/s")}
    # Small UDP datagrams measure packets, not bytes: what arrived, per second.
    if report["start"]["test_start"]["protocol"] == "UDP":
        arrived = received["packets"] - received["lost_packets"]
        figures[f"iperf3 {label} kpps"] = (arrived / received["seconds"] / 1e3, "kpps")
    return figures


def collect(out, s):
    folder = out / "vm" / s.id
    if not folder.is_dir():
        s.failures.append("no results from Dom0 for this scenario")
        return
    failures = folder / "failures"
    if failures.exists():
        s.failures += [l for l in failures.read_text().splitlines() if l]
    for guest_log in sorted(folder.glob("guest-*.log")):
        for l in kernel_failures(guest_log.read_text(errors="replace").splitlines()):
            s.failures.append(f"{guest_log.stem}: {l.strip()}")
    for path in sorted(folder.glob("fio-*.json")):
        try:
            s.figures.update(fio_figures(path))
        except (ValueError, KeyError, IndexError) as e:
            s.failures.append(f"unreadable {path.name}: {e}")
    for path in sorted(folder.glob("iperf3-*.json")):
        try:
            s.figures.update(iperf3_figures(path))
        except (ValueError, KeyError) as e:
            s.failures.append(f"unreadable {path.name}: {e}")


def table(scenarios):
    scenarios = [s for s in scenarios if s.figures]
    labels = []
    for s in scenarios:
        labels += [l for l in s.figures if l not in labels]
    if not labels:
        return ""
    width = max(len(l) for l in labels)
    cols = [max(len(s.id), 10) for s in scenarios]
    rows = ["| " + "figure".ljust(width) + " | " +
            " | ".join(s.id.rjust(c) for s, c in zip(scenarios, cols)) + " |",
            "|-" + "-" * width + "-|-" + "-|-".join("-" * c for c in cols) + ":|"]
    for label in labels:
        cells = []
        for s, c in zip(scenarios, cols):
            v = s.figures.get(label)
            cells.append((f"{v[0]:,.2f}" if v and v[0] < 100 else
                          f"{v[0]:,.0f}" if v else "-").rjust(c))
        rows.append("| " + label.ljust(width) + " | " + " | ".join(cells) + " |")
    return "\n".join(rows)


# The driver set a scenario measured is the first word of its id ("ours-1",
# "kernel-net-2", "native-1"): A/B/A repeats of a set are averaged.
SET_ORDER = ["ours", "kernel", "native"]


def driver_set(sid):
    return sid.split("-")[0]


def by_set(scenarios):
    """{set: {label: (mean value, unit, number of runs)}} over the scenarios
    with figures, sets in SET_ORDER first."""
    runs = {}
    for s in scenarios:
        for label, (value, unit) in s.figures.items():
            runs.setdefault(driver_set(s.id), {}).setdefault(label, []).append((value, unit))
    sets = sorted(runs, key=lambda k: (SET_ORDER.index(k) if k in SET_ORDER else 99, k))
    return {k: {l: (sum(v for v, _ in vs) / len(vs), vs[0][1], len(vs))
                for l, vs in runs[k].items()} for k in sets}


def fmt(v):
    return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"


def comparison(scenarios):
    """One row per workload, one column per driver set (the mean of its
    runs), and splitio's ratio to the kernel's drivers and to native."""
    # Only the driver sets compare: a test suite's ids ("blk-ours",
    # "net-ourfront") name scenarios, not sets.
    sets = {k: v for k, v in by_set(scenarios).items() if k in SET_ORDER}
    if len(sets) < 2:
        return ""
    ratios = [o for o in ("kernel", "native") if "ours" in sets and o in sets]
    labels = []
    for figures in sets.values():
        labels += [l for l in figures if l not in labels]
    head = ["workload"] + [f"{k} (runs)" for k in sets] + [f"ours/{o}" for o in ratios]
    rows = []
    for label in labels:
        row = [label]
        for figures in sets.values():
            v = figures.get(label)
            row.append(f"{fmt(v[0])} ({v[2]})" if v else "-")
        for o in ratios:
            a, b = sets["ours"].get(label), sets[o].get(label)
            row.append(f"{a[0] / b[0]:.2f}" if a and b and b[0] else "-")
        rows.append(row)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                       for i, (c, w) in enumerate(zip(r, widths))) + " |"
    return "\n".join([line(head), "|-" + "-|-".join("-" * w for w in widths) + ":|"] +
                     [line(r) for r in rows])


def plots(out, scenarios):
    """A bar chart per unit (IOPS, MB/s, Gbit/s, kpps) in plots/, bars per
    driver set; returns the files written, or why there are none."""
    sets = by_set(scenarios)
    if not sets:
        return []
    if not shutil.which("gnuplot"):
        return ["no plots: gnuplot is not installed"]
    folder = out / "plots"
    folder.mkdir(exist_ok=True)
    units = {}
    for figures in sets.values():
        for label, (_, unit, _) in figures.items():
            units.setdefault(unit, [])
            if label not in units[unit]:
                units[unit].append(label)
    written = []
    for unit, labels in units.items():
        name = re.sub(r"[^a-z0-9]+", "-", unit.lower()).strip("-")
        data = folder / f"{name}.dat"
        with data.open("w") as f:
            f.write("workload " + " ".join(sets) + "\n")
            for label in labels:
                short = label.rsplit(" ", 1)[0] if label.endswith(unit) else label
                cells = [str(sets[k][label][0]) if label in sets[k] else "-" for k in sets]
                f.write('"' + short + '" ' + " ".join(cells) + "\n")
        png = folder / f"{name}.png"
        script = "\n".join([
            "set terminal pngcairo size 1200,600 noenhanced",
            f"set output '{png}'",
            f"set title '{unit} per workload and driver set ({out.name}; QEMU TCG, not bare metal)'",
            f"set ylabel '{unit}'",
            "set style data histograms", "set style histogram clustered gap 1",
            "set style fill solid border -1", "set datafile missing '-'",
            "set xtics rotate by -30", "set key outside top right", "set yrange [0:*]",
            "plot " + ", ".join(f"'{data}' using {i + 2}:xtic(1) title columnheader"
                                 for i in range(len(sets)))])
        done = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        written.append(str(png.relative_to(out)) if done.returncode == 0
                       else f"plot of {unit} failed: {done.stderr.strip()[:200]}")
    return written


def main(out):
    out = Path(out)
    scenarios = []
    for line in (out / "plan").read_text().splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            scenarios.append(Scenario(words[0], words[1], words[2:]))
    lab_failures = []
    if (out / "boot-failure").exists():
        lab_failures.append((out / "boot-failure").read_text().strip())
    outside, dom0_failures = split_console(out, scenarios)
    lab_failures += dom0_failures
    for l in kernel_failures(outside):
        lab_failures.append("console outside any scenario: " + l.strip())
    for s in scenarios:
        collect(out, s)

    report = [f"Lab run {out.name}: QEMU software emulation (TCG, -cpu qemu64), "
              "2 vCPUs; Xen 4.17, PV Dom0, PV guests with 1 vCPU", ""]
    t = table(scenarios)
    if t:
        report += [t, ""]
    c = comparison(scenarios)
    if c:
        report += ["Mean per driver set over its runs in this boot, and splitio's ratios:", "", c, ""]
    report += [f"plot: {p}" for p in plots(out, scenarios)]
    for s in scenarios:
        report.append(f"{s.verdict()}: {s.id} ({s.name} {' '.join(s.params)})")
        report += ["    " + f for f in s.failures[:10]]
    for f in lab_failures:
        report.append("FAIL: lab: " + f)
    passed = sum(s.verdict() == "PASS" for s in scenarios)
    failed = len(scenarios) - passed + (1 if lab_failures else 0)
    report.append(f"lab: {passed} passed, {failed} failed")
    text = "\n".join(report)
    (out / "summary.txt").write_text(text + "\n")
    (out / "figures.json").write_text(json.dumps(
        {s.id: {k: v[0] for k, v in s.figures.items()} for s in scenarios}, indent=1))
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
