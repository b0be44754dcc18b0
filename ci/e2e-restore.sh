#!/usr/bin/env bash
# Shutdown and restore with the Linux HAL on real components (libvirt's test driver, a cpufreq tree
# of plain files, AF_UNIX sockets with a peer playing QEMU):
#   1. SIGTERM in the middle of a burst of guest requests: the host exits cleanly and every CPU is
#      back at its saved settings;
#   2. kill -9 after a change: nothing in-process can restore, the state file written before the
#      first change lets `vm-power-mgr --restore` put the tree back exactly.
# Prints PASS/FAIL per check; exits non-zero on any FAIL; leaves nothing behind.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t vmpower-e2e-restore.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fails=0; passes=0
check() {
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; passes=$((passes + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

# a 4-CPU acpi-cpufreq tree, governor ondemand (so restoring must switch the governor back)
sys="$work/sys"; cpu="$sys/devices/system/cpu"
mkdir -p "$cpu"; echo 0-3 > "$cpu/online"; echo 0-3 > "$cpu/present"
for c in 0 1 2 3; do
  d="$cpu/cpu$c/cpufreq"; mkdir -p "$d"
  echo acpi-cpufreq > "$d/scaling_driver"
  echo "2601000 2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000 " > "$d/scaling_available_frequencies"
  echo "conservative ondemand userspace powersave performance schedutil" > "$d/scaling_available_governors"
  echo ondemand > "$d/scaling_governor"
  echo "<unsupported>" > "$d/scaling_setspeed"
  echo 2600000 > "$d/scaling_cur_freq"; echo 1200000 > "$d/scaling_min_freq"; echo 2601000 > "$d/scaling_max_freq"
  echo 1200000 > "$d/cpuinfo_min_freq"; echo 2601000 > "$d/cpuinfo_max_freq"
  echo "$c" > "$d/related_cpus"; echo "$c" > "$d/affected_cpus"
done
cp -a "$sys" "$work/sys.orig"
cat > "$work/node.xml" <<XML
<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads><active>4</active><mhz>2000</mhz><model>x86_64</model></cpu>
  <memory>8388608</memory>
  <domain type='test'>
    <name>vm1</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid><memory>1048576</memory>
    <vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3'/></cputune>
    <os><type>hvm</type></os>
  </domain>
</node>
XML
mkdir -p "$work/ch"; chmod 0750 "$work/ch"
host_args=(--libvirt-uri "test://$work/node.xml" --sysfs-root "$sys" --channel-dir "$work/ch" --state-file "$work/state.properties")
# the launcher builds the jar when stale; build now so timings below are the host's own
"$root/bin/vm-power-mgr" --help > /dev/null

wait_for() { # file pattern seconds
  for _ in $(seq 1 $(($3 * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1
}
governor() { cat "$cpu/cpu$1/cpufreq/scaling_governor"; }
exited_cleanly() { [ "$1" -eq 0 ] || [ "$1" -eq 143 ]; } # 143: the JVM's status after SIGTERM hooks ran
differs() { ! diff -rq "$@" > /dev/null; }
# The tree is as before: every file equal, except scaling_setspeed of a CPU whose governor is not
# userspace (a real kernel shows "<unsupported>" there by itself; plain files cannot).
same_tree() {
  local a b
  a="$(mktemp -d -p "$work")"; b="$(mktemp -d -p "$work")"
  cp -a "$work/sys.orig/." "$a"; cp -a "$sys/." "$b"
  for t in "$a" "$b"; do
    for g in "$t"/devices/system/cpu/cpu*/cpufreq/scaling_governor; do
      [ "$(cat "$g")" = userspace ] || rm -f "$(dirname "$g")/scaling_setspeed"
    done
  done
  diff -r "$a" "$b"; local r=$?
  rm -rf "$a" "$b"; return $r
}

# ---- 1. SIGTERM in the middle of a burst
python3 "$root/ci/qemu-peer.py" "$work/ch/vm1.0" burst 200000 > "$work/peer1.out" 2>&1 &
pids+=($!); peer=$!
wait_for "$work/peer1.out" READY 10
mkfifo "$work/in1"
"$root/bin/vm-power-mgr" "${host_args[@]}" < "$work/in1" > "$work/host1.out" 2> "$work/host1.err" &
host=$!; pids+=($host)
exec 3>"$work/in1"
printf 'add_vm vm1\nadd_channels vm1 0\n' >&3
check "the host attached the QEMU peer" wait_for "$work/peer1.out" BURSTING 30
check "the state file exists while the host runs" test -f "$work/state.properties"
check "the burst changes pCPU 2 (governor userspace)" [ "$(governor 2)" = userspace ]
kill -TERM "$host"
wait "$host"; code=$?
exec 3>&-
wait "$peer" 2>/dev/null
check "SIGTERM: the host exited cleanly (status $code)" exited_cleanly $code
check "SIGTERM: the tree is as before the host started" same_tree
check "SIGTERM: the state file was removed after restoring" test ! -e "$work/state.properties"
echo "   burst before SIGTERM: $(tail -1 "$work/peer1.out")"

# ---- 2. kill -9 after a change, then --restore
python3 "$root/ci/qemu-peer.py" "$work/ch/vm1.0" one 1 4 > "$work/peer2.out" 2>&1 &
pids+=($!)
wait_for "$work/peer2.out" READY 10
mkfifo "$work/in2"
"$root/bin/vm-power-mgr" "${host_args[@]}" < "$work/in2" > "$work/host2.out" 2> "$work/host2.err" &
host=$!; pids+=($host)
exec 3>"$work/in2"
printf 'add_vm vm1\nadd_channels vm1 0\nset_cpu_freq 0 down\n' >&3
check "the guest's scale-min of vCPU 1 is ACKed" wait_for "$work/peer2.out" '^ACK' 30
check "pCPU 3 is at the minimum" [ "$(cat "$cpu/cpu3/cpufreq/scaling_setspeed")" = 1200000 ]
wait_for "$work/host2.out" "Core 0:" 10
kill -9 "$host"; wait "$host" 2>/dev/null
exec 3>&-
check "kill -9 left the tree changed (nothing can restore in-process)" differs "$work/sys.orig" "$sys"
check "kill -9 left the state file" test -f "$work/state.properties"
"$root/bin/vm-power-mgr" --restore --sysfs-root "$sys" --state-file "$work/state.properties" > "$work/restore.out" 2>&1
check "--restore succeeded: $(cat "$work/restore.out")" [ $? -eq 0 ]
check "--restore: the tree is as before the host started" same_tree
check "--restore removed the state file" test ! -e "$work/state.properties"
"$root/bin/vm-power-mgr" --restore --sysfs-root "$sys" --state-file "$work/state.properties" > "$work/restore2.out" 2>&1
check "--restore again: nothing to restore" grep -q "Nothing to restore" "$work/restore2.out"

if [ $fails -gt 0 ]; then
  for f in host1.out host1.err peer1.out host2.out host2.err peer2.out; do echo "---- $f"; cat "$work/$f"; done
fi
echo "e2e-restore: $passes passed, $fails failed"
[ $fails -eq 0 ]
