#!/usr/bin/env bash
# Our guest CLI served by the REAL DPDK 22.11 reference host (examples/vm_power_manager, as Debian's
# dpdk-doc ships it), built here from a work copy of its sources. Proves the guest speaks the
# reference host's wire protocol: scale requests get ACK (or NACK), queries get the host's answers.
#
# What stands in for the real world, all inside the work folder:
#   - libvirt: the test driver (test:///WORK/node.xml), a running domain vm1 with vCPU0 pinned to
#     pCPU 0 and vCPU1 to pCPU 1;
#   - cpufreq: a tree of plain files bind-mounted over /sys/devices/system/cpu in a private mount
#     namespace (unshare -m) of the host only, pCPU 0 with turbo (2601000 kHz), pCPU 1 without;
#   - QEMU: one socat per channel makes the guest's port (a PTY, a character device like a real
#     virtio-serial port) and listens at CHANNELS/vm1.N, where the host connects.
# The host is built with two constants changed by sed in the work copy (never in the project):
# its channel folder and its libvirt URI. Needs root (unshare, mount) and installs the Debian
# packages it needs when missing (dpdk-doc and libvirt-dev take about 112 MB; libdpdk-dev with its
# librte libraries about 93 MB more). Prints PASS/FAIL per check and the time of each stage; exits
# non-zero on any FAIL; leaves nothing behind.
set -uo pipefail
export LC_ALL=C
trap '' PIPE # a host that died makes writes to its input fail, not kill this script
root="$(cd "$(dirname "$0")/.." && pwd)"
name="e2e-dpdk-host"
t_start=$EPOCHREALTIME
t_stage=$EPOCHREALTIME
stage() { # prints how long the stage named $1, which just ended, took
  local now=$EPOCHREALTIME
  awk -v n="$name" -v s="$1" -v a="$t_stage" -v b="$now" 'BEGIN { printf "[%s] %-28s %6.1f s\n", n, s, b - a }'
  t_stage=$now
}

fails=0; passes=0
check() { # name, command...
  local n="$1"; shift
  if "$@"; then echo "PASS: $n"; passes=$((passes + 1)); else echo "FAIL: $n"; fails=$((fails + 1)); fi
}
finish() {
  echo "$name: $passes passed, $fails failed"
  [ $fails -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL: $name needs root (unshare -m, bind mounts, apt-get)"
  fails=1; finish
fi
allowed() { # whether CPU $1 is in this process's affinity list (e.g. 0-3,6)
  local r
  for r in $(awk '/^Cpus_allowed_list/ { gsub(",", " ", $2); print $2 }' /proc/self/status); do
    [ "$1" -ge "${r%-*}" ] && [ "$1" -le "${r#*-}" ] && return 0
  done
  return 1
}
if ! allowed 0 || ! allowed 1; then
  echo "FAIL: $name needs CPUs 0 and 1 (the host's lcores 0 and 1 run there): allowed are" \
    "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)"
  fails=1; finish
fi

# ---- packages
pkgs=(dpdk-doc libdpdk-dev libvirt-dev libvirt0 libjansson-dev pkg-config gcc socat)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[$name] installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
examples=/usr/share/dpdk/examples/vm_power_manager
check "packages present (${pkgs[*]})" test -f "$examples/channel_manager.h"
[ $fails -eq 0 ] || finish
stage "packages"

# ---- work folder and cleanup
work="$(mktemp -d -t vmpower-e2e-dpdkhost.XXXXXX)"
ch="$work/ch"          # the host's channel folder (QEMU's side of each channel)
gdir="$work/guest"     # the guest's ports
prefix="$gdir/virtio.serial.port.poweragent"
hp=""; relays=()
cleanup() {
  exec 3>&- 2>/dev/null
  for p in "${relays[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "$hp" ] && kill -0 "$hp" 2>/dev/null; then
    kill "$hp" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$hp" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$hp" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$ch" "$gdir"
cd "$work" || exit 1

# ---- build the guest CLI (bin/ builds its jar when it is stale)
"$root/bin/guest-vm-power-mgr" --help > guest-help.out 2>&1
check "guest CLI built" grep -q -- "--port-prefix" guest-help.out
stage "build guest CLI"

# ---- build the reference host from a work copy, pointed at this run's folder and libvirt URI
cp -r "$examples" src
sed -i -e "s|^#define CHANNEL_MGR_DEFAULT_HV_PATH .*|#define CHANNEL_MGR_DEFAULT_HV_PATH \"test://$work/node.xml\"|" \
  -e "s|^#define CHANNEL_MGR_SOCKET_PATH .*|#define CHANNEL_MGR_SOCKET_PATH \"$ch/\"|" src/channel_manager.h
check "host sources adapted (channel folder, libvirt URI)" \
  test "$(grep -c -e "\"test://$work/node.xml\"" -e "\"$ch/\"" src/channel_manager.h)" -eq 2
# as its Makefile builds it: experimental APIs, JSON channels (jansson), the NIC PMDs it calls
(cd src && gcc -O2 -DALLOW_EXPERIMENTAL_API -DUSE_JANSSON \
  $(pkg-config --cflags libdpdk libvirt jansson) \
  main.c vm_power_cli.c power_manager.c channel_manager.c channel_monitor.c parse.c \
  oob_monitor_x86.c -o ../vm_power_mgr \
  $(pkg-config --libs libdpdk libvirt jansson) -lrte_net_ixgbe -lrte_net_i40e -lrte_net_bnxt) \
  > build.out 2>&1
check "host built (vm_power_mgr)" test -x vm_power_mgr
[ $fails -eq 0 ] || { cat build.out; finish; }
stage "build DPDK host"

# ---- the fake hardware: libvirt test driver node, cpufreq tree
cat > node.xml <<'EOF'
<node>
  <cpu>
    <mhz>2600</mhz><model>x86_64</model><active>2</active>
    <nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>
  </cpu>
  <memory>2097152</memory>
  <domain type='test'>
    <name>vm1</name>
    <memory>1048576</memory>
    <vcpu placement='static'>2</vcpu>
    <cputune>
      <vcpupin vcpu='0' cpuset='0'/>
      <vcpupin vcpu='1' cpuset='1'/>
    </cputune>
    <os><type>hvm</type></os>
  </domain>
</node>
EOF
sys="$work/sys"
mkdir -p "$sys"
for f in online present possible; do echo 0-1 > "$sys/$f"; done
echo > "$sys/offline"
steps="2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000"
for c in 0 1; do
  d="$sys/cpu$c"; mkdir -p "$d/cpufreq" "$d/topology"
  echo 1 > "$d/online"; echo "$c" > "$d/topology/core_id"; echo 0 > "$d/topology/physical_package_id"
  f="$d/cpufreq"
  echo acpi-cpufreq > "$f/scaling_driver"
  # pCPU 0 has turbo (a step 1 MHz above the highest); pCPU 1 has none
  if [ $c -eq 0 ]; then echo "2601000 $steps " > "$f/scaling_available_frequencies"
  else echo "$steps " > "$f/scaling_available_frequencies"; fi
  # the same length as "userspace": plain files are not truncated by the host's writes
  echo powersave > "$f/scaling_governor"
  echo "conservative ondemand userspace powersave performance schedutil" \
    > "$f/scaling_available_governors"
  for x in scaling_setspeed scaling_cur_freq; do echo 2000000 > "$f/$x"; done
  head -c 7 "$f/scaling_available_frequencies" > "$f/cpuinfo_max_freq"
  echo 1200000 > "$f/cpuinfo_min_freq"
done
setspeed() { head -c 7 "$sys/cpu$1/cpufreq/scaling_setspeed"; }
governor() { head -c 9 "$sys/cpu$1/cpufreq/scaling_governor"; }

# ---- QEMU's part: a PTY for the guest per channel, relayed to CHANNELS/vm1.N
for n in 0 1; do
  socat -x PTY,link="$prefix.$n",rawer UNIX-LISTEN:"$ch/vm1.$n" 2> "relay.$n.log" &
  relays+=($!)
done
for _ in $(seq 1 50); do [ -S "$ch/vm1.0" ] && [ -S "$ch/vm1.1" ] && break; sleep 0.1; done
check "channel sockets and guest ports made" \
  test -S "$ch/vm1.0" -a -S "$ch/vm1.1" -a -c "$prefix.0" -a -c "$prefix.1"

# ---- the host: its own mount namespace with the cpufreq tree and a private /run (its EAL
# runtime folder); no hugepages, no PCI; 3 lcores (CLI, channel monitor, core monitor). The power
# library picks the cpufreq files of the CPU an lcore runs on, so lcore N runs on CPU N for 0 and 1
# (with lcore 1 on CPU 0 both would scale cpu0's files).
mkfifo hostin
unshare -m bash -c '
  mount --bind "$1" /sys/devices/system/cpu &&
  mount -t tmpfs -o size=4m,mode=755 vmpower-run /run &&
  exec "$2" --no-huge -m 64 --no-pci --no-shconf --no-telemetry --lcores=0@0,1@1,2@0' \
  host "$sys" "$work/vm_power_mgr" < hostin > host.out 2>&1 &
hp=$!
exec 3> hostin
for _ in $(seq 1 100); do grep -q "vmpower>" host.out && break; sleep 0.1; done
check "host started with ACPI cpufreq on lcores 0 and 1" \
  test "$(grep -c "Initialized successfully for lcore [01] power management" host.out)" -eq 2
check "host's prompt is up (vmpower>)" grep -q "vmpower>" host.out
stage "start DPDK host"

printf 'add_vm vm1\nadd_channels vm1 all\nset_query vm1 enable\nshow_vm vm1\n' >&3
for _ in $(seq 1 50); do grep -q "\[1\]: Physical CPU" host.out && break; sleep 0.1; done
check "host added both channels" grep -q "Added 2 channels for VM 'vm1'" host.out
check "host reads the pinning from libvirt (vCPU0 -> pCPU 0, vCPU1 -> pCPU 1)" \
  grep -Pzq '\[0\]: Physical CPU 0\n\s*\[1\]: Physical CPU 1' host.out
check "pCPUs at their maximum after the host's init (2601000, 2600000)" \
  test "$(setspeed 0) $(setspeed 1)" = "2601000 2600000"
check "host switched the governors to userspace" test "$(governor 0) $(governor 1)" = "userspace userspace"
stage "add VM and channels"

# ---- the guest: every scale unit, single and list queries of both kinds
cat > guest.script <<'EOF'
set_cpu_freq 0 down
set_cpu_freq 1 min
query_cpu_freq all
set_cpu_freq 1 up
query_cpu_freq 1
set_cpu_freq 0 max
set_cpu_freq 0 disable_turbo
query_cpu_freq 0
set_cpu_freq 0 enable_turbo
set_cpu_freq 1 enable_turbo
set_cpu_freq 0 down
set_cpu_freq 0 down
query_cpu_freq all
query_cpu_caps 0
query_cpu_caps 1
query_cpu_caps all
EOF
"$root/bin/guest-vm-power-mgr" --environment vm --vm-name vm1 --port-prefix "$prefix" \
  --lcores 0,1 --script guest.script > guest.out 2> guest.err
code=$?
stage "guest script"

# what the guest must print, line by line (the frequencies follow from DPDK's acpi backend:
# max is the turbo step where there is one; disable_turbo at the turbo step goes to the highest
# other step, enable_turbo next to it goes back to turbo)
ack="ACK received for message sent to host."
freq() { echo "Frequency of [$1] vcore is $2."; }
caps() { echo "Capabilities of [$1] vcore are: turbo possibility: $2, is priority core: 0."; }
{
  echo "lcore 0: initialised (vm, port $prefix.0)"
  echo "lcore 1: initialised (vm, port $prefix.1)"
  echo "$ack"; echo "$ack"                          # 0 down: 2600000; 1 min: 1200000
  freq 0 2600000; freq 1 1200000                    # query all
  echo "$ack"; freq 1 1400000                       # 1 up; query 1
  echo "$ack"; echo "$ack"; freq 0 2600000          # 0 max: 2601000; disable_turbo; query 0
  echo "$ack"                                       # 0 enable_turbo: 2601000
  echo "NACK received for message sent to host."    # 1 enable_turbo: pCPU 1 has none
  echo "$ack"; echo "$ack"                          # 0 down twice: 2400000
  freq 0 2400000; freq 1 1400000                    # query all
  caps 0 1; caps 1 0; caps 0 1; caps 1 0            # caps 0, caps 1, caps all
} > guest.expected
check "guest printed exactly the expected answers" diff -u guest.expected guest.out
check "8 scale requests ACKed" [ "$(grep -cxF "$ack" guest.out)" -eq 8 ]
check "enable_turbo on pCPU 1 (no turbo) NACKed" \
  [ "$(grep -cxF 'NACK received for message sent to host.' guest.out)" -eq 1 ]
check "vCPU 1 answered at its own index (DPDK's single-vCPU layout)" \
  [ "$(grep -cxF -e "$(freq 1 1400000)" -e "$(caps 1 0)" guest.out)" -eq 4 ]
# the NACK is the one command that fails
check "guest exit status 1 (one NACK, nothing else failed)" [ $code -eq 1 ]
check "pCPU 0 written last at 2400000, pCPU 1 at 1400000" \
  test "$(setspeed 0) $(setspeed 1)" = "2400000 1400000"

printf 'show_cpu_freq 0\nshow_cpu_freq 1\nquit\n' >&3
exec 3>&-
for _ in $(seq 1 50); do kill -0 "$hp" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$hp" 2>/dev/null; then hcode=timeout; else wait "$hp"; hcode=$?; hp=""; fi
check "host exited cleanly after quit" [ "$hcode" = 0 ]
check "host reads pCPU 0 at 2400000 and pCPU 1 at 1400000" \
  test "$(grep -c -e '^Core 0 frequency: 2400000$' -e '^Core 1 frequency: 1400000$' host.out)" -eq 2
check "host restored the governors" test "$(governor 0) $(governor 1)" = "powersave powersave"
check "the host's mounts stayed in its namespace" bash -c "! grep -q '$work' /proc/self/mounts"
stage "checks and host exit"

if [ $fails -gt 0 ]; then
  echo "---- host output"; cat host.out
  echo "---- guest output"; cat guest.out; echo "---- guest errors"; cat guest.err
  for n in 0 1; do echo "---- relay $n (> guest to host, < host to guest)"; head -c 6000 "relay.$n.log"; done
fi
awk -v n="$name" -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "[%s] total %.1f s\n", n, b - a }'
finish
