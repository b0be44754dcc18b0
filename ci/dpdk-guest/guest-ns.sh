#!/usr/bin/env bash
# Runs ci/dpdk-guest's program as a DPDK guest would run in a VM, for ci/e2e-dpdk-guest.sh:
#   guest-ns.sh PROGRAM PORT_DIR RUN_PREFIX MODE CPU LCORE...
# MUST run as root inside `unshare -m --propagation private`: it lays an overlay over /dev (upper
# layer on a tmpfs) with a tmpfs on /dev/virtio-ports, and a tmpfs on /run (EAL's runtime folder
# /var/run/dpdk), so nothing is made in the real /dev or /run. For each LCORE a socat PTY stands
# for the virtio-serial port /dev/virtio-ports/virtio.serial.port.poweragent.LCORE and connects
# to PORT_DIR/virtio.serial.port.poweragent.LCORE (a --sim guest port socket). MODE:
#   both        bytes both ways; socat keeps what the guest wrote in RUN_PREFIX.wire.N.req and
#               what it wrote to the guest in RUN_PREFIX.wire.N.rep. A guest that never reads
#               (DPDK) fills the PTY after about 12 KB of replies, and socat then blocks in its
#               write and stops reading the guest too: keep such runs short.
#   to-host     guest to host only (socat -u): the host's replies stay queued short of the guest,
#               as with QEMU once a guest's virtio receive buffers are full. For long runs.
# The program's standard input and output are this script's; socat's errors go to
# RUN_PREFIX.socat.N.err. Exits with the program's exit code.
set -eu
program="$1" ports="$2" run="$3" mode="$4" cpu="$5"
shift 5
ns="$run.ns"
mkdir "$ns"
mount -t tmpfs -o size=1m,mode=700 vmpower-ns "$ns"
mkdir "$ns/up" "$ns/wk" "$ns/pts"
mount --bind /dev/pts "$ns/pts"
mount -t overlay vmpower-dev -o "lowerdir=/dev,upperdir=$ns/up,workdir=$ns/wk" /dev
mount --move "$ns/pts" /dev/pts
mkdir -p /dev/virtio-ports
mount -t tmpfs -o size=64k,mode=755 vmpower-ports /dev/virtio-ports
mount -t tmpfs -o size=1m,mode=755 vmpower-run /run

exec 5<&0
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; exit 143' TERM INT
lcores=""
for n in "$@"; do
  link="/dev/virtio-ports/virtio.serial.port.poweragent.$n"
  case "$mode" in
    both) opts=(-r "$run.wire.$n.req" -R "$run.wire.$n.rep") ;;
    to-host) opts=(-u -r "$run.wire.$n.req") ;;
    *) echo "guest-ns.sh: mode '$mode' unknown (accepted: both, to-host)" >&2; exit 2 ;;
  esac
  socat -d "${opts[@]}" "PTY,link=$link,raw,echo=0" \
    "UNIX-CONNECT:$ports/virtio.serial.port.poweragent.$n" 2> "$run.socat.$n.err" &
  pids+=($!)
  for _ in $(seq 1 50); do [ -L "$link" ] && break; sleep 0.1; done
  lcores="${lcores:+$lcores,}$n"
done
# EAL without hugepages, PCI, shared config or telemetry; every lcore a thread on one CPU. The
# program's stdin is given explicitly: a background job of a script would read /dev/null.
"$program" --no-huge --no-pci --no-shconf --no-telemetry "--lcores=($lcores)@$cpu" \
  --log-level=lib.eal:notice --log-level=lib.power:debug -- "$@" <&5 5<&- &
program_pid=$!
trap 'kill "${pids[@]}" "$program_pid" 2>/dev/null; exit 143' TERM INT
rc=0
wait "$program_pid" || rc=$?
# socat does not end when the guest closes its PTY: stop it
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
exit $rc
