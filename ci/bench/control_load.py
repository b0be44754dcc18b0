#!/usr/bin/env python3
"""The control socket's side of ci/control-bench.sh: measures command round trips, and plays the
abusive clients of issue 12 while the load generator measures guest latency.

  control_load.py rtt SOCKET SECONDS COMMAND     one client, COMMAND back to back for SECONDS;
                                                 prints RESULT phase=control_rtt ... p50_us p99_us
  control_load.py abuse SOCKET STOP_FILE         until STOP_FILE exists: clients that never read,
                                                 send lines past the bound, invalid JSON, or
                                                 nothing, and bursts of 1,000 clients at once;
                                                 prints RESULT phase=abuse ... and per burst figures
Bounded in count and time: it stops by itself after 120 s whatever happens.
"""
import json
import os
import select
import socket
import sys
import threading
import time

DEADLINE = time.monotonic() + 120


def connect(path, timeout=10.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_line(s, buf):
    while b"\n" not in buf[0]:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed")
        buf[0] += chunk
    line, buf[0] = buf[0].split(b"\n", 1)
    return json.loads(line)


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[int(p * (len(v) - 1) + 0.5)]


def rtt(path, seconds, command):
    s = connect(path)
    buf = [b""]
    read_line(s, buf)  # greeting
    lat = []
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
        req = json.dumps({"id": n, "command": command}).encode() + b"\n"
        t0 = time.perf_counter_ns()
        s.sendall(req)
        reply = read_line(s, buf)
        lat.append((time.perf_counter_ns() - t0) / 1000.0)
        if reply.get("status") != 0 or reply.get("id") != n:
            print("bad reply: %r" % reply, file=sys.stderr)
            sys.exit(1)
    s.close()
    print("RESULT phase=control_rtt command=%s samples=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f"
          % (command.replace(" ", "_"), len(lat), pct(lat, .5), pct(lat, .9), pct(lat, .99), max(lat)))
    sys.stdout.flush()


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n


def first_reason(s):
    """The first line's reason: 'greeted', a refusal reason, or 'closed'."""
    buf = [b""]
    try:
        first = read_line(s, buf)
    except (EOFError, OSError, ValueError):
        return "closed"
    return first.get("reason", "greeted")


def non_reader(path, stop, counts):
    """Sends 5,000 help requests and never reads a reply: the host must cut it off."""
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        try:
            s = connect(path)
            if first_reason(s) != "greeted":
                counts.add("non_reader_refused")
                s.close()
                time.sleep(0.2)
                continue
            start = time.monotonic()
            s.settimeout(60)
            try:
                for i in range(5000):
                    s.sendall(b'{"id":%d,"command":"help"}\n' % i)
            except OSError:
                pass
            # never read: wait (without reading) until the host hangs up
            p = select.poll()
            p.register(s, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
            if p.poll(60000):
                counts.add("non_reader_cut_off")
                counts.add("non_reader_seconds", time.monotonic() - start)
            s.close()
        except OSError:
            counts.add("non_reader_connect_failed")
            time.sleep(0.2)


def long_liner(path, stop, counts):
    """Sends 1 MiB without a newline: refused at 64 KiB, connection closed."""
    blob = b'{"command":"' + b"x" * (1 << 20)
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        try:
            s = connect(path)
            if first_reason(s) != "greeted":
                counts.add("long_line_refused_busy")
                s.close()
                time.sleep(0.2)
                continue
            try:
                s.sendall(blob)
            except OSError:
                pass
            counts.add("long_line_" + first_reason(s))
            s.close()
        except OSError:
            counts.add("long_line_connect_failed")
            time.sleep(0.2)


def garbage(path, stop, counts):
    """Invalid JSON, line after line: each answered bad_request, the connection kept."""
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        try:
            s = connect(path)
            buf = [b""]
            if first_reason(s) != "greeted":
                s.close()
                time.sleep(0.2)
                continue
            while not os.path.exists(stop) and time.monotonic() < DEADLINE:
                s.sendall(b"this is { not json\n")
                counts.add("bad_request_" + read_line(s, buf).get("reason", "none"))
            s.close()
        except (OSError, EOFError):
            time.sleep(0.2)


def idler(path, stop, counts):
    """Connects and says nothing: cut off at the idle timeout."""
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        try:
            s = connect(path, timeout=90)
            if first_reason(s) != "greeted":
                s.close()
                time.sleep(0.5)
                continue
            counts.add("idle_" + first_reason(s))
            s.close()
        except OSError:
            time.sleep(0.5)


def burst(path, n, counts):
    """n clients connect at once; each reads its first line."""
    socks = []
    t0 = time.monotonic()
    for _ in range(n):
        try:
            # a blocking connect waits for room in the listen backlog instead of failing at once
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.settimeout(30)
            socks.append(s)
        except OSError:
            counts.add("burst_connect_failed")
    reasons = {}
    for s in socks:
        r = first_reason(s)
        reasons[r] = reasons.get(r, 0) + 1
    elapsed = time.monotonic() - t0
    for s in socks:
        s.close()
    print("RESULT phase=burst clients=%d answered_s=%.3f %s"
          % (n, elapsed, " ".join("%s=%d" % kv for kv in sorted(reasons.items()))))
    sys.stdout.flush()
    for k, v in reasons.items():
        counts.add("burst_" + k, v)


def abuse(path, stop):
    counts = Counts()
    threads = []
    for f, k in ((non_reader, 3), (long_liner, 3), (garbage, 2), (idler, 2)):
        for _ in range(k):
            t = threading.Thread(target=f, args=(path, stop, counts), daemon=True)
            t.start()
            threads.append(t)
    time.sleep(0.5)
    bursts = 0
    while not os.path.exists(stop) and time.monotonic() < DEADLINE:
        burst(path, 1000, counts)
        bursts += 1
        time.sleep(0.5)
    print("RESULT phase=abuse bursts=%d %s" % (bursts, " ".join(
        "%s=%s" % (k, round(v, 1) if isinstance(v, float) else v) for k, v in sorted(counts.c.items()))))
    sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1] == "rtt":
        rtt(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "abuse":
        abuse(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: control_load.py rtt|abuse ...")
