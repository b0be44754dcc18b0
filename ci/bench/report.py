#!/usr/bin/env python3
"""Turns ci/bench.sh's results.tsv into the tables (Markdown) and the replies/s plot (SVG).

Each results line is: host, channels, round, kind, then key=value fields (a loadgen RESULT line,
or the script's own start/mem figures). Figures are the median over rounds; where there were
several rounds the spread (min-max) follows in brackets.
"""
import argparse
import statistics
import sys
from collections import defaultdict

HOSTS = {"java": "vmpower", "c": "minimal C host", "javam": "vmpower, metrics on"}


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            host, n, rnd, kind, fields = parts[0], int(parts[1]), int(parts[2]), parts[3], parts[4]
            kv = {}
            for tok in fields.split():
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    try:
                        kv[k] = float(v)
                    except ValueError:
                        kv[k] = v
            if kind == "tput" and kv.get("replies") and "host_cpu" in kv:
                # what the operator pays: host CPU time per reply, steadier than replies/s when
                # other work shares the machine
                kv["cpu_us"] = kv["host_cpu"] / 100 * kv["seconds"] * 1e6 / kv["replies"]
            rows.append({"host": host, "n": n, "round": rnd, "kind": kind, **kv})
    return rows


class Figures:
    def __init__(self, rows):
        self.rows = rows

    def values(self, host, kind, key, **match):
        out = []
        for r in self.rows:
            if r["host"] != host or r["kind"] != kind or key not in r:
                continue
            if all(r.get(k) == v for k, v in match.items()):
                out.append(r[key])
        return out

    def median(self, host, kind, key, **match):
        v = self.values(host, kind, key, **match)
        return statistics.median(v) if v else None

    def cell(self, host, kind, key, fmt="{:,.0f}", **match):
        v = self.values(host, kind, key, **match)
        if not v:
            return "-"
        m = fmt.format(statistics.median(v))
        if len(v) > 1:
            m += " [" + fmt.format(min(v)) + "-" + fmt.format(max(v)) + "]"
        return m


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def tables(fig, channel_counts, windows):
    lines = []
    lines.append("Throughput: replies/s with W requests outstanding per channel (median [min-max]"
                 " over rounds); CPU in % of one core.")
    lines.append("")
    lines.append("| channels | W | vmpower replies/s | C host replies/s | vmpower / C |"
                 " vmpower CPU µs/reply | C host CPU µs/reply | vmpower CPU % | loadgen CPU %"
                 " (with vmpower) | reply errors |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in channel_counts:
        for w in windows:
            j = fig.median("java", "tput", "rate", n=n, window=w)
            c = fig.median("c", "tput", "rate", n=n, window=w)
            if j is None and c is None:
                continue
            bad = sum(fig.values("java", "tput", "nacks", n=n, window=w)) + sum(
                fig.values("java", "tput", "errors", n=n, window=w)) + sum(
                fig.values("java", "tput", "incomplete", n=n, window=w))
            lines.append(
                f"| {n:,} | {w:.0f} | {fig.cell('java', 'tput', 'rate', n=n, window=w)} |"
                f" {fig.cell('c', 'tput', 'rate', n=n, window=w)} | {ratio(j, c)} |"
                f" {fig.cell('java', 'tput', 'cpu_us', '{:.1f}', n=n, window=w)} |"
                f" {fig.cell('c', 'tput', 'cpu_us', '{:.1f}', n=n, window=w)} |"
                f" {fig.cell('java', 'tput', 'host_cpu', '{:.0f}', n=n, window=w)} |"
                f" {fig.cell('java', 'tput', 'gen_cpu', '{:.0f}', n=n, window=w)} | {bad:.0f} |")
    lines.append("")
    lats = [(g, r) for g in (0.0, 1000.0) for r in fig.rows if r["kind"] == "lat" and r.get("gap_us") == g]
    if lats:
        lines.append("Latency on one channel, one request at a time, in µs (median over rounds).")
        lines.append("")
        lines.append("| arrivals | host | p50 | p90 | p99 | p99.9 | max | samples |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for gap, label in ((0.0, "back to back"), (1000.0, "Poisson, mean gap 1 ms")):
            for host in ("java", "c"):
                if not fig.values(host, "lat", "p50_us", gap_us=gap):
                    continue
                cells = [fig.cell(host, "lat", k, "{:,.0f}", gap_us=gap)
                         for k in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us")]
                samples = fig.median(host, "lat", "samples", gap_us=gap)
                lines.append(f"| {label} | {HOSTS[host]} | " + " | ".join(cells) + f" | {samples:,.0f} |")
        lines.append("")
    lines.append("| other figures | vmpower | C host |")
    lines.append("|---|---:|---:|")
    for n in channel_counts:
        if fig.values("java", "idle", "host_cpu", n=n):
            # the first idle phase lets the JIT and GC settle; the last one is the figure
            lines.append(
                f"| CPU while idle, {n:,} silent channels, % of a core (utime+stime; schedstat) |"
                f" {idle_cell(fig, 'java', n)} | {idle_cell(fig, 'c', n)} |")
    for n in channel_counts:
        if fig.values("java", "mem", "rss_kb", n=n):
            lines.append(
                f"| RSS after serving {n:,} channels, MB (VmRSS; peak VmHWM) |"
                f" {mem_cell(fig, 'java', n)} | {mem_cell(fig, 'c', n)} |")
    for n in channel_counts:
        if n >= 1024 and fig.values("java", "attach", "seconds", n=n):
            lines.append(f"| attaching {n:,} channels, first to last connection (vmpower: add_channels"
                         f" per VM; C host: a connect loop), s | {fig.cell('java', 'attach', 'seconds', '{:,.2f}', n=n)} |"
                         f" {fig.cell('c', 'attach', 'seconds', '{:,.2f}', n=n)} |")
    if fig.values("java", "start", "start_ms"):
        lines.append(f"| start to the answer of the first command, ms |"
                     f" {fig.cell('java', 'start', 'start_ms', '{:,.0f}')} | - |")
        lines.append(f"| ... CPU used by then, ms: all threads; the main thread (a floor for the"
                     f" above on an idle machine) | {fig.cell('java', 'start', 'cpu_ms', '{:,.0f}')};"
                     f" {fig.cell('java', 'start', 'main_cpu_ms', '{:,.0f}')} | - |")
    return lines


def metrics_table(fig, channel_counts, windows):
    """vmpower with metrics off (java) and on (javam: endpoint on, scraped every second)."""
    if not fig.values("javam", "tput", "rate"):
        return []
    lines = ["", "Metrics off and on: vmpower without an endpoint, and with --metrics-listen and a"
             " scrape every second (the request and frequency-write histograms recorded).", "",
             "| channels | W | replies/s off | replies/s on | on / off | CPU µs/reply off |"
             " CPU µs/reply on | reply errors on |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in channel_counts:
        for w in windows:
            off = fig.median("java", "tput", "rate", n=n, window=w)
            on = fig.median("javam", "tput", "rate", n=n, window=w)
            if off is None and on is None:
                continue
            bad = sum(fig.values("javam", "tput", "nacks", n=n, window=w)) + sum(
                fig.values("javam", "tput", "errors", n=n, window=w)) + sum(
                fig.values("javam", "tput", "incomplete", n=n, window=w))
            lines.append(
                f"| {n:,} | {w:.0f} | {fig.cell('java', 'tput', 'rate', n=n, window=w)} |"
                f" {fig.cell('javam', 'tput', 'rate', n=n, window=w)} | {ratio(on, off)} |"
                f" {fig.cell('java', 'tput', 'cpu_us', '{:.2f}', n=n, window=w)} |"
                f" {fig.cell('javam', 'tput', 'cpu_us', '{:.2f}', n=n, window=w)} | {bad:.0f} |")
    return lines


def idle_rows(fig, host, n):
    rows = [r for r in fig.rows if r["host"] == host and r["kind"] == "idle" and r["n"] == n]
    by_round = defaultdict(list)
    for r in rows:
        by_round[r["round"]].append(r)
    return [v[-1] for v in by_round.values()]


def idle_cell(fig, host, n):
    rows = idle_rows(fig, host, n)
    if not rows:
        return "-"
    t = statistics.median(r["host_cpu"] for r in rows)
    s = statistics.median(r["host_cpu_sched"] for r in rows)
    return f"{t:.2f}; {s:.3f}"


def mem_cell(fig, host, n):
    rss = fig.values(host, "mem", "rss_kb", n=n)
    hwm = fig.values(host, "mem", "hwm_kb", n=n)
    if not rss:
        return "-"
    return f"{statistics.median(rss) / 1024:,.0f}; {statistics.median(hwm) / 1024:,.0f}"


def targets(fig):
    def tput(host, n, w):
        return fig.median(host, "tput", "rate", n=n, window=w)

    out = []

    def add(name, value, ok, shown):
        out.append(f"| {name} | {shown} | {'met' if ok else 'NOT met' if value is not None else '-'} |")

    j1, c1 = tput("java", 1, 1), tput("c", 1, 1)
    add("1 channel, W=1: >= 16,000 replies/s", j1, j1 is not None and j1 >= 16000, f"{j1:,.0f}" if j1 else "-")
    add("1 channel, W=1: >= 0.8x C host", j1, j1 is not None and c1 and j1 / c1 >= 0.8, ratio(j1, c1))
    j64, c64 = tput("java", 64, 16), tput("c", 64, 16)
    add("64 channels, W=16: >= 620,000 replies/s", j64, j64 is not None and j64 >= 620000,
        f"{j64:,.0f}" if j64 else "-")
    add("64 channels, W=16: >= 0.5x C host", j64, j64 is not None and c64 and j64 / c64 >= 0.5, ratio(j64, c64))
    p99 = fig.median("java", "lat", "p99_us", gap_us=0.0)
    add("p99 latency, 1 channel, after warm-up: <= 100 µs", p99, p99 is not None and p99 <= 100,
        f"{p99:,.0f} µs" if p99 is not None else "-")
    rows = idle_rows(fig, "java", 1024)
    idle = statistics.median(r["host_cpu_sched"] for r in rows) if rows else None
    add("idle CPU, 1,024 silent channels: <= 0.2 % of a core", idle, idle is not None and idle <= 0.2,
        f"{idle:.3f} %" if idle is not None else "-")
    for w in (1, 16):
        a, b = tput("java", 16384, w), tput("java", 64, w)
        add(f"replies/s at 16,384 channels >= 80 % of at 64 (W={w})", a, a is not None and b and a / b >= 0.8,
            f"{a / b:.0%}" if a is not None and b else "-")
    st = fig.median("java", "start", "start_ms")
    add("start to prompt <= 1 s", st, st is not None and st <= 1000, f"{st:,.0f} ms" if st is not None else "-")
    rss = fig.values("java", "mem", "rss_kb", n=16384)
    r = statistics.median(rss) / 1024 if rss else None
    add("RSS with 16,384 channels <= 200 MB", r, r is not None and r <= 200, f"{r:,.0f} MB" if r else "-")
    return ["| target | measured (median) | |", "|---|---:|---|"] + out


def svg(fig, channel_counts, windows):
    w, h, left, right, top, bottom = 700, 400, 80, 220, 30, 50
    pw, ph = w - left - right, h - top - bottom
    series = []
    for host, colour in (("java", "#1f77b4"), ("c", "#7f7f7f")):
        for win, dash in zip(windows, ("", "6,4")):
            pts = [(n, fig.median(host, "tput", "rate", n=n, window=win)) for n in channel_counts]
            pts = [(n, v) for n, v in pts if v is not None]
            if pts:
                series.append((f"{HOSTS[host]}, W={win:.0f}", colour, dash, pts))
    ymax = max((v for _, _, _, pts in series for _, v in pts), default=1)
    step = 10 ** (len(str(int(ymax))) - 1)
    ymax = (int(ymax / step) + 1) * step
    xs = {n: left + (pw * i / max(len(channel_counts) - 1, 1)) for i, n in enumerate(channel_counts)}

    def y(v):
        return top + ph - ph * v / ymax

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif"'
         f' font-size="12">',
         f'<rect width="{w}" height="{h}" fill="white"/>',
         f'<text x="{left}" y="18" font-size="14">Replies/s against channel count (median over rounds)</text>']
    for i in range(6):
        v = ymax * i / 5
        s.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + pw}" y2="{y(v):.1f}" stroke="#ddd"/>')
        s.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
    for n, x in xs.items():
        s.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{n:,}</text>')
    s.append(f'<text x="{left + pw / 2:.1f}" y="{h - 10}" text-anchor="middle">channels (log scale)</text>')
    s.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="black"/>')
    s.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="black"/>')
    for i, (label, colour, dash, pts) in enumerate(series):
        path = " ".join(f"{xs[n]:.1f},{y(v):.1f}" for n, v in pts)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        s.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{extra}/>')
        for n, v in pts:
            s.append(f'<circle cx="{xs[n]:.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
        ly = top + 10 + 20 * i
        s.append(f'<line x1="{left + pw + 12}" y1="{ly}" x2="{left + pw + 40}" y2="{ly}" stroke="{colour}"'
                 f' stroke-width="2"{extra}/>')
        s.append(f'<text x="{left + pw + 46}" y="{ly + 4}">{label}</text>')
    s.append("</svg>")
    return "\n".join(s) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--elapsed", default="?")
    p.add_argument("--fd-limit", default="?")
    p.add_argument("--doc")
    p.add_argument("--svg")
    p.add_argument("--short", action="store_true", help="a CI run: no targets (timing is not checked)")
    a = p.parse_args()
    fig = Figures(load(a.results))
    channel_counts = sorted({r["n"] for r in fig.rows})
    windows = sorted({r["window"] for r in fig.rows if r["kind"] == "tput"})
    body = tables(fig, channel_counts, windows) + metrics_table(fig, channel_counts, windows)
    if a.short:
        body += ["(--short checks replies and that everything runs; its timings mean little.)"]
    else:
        body += [""] + targets(fig)
    head = [f"Command: `{a.command}` ({a.elapsed} s). Machine: {a.machine}; open files limit {a.fd_limit}."]
    text = "\n".join(head + [""] + body) + "\n"
    with open(f"{a.out}/table.md", "w") as f:
        f.write(text)
    plot = svg(fig, channel_counts, windows)
    with open(f"{a.out}/replies.svg", "w") as f:
        f.write(plot)
    print(text)
    print(f"(written to {a.out}/table.md and {a.out}/replies.svg)")
    if a.svg:
        with open(a.svg, "w") as f:
            f.write(plot)
    if a.doc:
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        with open(a.doc) as f:
            doc = f.read()
        if begin not in doc or end not in doc:
            sys.exit(f"{a.doc} has no {begin} ... {end} section to replace")
        pre, rest = doc.split(begin, 1)
        _, post = rest.split(end, 1)
        with open(a.doc, "w") as f:
            f.write(pre + begin + "\n" + text + end + post)
        print(f"(and into {a.doc})")


if __name__ == "__main__":
    main()
