#!/usr/bin/env bash
# Interop with a real DPDK guest, without a VM: Debian's DPDK 22.11 guest library (librte_power,
# PM_ENV_KVM_VM) driven by ci/dpdk-guest/dpdk-power-guest.c, served by bin/vm-power-mgr --sim.
#
#   dpdk-power-guest --open--> /dev/virtio-ports/virtio.serial.port.poweragent.N  (a socat PTY)
#     --socat--> {channel-dir}/guests/vm1/virtio.serial.port.poweragent.N  (the --sim "QEMU" port)
#     --relay--> {channel-dir}/vm1.N  <--connect-- the host monitor
#
# The guest runs in its own mount namespace (ci/dpdk-guest/guest-ns.sh under unshare -m): an
# overlay over /dev (upper layer on a tmpfs) with a tmpfs on /dev/virtio-ports, and a tmpfs on
# /run for EAL's runtime folder (/var/run/dpdk), so nothing is made in the real /dev or /run and
# runs cannot see each other. EAL runs without hugepages or PCI: --no-huge --no-pci --no-shconf
# --no-telemetry --lcores=(0,1)@CPU (--in-memory is refused with --no-huge, which implies legacy
# memory; one CPU serves both lcores, so any machine will do).
#
# The CONNECT packet: at rte_power_init DPDK sends a 464-byte packet of which only `command` (2)
# is set; the rest is whatever was on its stack. The guest program fills its stack with 0xA5
# first, so the garbage is there for sure (resource_id 0xa5a5..., core_type "physical", policy
# fields), and the script checks it went over the wire. The host must look at `command` alone:
# it counts a connect (show_stats: connects=1), replies nothing and NACKs nothing.
#
# Run 1 (lcores 0 and 1, socat both ways): up, down, max, min, enable_turbo, disable_turbo in six
# phases. DPDK never reads the host's replies, so each phase is checked on the host (show_stats:
# ACKED per channel, NACKED 0; show_cpu_freq_mask 0xc: vm1's vCPU 0 is pCPU 2, vCPU 1 pCPU 3) and
# at the end on the wire (socat -r/-R): each request is resource_id = lcore, unit, command = 1
# and zeros, and each reply is that request with command = 1 (ACK).
# Run 2 (a new DPDK process, socat guest-to-host only): a second CONNECT on each port, then 3001
# requests that are never read back, far more replies than the way to the guest holds (about
# 920 with Linux's default 208 KiB socket buffers): the host must drop replies (replies_dropped)
# and go on ACKing. Requests go 20 at a time, each batch ACKed before the next: a PTY holds about
# 40 requests, and when full it takes part of a packet and then fails DPDK's non-blocking write
# (EAGAIN), which splits the stream; a virtio port takes a whole write or none.
#
# Run 3 (a new DPDK process, lcores 0 and 1, socat both ways): policies, as an application sends them
# with rte_power_guest_channel_send_msg (PKT_POLICY / PKT_POLICY_REMOVE), each reply read back with
# rte_power_guest_channel_receive_msg: a WORKLOAD policy ACKed and its pCPUs at max; core_type
# physical, a vCPU the VM does not have, BRANCH_RATIO and a MAC the VM does not have NACKed, each
# counted under its own reason; a TIME policy whose quiet hour is midnight (the simulated clock
# starts at 00:00 UTC; "-1" ends the list) at min; a TRAFFIC policy on vm1's interface, which the
# scenario gives 150,000 packets/s, at medium (between its 100,000 and 200,000 thresholds); a
# removal ACKed, a second one NACKed. The host runs the built-in scenario plus that interface.
#
# Needs root (mount namespace) and the Debian packages libdpdk-dev, socat and pkg-config, which it
# installs with apt-get when missing (libdpdk-dev and its 215 dependencies: 23 MB download, 163 MB
# on disk, about 40 s). Prints PASS/FAIL per check; exits non-zero on any FAIL. Leaves nothing
# behind (KEEP_WORK=1 keeps its work folder for a look).
# shellcheck disable=SC2317 # the check functions are run through check and wait_for
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ "$(id -u)" != 0 ]; then
  echo "ci/e2e-dpdk-guest.sh: needs root (it makes a mount namespace for the guest's /dev)" >&2
  exit 1
fi
need_pkgs=()
pkg-config --exists libdpdk 2>/dev/null || need_pkgs+=(libdpdk-dev)
command -v pkg-config >/dev/null 2>&1 || need_pkgs+=(pkg-config)
command -v socat >/dev/null 2>&1 || need_pkgs+=(socat)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing ${need_pkgs[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null; }; then
    echo "ci/e2e-dpdk-guest.sh: cannot install ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

made_by_dpdk() { ls -d /dev/virtio-ports /run/dpdk 2>/dev/null; } # where the guest would leave things
before="$(made_by_dpdk)"
work="$(mktemp -d -t vmpower-e2e-dpdk.XXXXXX)"
hp=""
gp=""
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  [ -n "$gp" ] && kill "$gp" 2>/dev/null && wait "$gp" 2>/dev/null
  [ -n "$hp" ] && kill "$hp" 2>/dev/null && wait "$hp" 2>/dev/null
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap '' PIPE # a guest that died early makes writes to it fail, not this script
fails=0
passes=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then
    echo "PASS: $name"; passes=$((passes + 1))
  else
    echo "FAIL: $name"; fails=$((fails + 1))
  fi
}
finish() { # prints what went wrong, if anything, and the summary; exits
  local f
  if [ $fails -gt 0 ]; then
    for f in gcc.err host.out host.err run1.out run1.err run2.out run2.err run*.socat.*.err; do
      [ -s "$f" ] && { echo "---- $f"; tail -n 60 "$f"; }
    done
  fi
  echo "e2e-dpdk-guest: $passes passed, $fails failed"
  [ $fails -eq 0 ]
  exit
}
wait_for() { # seconds, command...: until the command succeeds, polling every 0.05 s
  local n=$(($1 * 20)); shift
  for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.05; done
  return 1
}
ended() { # PID: gone or a zombie (a child of this shell stays one until waited for)
  [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]
}
reap() { # PID SECONDS: waits for the process (killed after SECONDS); its exit code in $code
  wait_for "$2" ended "$1" || kill "$1" 2>/dev/null
  wait "$1"
  code=$?
}
cd "$work" || exit 1

# ---- the guest program
check "libdpdk is DPDK 22.11 ($(pkg-config --modversion libdpdk 2>/dev/null))" \
  [ "$(pkg-config --modversion libdpdk 2>/dev/null | cut -d. -f1-2)" = 22.11 ]
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
gcc -O2 -Wall -Wextra -Werror -o dpdk-power-guest "$root/ci/dpdk-guest/dpdk-power-guest.c" \
  $(pkg-config --cflags --libs libdpdk) 2> gcc.err
check "the guest program compiles against libdpdk" [ -x dpdk-power-guest ]
[ -x dpdk-power-guest ] || finish

# ---- the host
# the built-in scenario, with an interface on vm1 for the TRAFFIC policy of run 3
cat > scenario.yaml <<'YAML'
host:
  cpus: 8
  frequencies: [2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000]
  initialKhz: 2600000
vms:
  - name: vm1
    vcpus: 2
    pinning: ["2", "3"]
    channels: [0, 1]
    interfaces:
      - mac: "52:54:00:00:01:01"
        rxPps: 150000
  - name: vm2
    vcpus: 4
    pinning: ["4", "5", "6", "7"]
    channels: "0-3"
  - name: vm3
    state: shut_off
    vcpus: 2
    channels: []
YAML
mkfifo hostin
"$root/bin/vm-power-mgr" --sim "$work/scenario.yaml" --time-zone UTC --channel-dir "$work/ch" \
  < hostin > host.out 2> host.err &
hp=$!
exec 3>hostin
wait_for 300 grep -q "Point the guest" host.out # (bin/vm-power-mgr builds its jar when missing)
check "host started and printed the guest ports" grep -q "Point the guest" host.out
grep -q "Point the guest" host.out || finish
printf 'add_vm vm1\nadd_channels vm1 all\n' >&3
wait_for 10 grep -q "Channel vm1.1 .*added, CONNECTED" host.out
check "host attached vm1's channels 0 and 1" \
  [ "$(grep -c "Channel vm1\.[01] .*added, CONNECTED" host.out)" -eq 2 ]

# host_ask COMMAND...: sends the commands, then "help quit" as an end marker, and prints the
# host's output of them (without the marker's two lines).
host_ask() {
  local start
  start=$(($(stat -c %s host.out) + 1))
  printf '%s\n' "$@" "help quit" >&3
  wait_for 10 sh -c "tail -c +$start host.out | grep -q '^Leaves the shell'" || return 1
  tail -c +"$start" host.out | grep -v -e '^Usage: quit$' -e '^Leaves the shell'
}
# stat_of CHANNEL COLUMN: a column of vm1's row of show_stats (5 ACKED, 7 NACKED, 8 REFUSED ...)
stat_of() { awk -v ch="$1" -v col="$2" '$1 == "vm1" && $2 == ch { print $col }' stats.txt; }
detail_of() { # CHANNEL: the detail line under vm1's row
  awk -v ch="$1" 'p { print; exit } $1 == "vm1" && $2 == ch { p = 1 }' stats.txt
}
freq_of() { sed -n "s/^Core $1 frequency: //p" freqs.txt; }
acked=(0 0)    # expected ACK counts of channels 0 and 1
connects=(0 0) # expected CONNECT counts
stats_as_expected() { # show_stats rows: ACKED as expected, NACKED 0, the connects counted
  [ "$(stat_of 0 5) $(stat_of 1 5) $(stat_of 0 7) $(stat_of 1 7)" = "${acked[0]} ${acked[1]} 0 0" ] &&
    detail_of 0 | grep -qw "connects=${connects[0]}" && detail_of 1 | grep -qw "connects=${connects[1]}"
}
wait_stats() { # until stats_as_expected (or about 10 s); leaves the last show_stats in stats.txt
  for _ in $(seq 1 200); do
    host_ask show_stats > stats.txt
    stats_as_expected && return 0
    sleep 0.05
  done
  return 1
}
gout=/dev/null # the guest program's output of the current run
lines_of() { grep -c "$1" "$gout"; }

# start_guest RUN MODE LCORE...: the guest program in its own mount namespace (see guest-ns.sh)
cpu="$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)"
start_guest() {
  local run="$1" mode="$2" n
  shift 2
  gout="$run.out"
  mkfifo "$run.in"
  unshare -m --propagation private bash "$root/ci/dpdk-guest/guest-ns.sh" "$work/dpdk-power-guest" \
    "$work/ch/guests/vm1" "$work/$run" "$mode" "$cpu" "$@" < "$run.in" > "$gout" 2> "$run.err" &
  gp=$!
  exec 4> "$run.in"
  for n in "$@"; do connects[n]=$((connects[n] + 1)); done
  wait_for 20 grep -q -e "^ready" -e "rte_power_init(.*) = -" -e "rte_eal_init failed" "$gout"
  check "$run: EAL started in the container" grep -q "^rte_eal_init = " "$gout"
  check "$run: rte_power_init returned 0 for lcore(s) $* (port opened, CONNECT sent)" \
    [ "$(lines_of "^rte_power_init([0-9]*) = 0$")" -eq $# ]
}
stop_guest() { # RUN: end of input; the program calls rte_power_exit and ends
  exec 4>&-
  reap "$gp" 15; gcode=$code; gp=""
  check "$1: guest program exited 0, rte_power_exit returned 0" guest_ended_well
}
guest_ended_well() { [ "$gcode" -eq 0 ] && [ "$(lines_of '^rte_power_exit([0-9]*) = 0$')" -eq 2 ]; }
# phase NAME "PCPU2 PCPU3" REQUEST...: the guest makes the requests, $batch at a time (all at
# once when 0), waiting for the host to ACK each batch; each call returns 1, the host ACKs each
# request and pCPUs 2 and 3 end at the given frequencies.
batch=0
calls=0
calls_done() { [ "$(lines_of '^rte_power_freq_')" -ge "$calls" ]; }
phase() {
  local name="$1" want="$2" req sent=0
  shift 2
  for req in "$@"; do
    printf '%s\n' "$req" >&4
    acked[${req##* }]=$((acked[${req##* }] + 1))
    calls=$((calls + 1))
    sent=$((sent + 1))
    if [ $batch -gt 0 ] && [ $((sent % batch)) -eq 0 ] && [ $sent -lt $# ]; then
      if ! { wait_for 10 calls_done && wait_stats; }; then break; fi
    fi
  done
  wait_for 10 calls_done
  check "$name: every rte_power_freq_* call returned 1" \
    [ "$(lines_of '^rte_power_freq_.* = 1$')" -eq $calls ]
  wait_stats
  check "$name: host ACKed them (ACKED ${acked[0]}/${acked[1]}, NACKED 0)" stats_as_expected
  host_ask "show_cpu_freq_mask 0xc" > freqs.txt
  check "$name: pCPU 2 (vCPU 0) and pCPU 3 (vCPU 1) at $want" \
    [ "$(freq_of 2) $(freq_of 3)" = "$want" ]
}

# ---- run 1: lcores 0 and 1, every op, each phase checked, bytes both ways (the replies stay in
# the guest's PTY, which takes about 12 KB, 26 replies: 7 per port here)
start_guest run1 both 0 1
wait_stats
check "run1: host counted each CONNECT (connects=1 per channel), no reply, no NACK" stats_as_expected
connect_has_garbage() { # bytes 0-11 and 16-463 are uninitialised in DPDK (0xA5 filled here)
  local n
  for n in 0 1; do
    head -c 464 "run1.wire.$n.req" > "connect.$n"
    [ "$(od -An -tu4 -j12 -N4 "connect.$n" | tr -d ' ')" = 2 ] || return 1
    [ "$( (head -c 12 "connect.$n"; tail -c +17 "connect.$n") | tr -d '\000' | wc -c)" -gt 0 ] ||
      return 1
  done
}
check "run1: the CONNECT packets carried uninitialised bytes besides command = 2" connect_has_garbage
# Simulated table: 2601000 (turbo) 2600000 2400000 ... 1200000 kHz; all CPUs start at 2600000,
# turbo enabled.
phase "down" "2200000 2400000" "down 0" "down 0" "down 1"
phase "min and up" "1200000 2600000" "min 0" "up 1"
phase "up and max (turbo enabled)" "1400000 2601000" "up 0" "max 1"
phase "disable_turbo, up at the bound" "1400000 2600000" "disable_turbo 1" "disable_turbo 0" "up 1"
phase "enable_turbo and down" "2601000 2400000" "enable_turbo 0" "down 1"
phase "max (turbo disabled) and min" "1200000 2600000" "max 1" "min 0"
replies_complete() { # socat has written every ACK to the guest's PTY
  [ "$(stat -c %s run1.wire.0.rep)" -eq $((acked[0] * 464)) ] &&
    [ "$(stat -c %s run1.wire.1.rep)" -eq $((acked[1] * 464)) ]
}
wait_for 5 replies_complete
stop_guest run1
requests_as_dpdk_sends() { # resource_id = lcore, unit 1-6, command = 1, the other 448 bytes zero
  local n i size f
  for n in 0 1; do
    tail -c +465 "run1.wire.$n.req" > "reqs.$n"
    size=$(stat -c %s "reqs.$n")
    [ "$size" -eq $((acked[n] * 464)) ] || return 1
    for ((i = 0; i < size / 464; i++)); do
      read -r -a f < <(od -An -tu4 -j$((i * 464)) -N16 "reqs.$n")
      [ "${f[0]} ${f[1]} ${f[3]}" = "$n 0 1" ] && [ "${f[2]}" -ge 1 ] && [ "${f[2]}" -le 6 ] ||
        return 1
      [ "$(tail -c +$((i * 464 + 17)) "reqs.$n" | head -c 448 | tr -d '\000' | wc -c)" = 0 ] ||
        return 1
    done
  done
}
check "run1: each request on the wire: resource_id = lcore, unit, command = 1, 448 zero bytes" \
  requests_as_dpdk_sends
replies_are_acks() { cmp -s reqs.0 run1.wire.0.rep && cmp -s reqs.1 run1.wire.1.rep; }
check "run1: the host replied to each request with an ACK (the request, command = 1), no more" \
  replies_are_acks

# ---- run 2: a new DPDK process on the same ports (a second CONNECT on each), then 3001
# requests on lcore 1, 20 at a time (see the header): far more replies than the way to a guest
# that never reads holds, so the host must drop replies and go on serving.
start_guest run2 to-host 0 1
calls=0
batch=20
long=()
for _ in $(seq 1 1500); do long+=("down 1" "up 1"); done
phase "run2: 3001 requests, never reading a reply" "1200000 1200000" "${long[@]}" "min 1"
replies_dropped() { detail_of 1 | sed -n 's/.*replies_dropped=\([0-9]*\).*/\1/p'; }
check "run2: the replies the guest could not take were dropped (replies_dropped > 0)" \
  [ "$(replies_dropped)" -gt 0 ]
stop_guest run2

# ---- run 3: policies sent by the real guest library, each reply read back. Every policy goes on
# lcore 0: vm1.1 still holds replies queued for run 2's guest, which never read them, and would
# hand them to this one first (a policy is the VM's, whichever of its channels carries it).
start_guest run3 both 0 1
policy_replies=0
# policy_is WANT LINE...: sends the line to the guest program, waits for its reply line and checks it
policy_is() {
  local want="$1" line="$2"
  printf '%s\n' "$line" >&4
  policy_replies=$((policy_replies + 1))
  wait_for 15 sh -c "[ \"\$(grep -c '^\(policy\|remove\)([0-9]*) = ' $gout)\" -ge $policy_replies ]"
  [ "$(grep '^\(policy\|remove\)([0-9]*) = ' "$gout" | sed -n "${policy_replies}p" |
    sed 's/.* = //')" = "$want" ]
}
freqs_are() { # "PCPU2 PCPU3" within 10 s
  local want="$1" _
  for _ in $(seq 1 100); do
    host_ask "show_cpu_freq_mask 0xc" > freqs.txt
    [ "$(freq_of 2) $(freq_of 3)" = "$want" ] && return 0
    sleep 0.1
  done
  return 1
}
counted() { # CHANNEL COUNTER=N...: each in show_stats' detail line of the channel
  local ch="$1" c
  shift
  host_ask show_stats > stats.txt
  for c in "$@"; do detail_of "$ch" | grep -qw -- "$c" || return 1; done
}
check "run3: WORKLOAD HIGH for vCPUs 0,1 is ACKed" \
  policy_is ACK "policy 0 type=WORKLOAD workload=HIGH vcpus=0,1"
# run 1 left turbo enabled on pCPU 2 and disabled on pCPU 3: max is 2601000 there, 2600000 here
check "run3: ... and pCPUs 2 and 3 run at max (2601000 with turbo, 2600000 without)" \
  freqs_are "2601000 2600000"
check "run3: core_type physical is NACKed" \
  policy_is NACK "policy 0 type=WORKLOAD workload=LOW vcpus=0,1 core=physical"
check "run3: a vCPU vm1 does not have is NACKed" \
  policy_is NACK "policy 0 type=WORKLOAD workload=LOW vcpus=0,5"
check "run3: BRANCH_RATIO is NACKed (no branch counters)" \
  policy_is NACK "policy 0 type=BRANCH_RATIO vcpus=0"
check "run3: a MAC vm1 does not have is NACKed" \
  policy_is NACK "policy 0 type=TRAFFIC macs=52:54:00:99:99:99 thresholds=0,1,2 vcpus=0"
check "run3: each refusal counted under its own reason" counted 0 nack_policy_physical_core=1 \
  nack_policy_bad_vcpu=1 nack_policy_no_branch_counters=1 nack_policy_unknown_mac=1
check "run3: nothing changed by the refused ones" freqs_are "2601000 2600000"
check "run3: TIME with midnight as its quiet hour (0, -1) is ACKed" \
  policy_is ACK "policy 0 type=TIME quiet=0,-1 vcpus=0"
check "run3: ... and pCPU 2 runs at min, pCPU 3 where the last policy left it" \
  freqs_are "1200000 2600000"
check "run3: TRAFFIC on vm1's interface (150,000 packets/s) for vCPU 1 is ACKed" \
  policy_is ACK "policy 0 type=TRAFFIC macs=52:54:00:00:01:01 thresholds=96000,100000,200000 vcpus=1"
check "run3: ... and pCPU 3 runs at medium (2000000)" freqs_are "1200000 2000000"
host_ask "show_policies vm1" > policies.txt
check "run3: show_policies shows the guest's TRAFFIC policy and its packet rate" \
  sh -c "grep -q 'vm1: traffic macs=52:54:00:00:01:01 min=96000 avg=100000 max=200000 period=1s vcpus=1 (set by the guest)' policies.txt && grep -Eq 'measured: (1499|1500)[0-9]{2} packets/s' policies.txt"
check "run3: the removal is ACKed" policy_is ACK "remove 0"
check "run3: a second removal is NACKed (no policy)" policy_is NACK "remove 0"
check "run3: counted on vm1.0: 4 policy packets ACKed, the removal without a policy NACKed" \
  counted 0 policy_acked=4 nack_policy_none=1
stop_guest run3
[ "${KEEP_WORK:-}" ] && cp policies.txt "$work/run3.policies.txt"

# ---- the end
host_ask show_stats > stats.txt
host_ask "show_cpu_freq_mask 0xf3" > freqs.txt
check "no request refused or dropped" \
  [ "$(stat_of 0 8)$(stat_of 0 9)$(stat_of 1 8)$(stat_of 1 9)" = 0000 ]
check "the other pCPUs (0, 1, 4-7) untouched at 2600000" \
  [ "$(grep -c '^Core [014567] frequency: 2600000$' freqs.txt)" -eq 6 ]
printf 'quit\n' >&3
exec 3>&-
reap "$hp" 15; hcode=$code; hp=""
check "host exited cleanly" [ $hcode -eq 0 ]
check "no socket left behind" [ -z "$(find "$work/ch" -type s 2>/dev/null)" ]
check "nothing made in /dev or /run" [ "$(made_by_dpdk)" = "$before" ]
finish
