#!/usr/bin/env bash
# Figures of the daemon (vm-power-mgr --daemon), printed, not asserted:
#   1. start to READY=1: the time from starting bin/vm-power-mgr --daemon to the READY=1 datagram
#      on its $NOTIFY_SOCKET (a python3 socket that plays systemd and stamps each datagram), the
#      median (and min-max) of STARTS starts, each stopped with SIGTERM after READY=1; and the CPU
#      time the daemon used until then (all threads, from /proc/PID/stat), which other work on the
#      machine disturbs less than the wall time:
#        - sim: the simulated host (built-in scenario: 2 running VMs, 6 channels);
#        - test driver, 4 channels: libvirt's test driver, 2 VMs whose XML names 2 power channels
#          each, on sockets a python3 stand-in for QEMU binds (the daemon attaches them);
#        - test driver, 1,024 channels: 16 VMs of 64 channels, on loadgen's sockets.
#   2. idle CPU with 1,024 channels attached: the daemon on the test driver with 16 VMs of 64
#      channels, attached by the daemon itself from the XML, with systemd's watchdog of the unit
#      (WATCHDOG_USEC for WatchdogSec=20s: a no-op through the monitor every 10 s), while
#      ci/bench/loadgen (which plays QEMU) sends nothing: % of one core from /proc/PID/stat (and
#      schedstat), over the first minute after the channels are attached (the JIT still compiling),
#      then over 330 s that hold one periodic re-read of every domain (vms.rescan-seconds, 300).
#
#   ci/bench-daemon.sh              10 starts each, idle 60 s and 330 s (about 9 minutes)
#   ci/bench-daemon.sh --short      2 starts each, 64 channels, idle 2 s: checks that it works
#                                   (READY=1 arrives, every channel is attached, loadgen sees no
#                                   unsolicited byte), not the timings; CI runs this
#   --starts N                      the number of starts per setup
#
# Exits non-zero when a start gives no READY=1, a daemon does not stop with status 143 on SIGTERM,
# or loadgen fails.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

short=0
starts=10
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1; starts=2 ;;
    --starts) starts="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "ci/bench-daemon.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
for tool in gcc java python3; do
  command -v $tool >/dev/null || { echo "ci/bench-daemon.sh: $tool is required" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base="${TMPDIR:-/tmp}"
work="$(mktemp -d "$base/vmpower-bench-daemon.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
stage() { printf '== %s (%s)\n' "$1" "$(date +%T)" >&2; }

stage "building loadgen and the host"
gcc -O2 -Wall -o "$work/loadgen" "$root/ci/bench/loadgen.c" -lm || exit 2
"$root/bin/vm-power-mgr" --version >/dev/null || { echo "cannot build the host" >&2; exit 2; }

# the stand-in systemd: one line per datagram, "EPOCH_SECONDS MESSAGE" (lines joined by " | ")
cat >"$work/systemd.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        d = s.recv(4096).decode()
        out.write("%.6f %s\n" % (time.time(), d.replace("\n", " | ")))
PY
# QEMU's part for the small test-driver setup: listening sockets that accept each connection
# and close it when the host hangs up (one daemon after another connects to them)
cat >"$work/listen.py" <<'PY'
import selectors, socket, sys
sel = selectors.DefaultSelector()
for path in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(8)
    sel.register(s, selectors.EVENT_READ, "listen")
open(sys.argv[1] + ".ready", "w").close()
while True:
    for key, _ in sel.select():
        if key.data == "listen":
            c, _ = key.fileobj.accept()
            sel.register(c, selectors.EVENT_READ, "peer")
        elif not key.fileobj.recv(4096):
            sel.unregister(key.fileobj)
            key.fileobj.close()
PY
python3 "$work/systemd.py" "$work/notify" "$work/notified" &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$work/notify" ] && break; sleep 0.1; done

# node VMS PER_VM DIR: a test-driver node.xml whose VMs bvm0.. name PER_VM power channels each at
# DIR/bvmV.K (loadgen's names)
node() {
  local vms=$1 per=$2 dir=$3 v k
  echo "<node>"
  echo "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>"
  echo "    <active>8</active><mhz>2000</mhz><model>x86_64</model></cpu>"
  echo "  <memory>67108864</memory>"
  for v in $(seq 0 $((vms - 1))); do
    printf "  <domain type='test'><name>bvm%d</name><uuid>00000000-0000-4000-8000-%012x</uuid>" "$v" "$v"
    printf "<memory>1048576</memory><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='%d'/>" $(((2 * v) % 8))
    printf "<vcpupin vcpu='1' cpuset='%d'/></cputune><os><type>hvm</type></os><devices>" $(((2 * v + 1) % 8))
    for k in $(seq 0 $((per - 1))); do
      printf "<channel type='unix'><source mode='bind' path='%s/bvm%d.%d'/>" "$dir" "$v" "$k"
      printf "<target type='virtio' name='virtio.serial.port.poweragent.%d'/></channel>" "$k"
    done
    echo "</devices></domain>"
  done
  echo "</node>"
}

# a fake cpufreq tree: 8 acpi-cpufreq CPUs on userspace at 2.0 GHz
sys="$work/sys"
mkdir -p "$sys/devices/system/cpu"
echo 0-7 >"$sys/devices/system/cpu/online"
echo 0-7 >"$sys/devices/system/cpu/present"
for c in $(seq 0 7); do
  d="$sys/devices/system/cpu/cpu$c/cpufreq"
  mkdir -p "$d"
  echo acpi-cpufreq >"$d/scaling_driver"
  echo "2601000 2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000 " >"$d/scaling_available_frequencies"
  echo "conservative ondemand userspace powersave performance" >"$d/scaling_available_governors"
  echo userspace >"$d/scaling_governor"
  echo 2000000 >"$d/scaling_setspeed"
  echo 2000000 >"$d/scaling_cur_freq"
  echo 1200000 >"$d/cpuinfo_min_freq"
  echo 2601000 >"$d/cpuinfo_max_freq"
  echo "$c" >"$d/related_cpus"
done

ready_count() { awk '/ READY=1 /{n++} END {print n + 0}' "$work/notified" 2>/dev/null || echo 0; }

# one_start NAME ARGS...: starts the daemon, waits for READY=1, stops it; appends the ms to NAME's
# results; DAEMON_PID is the running daemon between start_daemon and stop_daemon
start_daemon() {
  before=$(ready_count)
  t0=$EPOCHREALTIME
  NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC="${WATCHDOG_USEC:-}" VMPOWER_JAVA_OPTS="${BENCH_JAVA_OPTS:-}" \
    "$root/bin/vm-power-mgr" --daemon "$@" </dev/null >"$work/daemon.out" 2>"$work/daemon.err" &
  DAEMON_PID=$!
  echo "$DAEMON_PID" >"$work/host.pid"
  local end=$((SECONDS + 120))
  until [ "$(ready_count)" -gt "$before" ]; do
    if [ $SECONDS -ge $end ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      fail "no READY=1 from: vm-power-mgr --daemon $*"
      sed -n '1,20p' "$work/daemon.err" >&2
      kill -KILL "$DAEMON_PID" 2>/dev/null
      wait "$DAEMON_PID" 2>/dev/null
      return 1
    fi
    sleep 0.02
  done
  # the CPU time the daemon used until now, all threads: steadier than the wall time on a machine
  # shared with other work
  READY_CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' \
    "/proc/$DAEMON_PID/stat" 2>/dev/null)
  READY_MS=$(grep ' READY=1 ' "$work/notified" | tail -n 1 |
    awk -v t0="$t0" '{printf "%.0f", ($1 - t0) * 1000}')
  READY_STATUS=$(grep ' READY=1 ' "$work/notified" | tail -n 1 | sed 's/.*STATUS=//')
}
stop_daemon() {
  kill -TERM "$DAEMON_PID" 2>/dev/null
  wait "$DAEMON_PID"
  local code=$?
  [ $code -eq 143 ] || fail "the daemon exited with $code on SIGTERM, not 143"
}
one_start() {
  local name=$1
  shift
  if start_daemon "$@"; then
    echo "$READY_MS" >>"$work/start-$name"
    echo "$READY_CPU_MS" >>"$work/cpu-$name"
    echo "  $name: READY=1 after $READY_MS ms, $READY_CPU_MS ms of CPU ($READY_STATUS)" >&2
    stop_daemon
  fi
}
summary() { # file: median [min-max] of its numbers
  sort -n "$1" | awk '{a[NR] = $1} END {
    if (NR == 0) { print "-"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.0f ms [%d-%d], %d starts", m, a[1], a[NR], NR }'
}

# ---- 1. start to READY=1
stage "start to READY=1: simulated host, $starts starts"
printf 'vms:\n  manage: auto\ncontrol:\n  path: %s\n' "$work/control.sock" >"$work/sim.yaml"
for i in $(seq 1 "$starts"); do
  one_start sim --sim --channel-dir "$work/sim-ch" --config "$work/sim.yaml"
done

stage "start to READY=1: libvirt test driver, 4 channels, $starts starts"
mkdir -p "$work/small"
node 2 2 "$work/small" >"$work/small.xml"
python3 "$work/listen.py" "$work"/small/bvm{0,1}.{0,1} &
pids+=($!)
for _ in $(seq 1 50); do [ -f "$work/small/bvm0.0.ready" ] && break; sleep 0.1; done
cat >"$work/small.yaml" <<EOF
libvirt-uri: test://$work/small.xml
sysfs-root: $sys
state-file: $work/state.properties
channels:
  folder: $work/small
control:
  path: $work/control.sock
EOF
for i in $(seq 1 "$starts"); do
  one_start small --config "$work/small.yaml"
done
[ "$(grep -c ' READY=1 .*Serving 4 channel(s) of 2 VM(s), 4 attached' "$work/notified")" -eq "$starts" ] ||
  fail "the test driver's 4 channels were not all attached at READY=1 at each start"

big_vms=16
[ $short = 1 ] && big_vms=1
big=$((big_vms * 64))
mkdir -p "$work/big"
node $big_vms 64 "$work/big" >"$work/big.xml"
cat >"$work/big.yaml" <<EOF
libvirt-uri: test://$work/big.xml
sysfs-root: $sys
state-file: $work/state.properties
channels:
  folder: $work/big
control:
  path: $work/control.sock
EOF
# loadgen plays QEMU for the big setup: it binds the sockets, waits for the daemon to attach them
# all, then idles (sends nothing) and measures the daemon's CPU (host.pid, read at each phase)
idle_a=60
idle_b=330
[ $short = 1 ] && { idle_a=2; idle_b=2; }
loadgen() { # phases...
  "$work/loadgen" --dir "$work/big" --vms $big_vms --per-vm 64 --ready-file "$work/big.ready" \
    --host-pid-file "$work/host.pid" --attach-timeout 120 "$@" >"$work/loadgen.out" 2>"$work/loadgen.err" &
  LOADGEN_PID=$!
  for _ in $(seq 1 200); do [ -f "$work/big.ready" ] && break; sleep 0.05; done
}

stage "start to READY=1: libvirt test driver, $big channels, $starts starts"
for i in $(seq 1 "$starts"); do
  rm -f "$work/big.ready"
  loadgen idle:0.1
  if start_daemon --config "$work/big.yaml"; then
    echo "$READY_MS" >>"$work/start-big"
    echo "$READY_CPU_MS" >>"$work/cpu-big"
    echo "  big: READY=1 after $READY_MS ms, $READY_CPU_MS ms of CPU ($READY_STATUS)" >&2
    # loadgen ends once every channel is attached (and its 0.1 s idle phase is over): only then
    # is the daemon stopped, so that loadgen does not see a hang-up it would count as an error
    wait "$LOADGEN_PID" || fail "loadgen (start $i): $(head -c 300 "$work/loadgen.err")"
    stop_daemon
  else
    kill "$LOADGEN_PID" 2>/dev/null
    wait "$LOADGEN_PID" 2>/dev/null
  fi
done

# ---- 2. idle CPU with the channels attached
stage "idle CPU: $big channels attached by the daemon, idle ${idle_a} s and ${idle_b} s"
rm -f "$work/big.ready"
loadgen "idle:$idle_a" "idle:$idle_b"
if WATCHDOG_USEC=20000000 start_daemon --config "$work/big.yaml"; then
  echo "  READY=1 after $READY_MS ms ($READY_STATUS)" >&2
  if wait "$LOADGEN_PID"; then
    grep '^RESULT' "$work/loadgen.out" | sed 's/^/  /' >&2
  else
    fail "loadgen in the idle phases: $(head -c 300 "$work/loadgen.err")"
  fi
  stop_daemon
fi

# ---- the figures
echo
echo "Daemon figures ($(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -1))"
printf '%-46s %s\n' "start to READY=1, simulated host (6 channels)" "$(summary "$work/start-sim")"
printf '%-46s %s\n' "  CPU used until READY=1" "$(summary "$work/cpu-sim")"
printf '%-46s %s\n' "start to READY=1, test driver, 4 channels" "$(summary "$work/start-small")"
printf '%-46s %s\n' "  CPU used until READY=1" "$(summary "$work/cpu-small")"
printf '%-46s %s\n' "start to READY=1, test driver, $big channels" "$(summary "$work/start-big")"
printf '%-46s %s\n' "  CPU used until READY=1" "$(summary "$work/cpu-big")"
grep '^RESULT phase=idle' "$work/loadgen.out" 2>/dev/null |
  sed -E 's/.* seconds=([0-9.]+).* host_cpu=([0-9.]+).*/\1 \2/' |
  while read -r secs cpu; do
    printf '%-46s %s\n' "idle CPU, $big channels attached, ${secs%.*} s" "$cpu % of one core"
  done
[ $fails -eq 0 ] || { echo "ci/bench-daemon.sh: $fails failure(s)" >&2; exit 1; }
