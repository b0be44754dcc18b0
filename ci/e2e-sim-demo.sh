#!/usr/bin/env bash
# The simulated-host demo across processes: bin/vm-power-mgr --sim binds real AF_UNIX sockets,
# bin/guest-vm-power-mgr talks to its simulated guest ports, and the host shows the frequencies
# change. Prints PASS/FAIL per check; exits non-zero on any FAIL. Leaves nothing behind.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t vmpower-e2e-sim.XXXXXX)"
hp=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$hp" ] && kill "$hp" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

cd "$work"
mkfifo hostin
"$root/bin/vm-power-mgr" --sim --channel-dir "$work/ch" < hostin > host.out 2> host.err &
hp=$!
exec 3>hostin
for _ in $(seq 1 300); do grep -q "Point the guest" host.out 2>/dev/null && break; sleep 0.2; done
check "host started and printed the guest ports" grep -q "Point the guest" host.out
printf 'add_vm vm1\nadd_channels vm1 all\nset_query vm1 enable\n' >&3
for _ in $(seq 1 50); do grep -q "Queries enabled" host.out && break; sleep 0.2; done

port="$work/ch/guests/vm1/virtio.serial.port.poweragent"
printf 'set_cpu_freq 1 down\nset_cpu_freq 0 min\nquery_cpu_freq all\nquery_cpu_caps 1\n' |
  "$root/bin/guest-vm-power-mgr" --vm-name vm1 --port-prefix "$port" --lcores 0,1 > guest.out 2> guest.err
check "guest commands all succeeded" [ $? -eq 0 ]
check "guest got two ACKs" [ "$(grep -c 'ACK received for message sent to host.' guest.out)" -eq 2 ]
check "guest reads vCPU 0 at the minimum" grep -q "Frequency of \[0\] vcore is 1200000." guest.out
check "guest reads vCPU 1 one step down" grep -q "Frequency of \[1\] vcore is 2400000." guest.out

printf 'show_cpu_freq_mask 0xc\nshow_stats\nquit\n' >&3
exec 3>&-
wait "$hp"; code=$?; hp=""
check "host exited cleanly" [ $code -eq 0 ]
check "pCPU 2 (vCPU 0) at the minimum" grep -q "Core 2 frequency: 1200000" host.out
check "pCPU 3 (vCPU 1) one step down" grep -q "Core 3 frequency: 2400000" host.out
check "no socket left behind" [ -z "$(find "$work/ch" -type s 2>/dev/null)" ]
if [ $fails -gt 0 ]; then
  echo "---- host output"; cat host.out; echo "---- host errors"; cat host.err
  echo "---- guest output"; cat guest.out; echo "---- guest errors"; cat guest.err
fi
echo "e2e-sim-demo: $((9 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
