#!/usr/bin/env bash
# vmpower's performance harness: bin/vm-power-mgr (Linux HAL on a fake cpufreq tree and a libvirt
# test-driver node) against ci/bench/loadgen (plays QEMU: binds the channel sockets, keeps requests
# outstanding, checks every reply), side by side with ci/bench/minhost (a minimal C host: the
# limit of the protocol on this machine), so the figures read as ratios.
#
#   ci/bench.sh                 the full matrix (a few minutes): N = 1, 64, 1024, 16384 channels x
#                               W = 1, 16 outstanding; latency on 1 channel (back to back, Poisson);
#                               idle CPU with 1024 silent channels; RSS with 16384; start to prompt
#   ci/bench.sh --short         a tiny run for CI: N = 1 and 64, W = 1, 1 s each, a few latency
#                               samples; checks correctness, not timing
#   --rounds R                  repeat the matrix R times, interleaving the two hosts (default 2)
#   --out DIR                   where results go (default target/bench)
#   --update-docs               also put the table and the plot into docs/performance.md
#   --hosts 'java c javam'      which hosts to run, space separated (default 'java c'; both =
#                               'java c'); javam is vmpower with its metrics endpoint on
#                               (--metrics-listen 127.0.0.1:0) and scraped every second, for the
#                               overhead of metrics (table "metrics off/on")
#   --attach all|list           add_channels VM all (default: scans the channel folder per VM) or
#                               add_channels VM 0-63 (no scan)
#   --matrix 'N PHASE..;N ..'   instead of the built-in matrix, e.g. '64 tput:16:4' (phases: see
#                               ci/bench/loadgen.c); for profiling a change
#
# Prints one table; exits non-zero when any reply was wrong or missing (NACK, not an echo,
# incomplete), when a host failed to start or attach, or when the host did not exit cleanly and
# restore the CPU settings.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

short=0
rounds=2
out="$root/target/bench"
update_docs=0
hosts="java c"
custom=""
attach=all
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --rounds) rounds="$2"; shift ;;
    --out) out="$2"; shift ;;
    --update-docs) update_docs=1 ;;
    --hosts) hosts="$2"; [ "$hosts" = both ] && hosts="java c"; shift ;;
    --matrix) custom="$2"; shift ;;
    --attach) attach="$2"; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "ci/bench.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ $short = 1 ] && [ "$rounds" = 2 ] && rounds=1

for tool in gcc java python3; do
  command -v $tool >/dev/null || { echo "ci/bench.sh: $tool is required" >&2; exit 2; }
done
ldconfig -p 2>/dev/null | grep 'libvirt\.so\.0' >/dev/null ||
  { echo "ci/bench.sh: the libvirt0 package is required (libvirt test driver)" >&2; exit 2; }

# 16,384 channels take one descriptor each in the host and in the load generator (separate processes)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit=$(ulimit -n)

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base="${TMPDIR:-/tmp}"
work="$(mktemp -d "$base/vmpower-bench.XXXXXX")"
hp=""
lp=""
sp=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$lp" ] && kill "$lp" 2>/dev/null
  [ -n "$sp" ] && kill "$sp" 2>/dev/null
  [ -n "$hp" ] && kill "$hp" 2>/dev/null
  wait 2>/dev/null
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

stage() { printf '== %s (%s)\n' "$1" "$(date +%T)" >&2; }

# ---- tools
stage "building the load generator, the minimal C host and the host jar"
gcc -O2 -Wall -o "$work/loadgen" "$root/ci/bench/loadgen.c" -lm || exit 2
gcc -O2 -Wall -o "$work/minhost" "$root/ci/bench/minhost.c" || exit 2
"$root/bin/vm-power-mgr" --version >/dev/null || { echo "ci/bench.sh: cannot build the host" >&2; exit 2; }

# ---- the fake host: 8 acpi-cpufreq CPUs on userspace at 2.0 GHz, 256 VMs of 2 pinned vCPUs
pcpus=8
max_vms=256
sys="$work/sys"
cpu="$sys/devices/system/cpu"
mkdir -p "$cpu"
echo "0-$((pcpus - 1))" > "$cpu/online"
echo "0-$((pcpus - 1))" > "$cpu/present"
for c in $(seq 0 $((pcpus - 1))); do
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
echo 2000000 > "$work/minhost-setspeed"
{
  echo "<node>"
  echo "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>$pcpus</cores><threads>1</threads>"
  echo "    <active>$pcpus</active><mhz>2000</mhz><model>x86_64</model></cpu>"
  echo "  <memory>67108864</memory>"
  for v in $(seq 0 $((max_vms - 1))); do
    printf "  <domain type='test'><name>bvm%d</name><uuid>00000000-0000-4000-8000-%012x</uuid>" "$v" "$v"
    printf "<memory>1048576</memory><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='%d'/>" \
      $(((2 * v) % pcpus))
    printf "<vcpupin vcpu='1' cpuset='%d'/></cputune><os><type>hvm</type></os></domain>\n" \
      $(((2 * v + 1) % pcpus))
  done
  echo "</node>"
} > "$work/node.xml"

machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
machine="$machine $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"

# ---- one run: a host serving N channels while the load generator runs PHASES
# run HOST(java|c) N ROUND PHASES...
run() {
  local host="$1" n="$2" round="$3"; shift 3
  local per=$((n < 64 ? n : 64))
  local vms=$(((n + per - 1) / per))
  local d="$work/run-$host-$n-$round" t0 t1 code
  rm -rf "$d"
  mkdir -p "$d/ch"
  mkfifo "$d/hostin"
  # on one channel the load generator busy-polls, so its own wake-ups do not count
  "$work/loadgen" --dir "$d/ch" --vms "$vms" --per-vm "$per" --spin $((n == 1)) --ready-file "$d/ready" \
    --host-pid-file "$d/host.pid" --attach-timeout 300 "$@" > "$d/loadgen.out" 2> "$d/loadgen.err" &
  lp=$!
  for _ in $(seq 1 600); do [ -f "$d/ready" ] || ! kill -0 "$lp" 2>/dev/null && break; sleep 0.05; done
  [ -f "$d/ready" ] || { fail "$host N=$n: the load generator did not bind its sockets"; cat "$d/loadgen.err" >&2; lp=""; return; }
  if [ "$host" != c ]; then
    local metrics_args=()
    [ "$host" = javam ] && metrics_args=(--metrics-listen 127.0.0.1:0)
    t0=$EPOCHREALTIME
    VMPOWER_JAVA_OPTS="${BENCH_JAVA_OPTS:-}" "$root/bin/vm-power-mgr" --libvirt-uri "test://$work/node.xml" \
      --sysfs-root "$sys" --channel-dir "$d/ch" "${metrics_args[@]}" < "$d/hostin" 2> "$d/host.err" > >(
        # the time of the answer to the first command, then the rest as it comes
        {
          while IFS= read -r line; do
            echo "$line"
            if [[ $line == "VM 'bvm0' added"* ]]; then
              # and the CPU time so far: all threads, and the busiest (the main thread), which
              # bounds the time to the prompt from below whatever else the machine is doing
              echo "$EPOCHREALTIME $(cat /proc/"$(cat "$d/host.pid")"/task/*/schedstat 2>/dev/null |
                awk '{s += $1; if ($1 > m) m = $1} END {printf "%.0f %.0f", s / 1e6, m / 1e6}')" \
                > "$d/first-answer"
              break
            fi
          done
          cat
        } > "$d/host.out") &
    hp=$!
    echo "$hp" > "$d/host.pid"
    exec 3> "$d/hostin"
    {
      for v in $(seq 0 $((vms - 1))); do echo "add_vm bvm$v"; done
      for v in $(seq 0 $((vms - 1))); do
        echo "add_channels bvm$v $([ "$attach" = all ] && echo all || echo "0-$((per - 1))")"
      done
    } >&3
    t1=$EPOCHREALTIME
    if [ "$host" = javam ]; then
      # scraped every second while it serves, as a Prometheus with a 1 s interval would
      (
        target=""
        for _ in $(seq 1 600); do
          target="$(sed -n 's|^Metrics: http://\(.*\)/metrics$|\1|p' "$d/host.out" 2>/dev/null)"
          [ -n "$target" ] && break
          sleep 0.1
        done
        while [ -n "$target" ] && kill -0 "$lp" 2>/dev/null; do
          curl -s -o /dev/null "http://$target/metrics" && echo x >> "$d/scrapes"
          sleep 1
        done
      ) &
      sp=$!
    fi
  else
    "$work/minhost" "$d/ch" "$work/minhost-setspeed" > "$d/host.out" 2> "$d/host.err" &
    hp=$!
    echo "$hp" > "$d/host.pid"
  fi
  wait "$lp"
  code=$?
  lp=""
  if [ -n "$sp" ]; then
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
    sp=""
    [ -s "$d/scrapes" ] || fail "javam N=$n: the metrics endpoint was never scraped"
  fi
  local rss hwm
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$hp/status" 2>/dev/null)
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$hp/status" 2>/dev/null)
  if [ "$host" != c ]; then
    echo quit >&3
    exec 3>&-
    wait "$hp"
    local hcode=$?
    [ $hcode -eq 0 ] || fail "$host N=$n: the host exited with $hcode"
    grep -q "^2000000$" "$cpu/cpu2/cpufreq/scaling_setspeed" ||
      fail "$host N=$n: scaling_setspeed of CPU 2 not restored ($(cat "$cpu/cpu2/cpufreq/scaling_setspeed"))"
    if [ -f "$d/first-answer" ]; then
      echo -e "$host\t$n\t$round\tstart\t$(echo "$t0 $(cat "$d/first-answer")" |
        awk '{printf "start_ms=%.0f cpu_ms=%s main_cpu_ms=%s", ($2 - $1) * 1000, $3, $4}')" >> "$results"
    else
      fail "$host N=$n: no answer to add_vm"
    fi
    : "$t1"
  else
    kill "$hp" 2>/dev/null
    wait "$hp" 2>/dev/null
  fi
  hp=""
  echo -e "$host\t$n\t$round\tmem\trss_kb=${rss:-0} hwm_kb=${hwm:-0}" >> "$results"
  sed -n 's/^RESULT phase=\([a-z]*\) /'"$host\t$n\t$round\t"'\1\t/p' "$d/loadgen.out" >> "$results"
  if [ $code -ne 0 ]; then
    fail "$host N=$n round $round: the load generator reported bad or missing replies (exit $code)"
    sed -n '1,20p' "$d/loadgen.err" >&2
    [ "$host" != c ] && sed -n '1,20p' "$d/host.err" >&2
  fi
  grep -h "^RESULT" "$d/loadgen.out" | sed "s/^/  $host N=$n: /" >&2
}

if [ $short = 1 ]; then
  matrix=("1 tput:1:1:0.5 lat:300:300:0 lat:100:0:1000 idle:1" "64 tput:1:1:0.5")
else
  s=4
  matrix=(
    # each host process starts cold: its first phase has 2 s of warm-up for the JIT
    "1 tput:1:$s:2 tput:16:$s lat:20000:30000:0 lat:4000:2000:1000"
    "64 tput:1:$s:2 tput:16:$s"
    "1024 tput:1:$s:2 tput:16:$s idle:3 idle:10"
    "16384 tput:1:$s:2 tput:16:$s"
  )
fi

if [ -n "$custom" ]; then
  IFS=';' read -r -a matrix <<< "$custom"
fi

started=$(date +%s)
for r in $(seq 1 "$rounds"); do
  for entry in "${matrix[@]}"; do
    read -r n phases <<< "$entry"
    for host in $hosts; do
      stage "round $r: $host host, $n channel(s)"
      # shellcheck disable=SC2086
      run "$host" "$n" "$r" $phases
    done
  done
done
elapsed=$(($(date +%s) - started))

default_rounds=$([ $short = 1 ] && echo 1 || echo 2)
cmd="ci/bench.sh$([ $short = 1 ] && echo ' --short')$([ "$rounds" != "$default_rounds" ] && echo " --rounds $rounds")"
cmd="$cmd$([ "$attach" != all ] && echo " --attach $attach")$([ -n "$custom" ] && echo " --matrix '$custom'")"
cmd="$cmd$([ "$hosts" != "java c" ] && echo " --hosts $hosts")"
python3 "$root/ci/bench/report.py" --results "$results" --out "$out" --command "$cmd" \
  --machine "$machine" --elapsed "$elapsed" --fd-limit "$fd_limit" $([ $short = 1 ] && echo --short) \
  $([ $update_docs = 1 ] && echo "--doc $root/docs/performance.md --svg $root/docs/performance-replies.svg")
[ $fails -eq 0 ] || { echo "ci/bench.sh: $fails failure(s)" >&2; exit 1; }
