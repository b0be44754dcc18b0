#!/usr/bin/env bash
# The control socket under load and abuse (issue 12): figures printed, never asserted.
#
#   ci/control-bench.sh [--short]
#
# bin/vm-power-mgr (Linux HAL on a fake cpufreq tree and a libvirt test-driver node) with
# --control-socket serves 64 channels of ci/bench/loadgen (which plays QEMU and checks every
# reply), while ci/bench/control_load.py plays control clients:
#   1. guest round trip p50/p99 on one channel, nothing else going on (baseline, after a warm-up);
#   2. control command round trip p50/p99 (show_vms, show_stats) while all 64 channels flood
#      (16 requests outstanding on each);
#   3. guest round trip p50/p99 again while the control socket is abused: clients that never read
#      their replies, send lines past the bound, send invalid JSON or nothing, and bursts of 1,000
#      clients at once (how many are served, how many refused, how fast all are answered).
# Exits non-zero only when something is wrong (a bad or missing guest reply, a failed control
# command, the host not starting or not exiting cleanly), never on a timing.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
short=0
[ "${1:-}" = "--short" ] && short=1

for tool in gcc java python3; do
  command -v $tool >/dev/null || { echo "ci/control-bench.sh: $tool is required" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base="${TMPDIR:-/tmp}"
work="$(mktemp -d "$base/vmpower-control-bench.XXXXXX")"
hp=""
lp=""
ap=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  for p in $ap $lp $hp; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
stage() { printf '== %s (%s)\n' "$1" "$(date +%T)" >&2; }

stage "building the load generator and the host jar"
gcc -O2 -Wall -o "$work/loadgen" "$root/ci/bench/loadgen.c" -lm || exit 2
"$root/bin/vm-power-mgr" --version >/dev/null || { echo "cannot build the host" >&2; exit 2; }

# the fake host: 8 acpi-cpufreq CPUs on userspace at 2.0 GHz; one VM of 2 vCPUs, 64 channels
cpu="$work/sys/devices/system/cpu"
mkdir -p "$cpu"
echo 0-7 > "$cpu/online"
echo 0-7 > "$cpu/present"
for c in 0 1 2 3 4 5 6 7; do
  d="$cpu/cpu$c/cpufreq"
  mkdir -p "$d"
  echo acpi-cpufreq > "$d/scaling_driver"
  echo "2601000 2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000 " \
    > "$d/scaling_available_frequencies"
  echo "conservative ondemand userspace powersave performance" > "$d/scaling_available_governors"
  echo userspace > "$d/scaling_governor"
  echo 2000000 > "$d/scaling_setspeed"
  echo 2000000 > "$d/scaling_cur_freq"
  echo 1200000 > "$d/cpuinfo_min_freq"
  echo 2601000 > "$d/cpuinfo_max_freq"
  echo "$c" > "$d/related_cpus"
done
cat > "$work/node.xml" <<XML
<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>
    <active>8</active><mhz>2000</mhz><model>x86_64</model></cpu>
  <memory>8388608</memory>
  <domain type='test'><name>bvm0</name><uuid>00000000-0000-4000-8000-000000000000</uuid>
    <memory>1048576</memory><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/>
    <vcpupin vcpu='1' cpuset='3'/></cputune><os><type>hvm</type></os></domain>
</node>
XML

# the flood lasts long enough for both round-trip measurements (rtt_s each) to run inside it
if [ $short = 1 ]; then
  lat="lat:500:200:1000"; flood=4; rtt_s=1; abuse_lat="lat:3000:100:1000"
else
  lat="lat:5000:1000:1000"; flood=12; rtt_s=5; abuse_lat="lat:15000:1000:1000"
fi
mkdir -p "$work/ch"
sock="$work/run/control.sock"

stage "load generator: 64 channels; phases: tput:1:2:1 (warm-up), $lat (baseline), tput:16:$flood (flood), idle:3, $abuse_lat (abuse)"
"$work/loadgen" --dir "$work/ch" --vms 1 --per-vm 64 --ready-file "$work/ready" \
  --host-pid-file "$work/host.pid" --attach-timeout 120 \
  tput:1:2:1 "$lat" "tput:16:$flood:1" idle:3 "$abuse_lat" > "$work/loadgen.out" 2> "$work/loadgen.err" &
lp=$!
for _ in $(seq 1 200); do [ -f "$work/ready" ] && break; sleep 0.05; done
[ -f "$work/ready" ] || { echo "the load generator did not start" >&2; cat "$work/loadgen.err" >&2; exit 2; }

stage "host with --control-socket"
mkfifo "$work/hostin"
"$root/bin/vm-power-mgr" --libvirt-uri "test://$work/node.xml" --sysfs-root "$work/sys" \
  --channel-dir "$work/ch" --state-file "$work/state" --control-socket "$sock" \
  < "$work/hostin" > "$work/host.out" 2> "$work/host.err" &
hp=$!
echo "$hp" > "$work/host.pid"
exec 3> "$work/hostin"
for _ in $(seq 1 600); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "the host did not open its control socket" >&2; cat "$work/host.err" >&2; exit 2; }

# attached through the control socket, as an operator of a daemon would
"$root/bin/vm-power-mgr" --connect "$sock" -c 'add_vm bvm0' -c 'add_channels bvm0 all' \
  > "$work/attach.out" 2>&1 || { fail "attaching through the control socket"; cat "$work/attach.out" >&2; }

wait_phase() { # wait_phase PHASE N: until the load generator has printed N RESULT lines of PHASE
  for _ in $(seq 1 2400); do
    [ "$(grep -c "^RESULT phase=$1 " "$work/loadgen.out")" -ge "$2" ] && return 0
    kill -0 "$lp" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

wait_phase lat 1 || fail "the baseline latency phase did not end"
stage "control round trips while 64 channels flood"
sleep 1.3 # past the flood's warm-up second
{
  python3 "$root/ci/bench/control_load.py" rtt "$sock" "$rtt_s" show_vms ||
    echo "FAILED show_vms"
  python3 "$root/ci/bench/control_load.py" rtt "$sock" "$rtt_s" show_stats ||
    echo "FAILED show_stats"
} > "$work/rtt.out" 2>&1
grep -q FAILED "$work/rtt.out" && fail "control round trips: $(cat "$work/rtt.out")"
wait_phase tput 2 || fail "the flood phase did not end"
stage "abusive control clients while the guest's latency is measured"
python3 "$root/ci/bench/control_load.py" abuse "$sock" "$work/stop-abuse" > "$work/abuse.out" 2>&1 &
ap=$!
wait_phase lat 2 || fail "the latency phase under abuse did not end"
touch "$work/stop-abuse"
wait "$lp"; code=$?; lp=""
[ $code -eq 0 ] || { fail "the load generator saw bad or missing replies (exit $code)"; sed -n 1,20p "$work/loadgen.err" >&2; }
wait "$ap"; ap=""

# the host still answers, then quits cleanly and restores the CPUs
"$root/bin/vm-power-mgr" --connect "$sock" -c show_stats > "$work/stats.out" 2>&1 ||
  fail "show_stats through the control socket after the abuse: $(cat "$work/stats.out")"
echo quit >&3
exec 3>&-
wait "$hp"; hcode=$?; hp=""
[ $hcode -eq 0 ] || fail "the host exited with $hcode"
grep -q "^2000000$" "$cpu/cpu2/cpufreq/scaling_setspeed" || fail "CPU 2 not restored"
[ -e "$sock" ] && fail "the host left its control socket behind"

machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(uname -sr)"
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }
base_line="$(grep '^RESULT phase=lat' "$work/loadgen.out" | sed -n 1p)"
abuse_line="$(grep '^RESULT phase=lat' "$work/loadgen.out" | sed -n 2p)"
tput_line="$(grep '^RESULT phase=tput' "$work/loadgen.out" | sed -n 2p)"
echo
echo "Control socket figures ($([ $short = 1 ] && echo 'short run: too few samples to read much into' || echo 'full run')); $machine"
printf '  guest round trip, 1 channel of 64, nothing else:     p50 %6s us  p99 %8s us  (%s samples)\n' \
  "$(field "$base_line" p50_us)" "$(field "$base_line" p99_us)" "$(field "$base_line" samples)"
printf '  guest round trip, same, control socket abused:       p50 %6s us  p99 %8s us  (%s samples)\n' \
  "$(field "$abuse_line" p50_us)" "$(field "$abuse_line" p99_us)" "$(field "$abuse_line" samples)"
printf '  64 channels flooding (16 outstanding each):          %s replies/s\n' "$(field "$tput_line" rate)"
while read -r l; do
  printf '  control round trip %-12s while they flood:  p50 %6s us  p99 %8s us  (%s samples)\n' \
    "$(field "$l" command)" "$(field "$l" p50_us)" "$(field "$l" p99_us)" "$(field "$l" samples)"
done < <(grep '^RESULT phase=control_rtt' "$work/rtt.out")
bursts="$(grep '^RESULT phase=burst' "$work/abuse.out")"
if [ -n "$bursts" ]; then
  echo "  1,000 clients at once ($(wc -l <<< "$bursts") burst(s) during the abuse; each: answered in, served, refused):"
  while read -r l; do
    printf '    %6s s   greeted %4s   busy %4s   other: %s\n' "$(field "$l" answered_s)" \
      "$(field "$l" greeted || true)" "$(field "$l" busy || true)" \
      "$(sed 's/.*answered_s=[^ ]* //; s/greeted=[0-9]* *//; s/busy=[0-9]* *//' <<< "$l")"
  done < <(head -5 <<< "$bursts")
fi
echo "  abusive clients: $(grep '^RESULT phase=abuse' "$work/abuse.out" | sed 's/^RESULT phase=abuse //')"
echo "  guest replies checked by the load generator: nacks/errors/incomplete = $(field "$abuse_line" nacks)/$(field "$abuse_line" errors)/$(field "$abuse_line" incomplete) under abuse"
echo "  host log lines about the control socket: $(grep -c 'control' "$work/host.err")"
[ $fails -eq 0 ] || { echo "ci/control-bench.sh: $fails failure(s)" >&2; exit 1; }
