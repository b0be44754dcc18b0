#!/usr/bin/env bash
# End to end on a real hypervisor: libvirtd + QEMU (TCG) run a tiny busybox guest that speaks the
# DPDK channel protocol over two virtio-serial ports, and bin/vm-power-mgr serves it against a fake
# cpufreq tree. Prints PASS/FAIL per check, the time of each stage and a final "N passed, N failed"
# line; exits non-zero on any FAIL. Needs root and Debian (it installs what is missing with apt-get).
#
# What it sets up, all inside one mktemp folder (WORK) that is removed at the end:
#   - Debian packages when missing: qemu-system-x86, libvirt-daemon-system, libvirt-daemon-driver-qemu,
#     libvirt-clients, busybox-static, cpio, socat, xz-utils.
#   - virtlogd and libvirtd started without systemd (`-d`) unless qemu:///system already answers;
#     those it started are stopped by pid at exit, also on failure or time-out (EXIT trap). Where
#     /dev/kvm exists without KVM support, libvirtd runs in a mount namespace of its own (see there).
#   - A guest: the kernel of the package linux-image-amd64 depends on (apt-get download; only
#     boot/vmlinuz-* and the virtio modules are extracted, .ko.xz decompressed) and an initramfs of
#     busybox-static whose /init is written below.
#   - The domain vmpower-e2e (type qemu, 2 vCPUs, vCPU 0 pinned to pCPU 1, fixed uuid), undefined at
#     exit, with the channels WORK/ch/vmpower-e2e.{0,1} (virtio.serial.port.poweragent.{0,1}), a
#     control port WORK/ctl/control.sock (org.vmpower.e2e.control) and its serial console appended to
#     WORK/console.log.
#   - A fake cpufreq tree WORK/sysfs (acpi-cpufreq, userspace governor, 2601000 2600000 2400000 ...
#     1200000 kHz, every CPU at 2600000) and the host program on it, fed commands through a FIFO.
#
# How the guest and this script stay in step: the guest does nothing by itself. Its /init opens the
# control port and waits for lines "req SEQ PORT VCPU UNIT COMMAND" that this script sends through
# socat; for each it writes one 464-byte DPDK request (resource_id=VCPU, unit, command, 448 zero
# bytes) to /dev/virtio-ports/virtio.serial.port.poweragent.PORT, reads the 464-byte reply and prints
# "E2E REPLY SEQ bytes=N head=HEX" (HEX: bytes 0..15, so the command field tells ACK 01 / NACK 02)
# on its console. The script waits for that line before it looks at the fake tree, so every check
# sees the effect of exactly one request, and between requests it can re-pin, restart the VM or ask
# the host anything. The host's own commands are followed by a sentinel command (show_cpu_freq 0)
# whose output line tells that the command before it has run.
#
# The checks: (1) a scale-down from vCPU 0 lowers pCPU 1 one step, ACKed; (2) after `virsh vcpupin`
# moves vCPU 0 to pCPU 0 the host learns it from libvirt's tuning event (show_cpus, which does not
# ask libvirt, shows it) and the next request changes pCPU 0, not 1; (3) show_vm's pinning is
# libvirt's, and the peer it shows for each channel is the QEMU process (uid, gid, pid); (4) vCPU
# 5 gets a NACK and changes nothing; (5) after destroy the channels are DISCONNECTED, after start
# they re-attach by themselves and a request is served; (7) under the host's own busy policy
# (set_policy VM busy vcpus=0), with no request from the guest, vCPU 0's pCPU goes to its lowest
# frequency while the guest is idle, to max while a busy loop runs on vCPU 0 ("busy on" on the
# control port), and back down once it stops; show_policies names libvirt's bulk statistics and
# what a read cost; (6) the host's control socket (--control-socket) gives `vm-power-mgr --connect
# -c show_stats` the prompt's very output, with the guest's requests served; quit restores the
# fake tree to its initial content.
#
# Then the daemon run: bin/vm-power-mgr --daemon --config WORK/vmpower.yaml (the domain listed in
# vms.manage, the QEMU user the one allowed peer uid, its control socket in WORK), started with
# standard input from /dev/null and NOTIFY_SOCKET a datagram socket that plays systemd (python3):
# (D1) READY=1 once both channels, found in the domain XML, are attached, and no operator command
# was given (standard input is /dev/null and the daemon's log, which names every control client
# that changes anything, names none); (D2) the guest's request is served; (D3) when libvirtd was
# started by this script, it is restarted: the daemon reconnects, reads every VM again and a
# request is served; (D4) after virsh destroy the channels are detached, after virsh start
# attached again by the daemon itself, a request is served, and `--connect -c show_stats`
# (read-only) shows the requests served, still with no operator command; (D5) SIGHUP reloads a
# changed file; (D6) SIGTERM: STOPPING=1, exit status 143, the tree restored, the control socket
# removed.
#
# Environment: VMPOWER_E2E_TIMEOUT (seconds for the whole run, default 420); VMPOWER_E2E_LOGS=DIR
# copies the run's logs (host.out, host.err, daemon.err, notified, console.log, setup.log,
# domain.xml) to DIR at exit.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${VMPOWER_E2E_QEMU_CHILD:-}" ]; then
  # build the host program first if it is stale (bin/vm-power-mgr does), outside the time-out
  "$root/bin/vm-power-mgr" --help >/dev/null || exit 1
  export VMPOWER_E2E_QEMU_CHILD=1
  timeout --kill-after=30 "${VMPOWER_E2E_TIMEOUT:-420}" bash "$0" "$@"
  code=$?
  [ $code -eq 124 ] && echo "e2e-qemu: timed out after ${VMPOWER_E2E_TIMEOUT:-420} s" >&2
  exit $code
fi

vm=vmpower-e2e
uuid=6c3d1e8a-5f0b-4c6e-9a77-3e2e5e2e0001
uri=qemu:///system
freqs="2601000 2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000"
start_khz=2600000
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_console"
packages="qemu-system-x86 libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients
  busybox-static cpio socat xz-utils"

work="" hp="" dp="" np="" ctlpid="" started_libvirtd="" started_virtlogd="" defined=0
passes=0 fails=0 timings=()
t_stage=0 stage_name=""

now_ms() { echo $(($(date +%s%N) / 1000000)); }
t_start=$(now_ms)

end_stage() {
  [ -n "$stage_name" ] || return 0
  local ms=$(($(now_ms) - t_stage))
  timings+=("$(printf '%-44s %4d.%d s' "$stage_name" $((ms / 1000)) $((ms % 1000 / 100)))")
  stage_name=""
}
stage() {
  end_stage
  stage_name="$1"
  t_stage=$(now_ms)
  echo "== $1"
}

pass() { echo "PASS: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
check() { # name, command...
  local name="$1"
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# wait_for SECONDS command...: true once the command succeeds, false after SECONDS
wait_for() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}

diagnostics() {
  [ -n "$work" ] && [ -d "$work" ] || return 0
  local f
  for f in host.out host.err daemon.err notified console.log; do
    [ -f "$work/$f" ] && { echo "---- $f (last 60 lines)"; tail -n 60 "$work/$f"; }
  done
  f=/var/log/libvirt/qemu/$vm.log
  [ -f "$f" ] && { echo "---- $f (last 20 lines)"; tail -n 20 "$f"; }
  [ -f "$work/setup.log" ] && { echo "---- setup.log (last 20 lines)"; tail -n 20 "$work/setup.log"; }
}

summary() {
  end_stage
  echo "---- time per stage"
  local t
  for t in "${timings[@]}"; do echo "  $t"; done
  local ms=$(($(now_ms) - t_start))
  echo "  total $((ms / 1000)).$((ms % 1000 / 100)) s"
  echo "e2e-qemu: $passes passed, $fails failed"
}

# A setup step failed: the checks cannot run.
die() {
  fail "$1"
  diagnostics
  summary
  exit 1
}

stop_pid() { # pid: TERM, then KILL after 10 s
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
}

cleanup() {
  exec 3>&- 4>&- 2>/dev/null
  [ -n "$ctlpid" ] && stop_pid "$ctlpid"
  [ -n "$hp" ] && stop_pid "$hp"
  [ -n "$dp" ] && stop_pid "$dp"
  [ -n "$np" ] && stop_pid "$np"
  if [ $defined = 1 ]; then
    virsh -c "$uri" destroy "$vm" >/dev/null 2>&1
    virsh -c "$uri" undefine "$vm" >/dev/null 2>&1
    rm -f "/var/log/libvirt/qemu/$vm.log"*
  fi
  [ -n "$started_libvirtd" ] && stop_pid "$started_libvirtd"
  [ -n "$started_virtlogd" ] && stop_pid "$started_virtlogd"
  if [ -n "$work" ] && [ -n "${VMPOWER_E2E_LOGS:-}" ]; then
    mkdir -p "$VMPOWER_E2E_LOGS" &&
      (cd "$work" && cp -f host.out host.err daemon.err notified console.log setup.log domain.xml \
        "$VMPOWER_E2E_LOGS"/ 2>/dev/null)
  fi
  [ -n "$work" ] && rm -rf "$work"
}
on_signal() {
  trap - TERM INT HUP PIPE
  fail "$1 (stage: ${stage_name:-start})"
  diagnostics
  summary
  exit 1
}
trap cleanup EXIT
trap 'on_signal "timed out or interrupted"' TERM INT HUP
trap 'on_signal "broken pipe: the host program or socat is gone"' PIPE

if [ "$(id -u)" != 0 ]; then
  die "e2e-qemu needs root: it installs Debian packages and runs libvirtd (run it as root)"
fi
work="$(mktemp -d -t vmpower-e2e-qemu.XXXXXX)"
chmod 0711 "$work" # QEMU runs as the qemu user and must reach the files below
cd "$work" || die "cannot enter $work"

# ---------------------------------------------------------------------------------------------
stage "Debian packages"
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >>setup.log 2>&1 || die "apt-get install ${missing[*]}"
else
  echo "all present"
fi
qemu_user=$(awk -F'"' '/^[[:space:]]*user[[:space:]]*=/{print $2}' /etc/libvirt/qemu.conf 2>/dev/null)
qemu_user=${qemu_user:-libvirt-qemu}
id "$qemu_user" >/dev/null 2>&1 || die "the qemu user '$qemu_user' does not exist"

# ---------------------------------------------------------------------------------------------
stage "libvirt daemons"
libvirt_up() { virsh -c "$uri" version >/dev/null 2>&1; }
if libvirt_up; then
  echo "libvirtd already answers at $uri: using it"
else
  if ! { [ -f /run/virtlogd.pid ] && kill -0 "$(cat /run/virtlogd.pid)" 2>/dev/null; }; then
    virtlogd -d >>setup.log 2>&1 || die "virtlogd -d"
    wait_for 10 test -s /run/virtlogd.pid || die "virtlogd wrote no /run/virtlogd.pid"
    started_virtlogd=$(cat /run/virtlogd.pid)
  fi
  launch=()
  if [ -e /dev/kvm ] && [ -f /etc/libvirt/qemu.conf ] && ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
    # /dev/kvm exists but KVM cannot run here. libvirt probes QEMU as root (KVM "enabled") but
    # checks /dev/kvm as the qemu user (unusable), finds its capability cache outdated and probes
    # QEMU again (~4 s) on every use: a minute lost per run. So the libvirtd started here runs in
    # a mount namespace of its own where /dev/kvm is a root-only empty file and qemu.conf adds
    # namespaces = [] (libvirt cannot carry a file mounted under /dev into a guest's private
    # /dev). Neither the machine nor its /etc/libvirt/qemu.conf is changed.
    : >kvm-unusable
    chmod 0600 kvm-unusable
    { sed '/^[[:space:]]*namespaces[[:space:]]*=/d' /etc/libvirt/qemu.conf
      echo 'namespaces = []'; } >qemu.conf
    launch=(unshare --mount --propagation private sh -c
      'mount --bind "$1" /dev/kvm && mount --bind "$2" /etc/libvirt/qemu.conf && shift 2 && exec "$@"'
      sh "$work/kvm-unusable" "$work/qemu.conf")
  fi
  # start_libvirtd: as above; again by the daemon run, which restarts the libvirtd it started
  start_libvirtd() {
    rm -f /run/libvirtd.pid
    if ! "${launch[@]}" libvirtd -d >>setup.log 2>&1; then
      [ ${#launch[@]} -gt 0 ] && echo "no mount namespace for libvirtd: started as it is"
      libvirtd -d >>setup.log 2>&1 || return 1
    fi
    wait_for 10 test -s /run/libvirtd.pid || return 1
    started_libvirtd=$(cat /run/libvirtd.pid)
  }
  start_libvirtd || die "libvirtd -d (or it wrote no /run/libvirtd.pid)"
  wait_for 60 libvirt_up || die "libvirtd does not answer at $uri within 60 s"
fi
virsh -c "$uri" version 2>/dev/null | sed -n 's/^Running hypervisor: /hypervisor: /p'
host_cpus=$(virsh -c "$uri" nodeinfo | awk -F: '/^CPU\(s\)/{gsub(/ /,"",$2); print $2}')
[ "${host_cpus:-0}" -ge 2 ] || die "the host has ${host_cpus:-?} CPUs: pinning vCPU 0 to pCPU 1 needs 2"
# a domain left by an earlier run that was killed
if virsh -c "$uri" dominfo "$vm" >/dev/null 2>&1; then
  virsh -c "$uri" destroy "$vm" >/dev/null 2>&1
  virsh -c "$uri" undefine "$vm" >/dev/null 2>&1
fi

# ---------------------------------------------------------------------------------------------
stage "guest kernel and initramfs"
mkdir -p kernel guest initramfs/bin initramfs/dev initramfs/proc initramfs/sys \
  initramfs/tmp initramfs/lib/modules
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
if [ -z "$kpkg" ]; then
  apt-get update -qq >>setup.log 2>&1
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
fi
[ -n "$kpkg" ] || die "apt-cache names no kernel package for linux-image-amd64"
id _apt >/dev/null 2>&1 && chown _apt kernel # apt downloads as _apt where it can
(cd kernel && apt-get download -qq "$kpkg") >>setup.log 2>&1 ||
  { apt-get update -qq >>setup.log 2>&1 && (cd kernel && apt-get download -qq "$kpkg") >>setup.log 2>&1; } ||
  die "apt-get download $kpkg"
patterns=("vmlinuz-*" "modules.builtin")
for m in $modules; do patterns+=("$m.ko*"); done
dpkg-deb --fsys-tarfile kernel/"$kpkg"_*.deb |
  tar -x -C kernel --wildcards --no-anchored "${patterns[@]}" 2>>setup.log
rm -f kernel/*.deb
vmlinuz=$(find kernel/boot -name 'vmlinuz-*' 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $kpkg"
cp "$vmlinuz" guest/vmlinuz
builtin=$(find kernel/lib/modules -name modules.builtin | head -n 1)
for m in $modules; do
  ko=$(find kernel/lib/modules \( -name "$m.ko" -o -name "$m.ko.xz" \) | head -n 1)
  if [ -z "$ko" ]; then
    # built into this kernel: nothing to load
    grep -q "/$m.ko\$" "${builtin:-/dev/null}" || die "$kpkg has no module $m"
    continue
  fi
  case "$ko" in
    *.xz) xz -dc "$ko" >"initramfs/lib/modules/$m.ko" ;; # busybox insmod may not read xz
    *) cp "$ko" "initramfs/lib/modules/$m.ko" ;;
  esac
done
echo "kernel $kpkg, modules: $(cd initramfs/lib/modules && echo *)"
rm -rf kernel
busybox=$(command -v busybox || echo /bin/busybox)
cp "$busybox" initramfs/bin/busybox
mknod -m 600 initramfs/dev/console c 5 1
cat >initramfs/init <<'INIT'
#!/bin/busybox sh
# The e2e guest: loads the virtio console modules, links the ports by name and serves the control
# port: "req SEQ PORT VCPU UNIT COMMAND" sends one DPDK request and prints the reply's head.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "E2E BOOT"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_console; do
  [ -f /lib/modules/$m.ko ] && { insmod /lib/modules/$m.ko || echo "E2E ERROR insmod $m"; }
done
ctl=org.vmpower.e2e.control
i=0
while [ $i -lt 200 ]; do
  found=0
  for p in /sys/class/virtio-ports/vport*; do
    [ -f $p/name ] && [ "$(cat $p/name)" = $ctl ] && found=1
  done
  [ $found = 1 ] && break
  sleep 0.1
  i=$((i + 1))
done
mkdir -p /dev/virtio-ports
for p in /sys/class/virtio-ports/vport*; do
  n=$(cat $p/name)
  [ -n "$n" ] && ln -sf ../${p##*/} /dev/virtio-ports/$n
done
ls /dev/virtio-ports | sed 's/^/E2E PORT /'
byte() { printf "\\$(printf %o $1)"; }
le32() { byte $(($1 & 255)); byte $(($1 >> 8 & 255)); byte $(($1 >> 16 & 255)); byte $(($1 >> 24 & 255)); }
send() { # seq port vcpu unit command
  { le32 $3; le32 0; le32 $4; le32 $5; head -c 448 /dev/zero; } >/tmp/req
  echo "E2E SEND $1 port=$2 vcpu=$3 unit=$4 command=$5 bytes=$(wc -c </tmp/req)"
  exec 3<>/dev/virtio-ports/virtio.serial.port.poweragent.$2
  cat /tmp/req >&3
  head -c 464 <&3 >/tmp/reply
  exec 3>&-
  echo "E2E REPLY $1 bytes=$(wc -c </tmp/reply) head=$(od -An -tx1 -N16 /tmp/reply | tr -d ' \n')"
}
exec 4<>/dev/virtio-ports/$ctl
echo "E2E READY"
while true; do
  # reads return end-of-file at once while nobody is connected to the host end: poll then
  if read -r op seq port vcpu unit command <&4; then
    case "$op" in
      req) send "$seq" "$port" "$vcpu" "$unit" "$command" ;;
      busy)
        # "busy on|off": a busy loop on vCPU 0 (nothing is sent to the host)
        if [ "$seq" = on ]; then
          taskset 1 sh -c 'while :; do :; done' &
          echo $! >/tmp/busy.pid
        else
          kill "$(cat /tmp/busy.pid)"
        fi
        echo "E2E BUSY $seq"
        ;;
      *) echo "E2E ERROR unknown control line: $op" ;;
    esac
  else
    sleep 0.2
  fi
done
INIT
chmod 0755 initramfs/init
(cd initramfs && find . | cpio -o -H newc --quiet | gzip -1) >guest/initrd.img ||
  die "cannot pack the initramfs"
rm -rf initramfs
chmod 0755 guest
chmod 0644 guest/*

# ---------------------------------------------------------------------------------------------
stage "fake cpufreq tree"
ncpu=$(nproc --all)
[ "$ncpu" -lt "$host_cpus" ] && ncpu=$host_cpus
cpudir=sysfs/devices/system/cpu
mkdir -p "$cpudir"
echo "0-$((ncpu - 1))" >"$cpudir/online"
echo "0-$((ncpu - 1))" >"$cpudir/present"
for c in $(seq 0 $((ncpu - 1))); do
  d=$cpudir/cpu$c/cpufreq
  mkdir -p "$d"
  echo acpi-cpufreq >"$d/scaling_driver"
  echo userspace >"$d/scaling_governor"
  echo "conservative ondemand userspace powersave performance" >"$d/scaling_available_governors"
  echo "$freqs " >"$d/scaling_available_frequencies"
  echo $start_khz >"$d/scaling_setspeed"
  echo $start_khz >"$d/scaling_cur_freq"
  echo 1200000 >"$d/cpuinfo_min_freq"
  echo 2601000 >"$d/cpuinfo_max_freq"
  echo 1200000 >"$d/scaling_min_freq"
  echo 2601000 >"$d/scaling_max_freq"
  echo "$c" >"$d/related_cpus"
  echo "$c" >"$d/affected_cpus"
done
cp -a sysfs sysfs.initial
echo "$ncpu CPUs at $start_khz kHz"
khz() { cat "$cpudir/cpu$1/cpufreq/scaling_setspeed"; }
# the entry after $1 in the table (one step down)
step_down() { echo "$freqs" | tr ' ' '\n' | grep -A1 -x "$1" | tail -n 1; }

# ---------------------------------------------------------------------------------------------
stage "VM defined and started"
mkdir -p ch ctl
chown "$qemu_user:" ch ctl 2>/dev/null || chown "$qemu_user" ch ctl
chmod 0770 ch ctl
cat >domain.xml <<EOF
<domain type='qemu'>
  <name>$vm</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>2</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='1'/>
  </cputune>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$work/guest/vmlinuz</kernel>
    <initrd>$work/guest/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <controller type='usb' model='none'/>
    <controller type='virtio-serial' index='0'/>
    <serial type='file'>
      <source path='$work/console.log' append='on'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <source mode='bind' path='$work/ch/$vm.0'/>
      <target type='virtio' name='virtio.serial.port.poweragent.0'/>
    </channel>
    <channel type='unix'>
      <source mode='bind' path='$work/ch/$vm.1'/>
      <target type='virtio' name='virtio.serial.port.poweragent.1'/>
    </channel>
    <channel type='unix'>
      <source mode='bind' path='$work/ctl/control.sock'/>
      <target type='virtio' name='org.vmpower.e2e.control'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
virsh -c "$uri" define domain.xml >>setup.log 2>&1 || die "virsh define"
defined=1
virsh -c "$uri" start "$vm" >>setup.log 2>&1 || die "virsh start $vm"
echo "started; pinning: $(virsh -c "$uri" vcpupin "$vm" | awk '$1 ~ /^[0-9]+$/ {printf "vCPU %s on %s; ", $1, $2}')"

# ---------------------------------------------------------------------------------------------
stage "host program started"
mkfifo host.in
VMPOWER_JAVA_OPTS="${VMPOWER_JAVA_OPTS:-} -Dvmpower.log.level=INFO" \
  "$root/bin/vm-power-mgr" --libvirt-uri "$uri" --sysfs-root "$work/sysfs" \
  --channel-dir "$work/ch" --control-socket "$work/run/control.sock" <host.in >host.out 2>host.err &
hp=$!
exec 3>host.in

marks=0
marks_seen() { [ "$(grep -c '^Core 0 frequency: ' host.out)" -ge "$marks" ]; }
# host_cmd COMMAND: runs it on the host; its output (stdout) is then in last.out
host_cmd() {
  local before
  before=$(stat -c %s host.out)
  printf '%s\nshow_cpu_freq 0\n' "$1" >&3
  marks=$((marks + 1))
  if ! wait_for 30 marks_seen; then
    echo "the host did not run '$1' within 30 s"
    return 1
  fi
  tail -c +$((before + 1)) host.out | sed '/^Core 0 frequency: /,$d' >last.out
}
host_cmd "show_vms" || die "the host program did not start"
grep -E '^(vmpower host|CPU frequencies|  CPU |Hypervisor|Channel)' host.out | sed 's/^/  /'

# ---------------------------------------------------------------------------------------------
stage "guest booted, channels added"
console_count() {
  local n
  n=$(grep -c "$1" console.log 2>/dev/null)
  echo "${n:-0}"
}
booted_again() { [ "$(console_count "E2E READY")" -gt "$boots" ]; }
wait_for 90 grep -q "E2E READY" console.log || die "the guest did not boot to E2E READY within 90 s"
grep "E2E PORT" console.log | sed 's/^/  /'
ctl_connect() {
  mkfifo ctl.in 2>/dev/null
  socat -u STDIN "UNIX-CONNECT:$work/ctl/control.sock" <ctl.in >>socat.log 2>&1 3>&- &
  ctlpid=$!
  exec 4>ctl.in
}
ctl_disconnect() {
  exec 4>&-
  [ -n "$ctlpid" ] && stop_pid "$ctlpid"
  ctlpid=""
}
ctl_connect
host_cmd "add_vm $vm"
host_cmd "add_channels $vm all"
cat last.out | sed 's/^/  /'
check "add_channels attached both channels" [ "$(grep -c ': added, CONNECTED' last.out)" -eq 2 ]

seq_no=0
reply_line=""
# request PORT VCPU UNIT COMMAND: has the guest send it; sets reply_line to its "E2E REPLY" line
request() {
  seq_no=$((seq_no + 1))
  printf 'req %s %s %s %s %s\n' $seq_no "$@" >&4
  if wait_for 30 grep -q "^E2E REPLY $seq_no " console.log; then
    reply_line=$(grep "^E2E REPLY $seq_no " console.log | tail -n 1 | tr -d '\r')
    echo "  guest: $reply_line"
  else
    reply_line=""
    echo "  guest: no reply to request $seq_no within 30 s"
  fi
}
# the reply echoes the request with command 1 (ACK) or 2 (NACK)
reply_is() { # ack|nack vcpu unit
  local cmd=01000000
  [ "$1" = nack ] && cmd=02000000
  local want
  want=$(printf '%02x00000000000000%02x000000%s' "$2" "$3" "$cmd")
  [ "$reply_line" = "E2E REPLY $seq_no bytes=464 head=$want" ]
}

# ---------------------------------------------------------------------------------------------
stage "check 1: scale down on the pinned pCPU"
before0=$(khz 0) before1=$(khz 1)
request 0 0 2 1 # port 0, vCPU 0, SCALE_DOWN, CPU_POWER
check "guest read an ACK for vCPU 0 scale down" reply_is ack 0 2
check "pCPU 1 (vCPU 0's pin) one step down: $before1 -> $(step_down "$before1") kHz (now $(khz 1))" \
  [ "$(khz 1)" = "$(step_down "$before1")" ]
check "pCPU 0 unchanged at $before0 kHz (now $(khz 0))" [ "$(khz 0)" = "$before0" ]

# ---------------------------------------------------------------------------------------------
stage "check 2: re-pin learned from libvirt"
virsh -c "$uri" vcpupin "$vm" 0 0 >>setup.log 2>&1 || fail "virsh vcpupin $vm 0 0"
# show_cpus reads the host's own view (no libvirt call): only the tuning event can change it
repin_seen() {
  host_cmd "show_cpus" || return 1
  awk -v v="$vm:0" '$1 == "0" && index($NF, v) {a=1} $1 == "1" && index($NF, v) {b=1}
    END {exit !(a && !b)}' last.out
}
check "the host learned vCPU 0 -> pCPU 0 from libvirt's tuning event (show_cpus)" wait_for 20 repin_seen
sed 's/^/  /' last.out
before0=$(khz 0) before1=$(khz 1)
request 1 0 2 1 # port 1 this time
check "guest read an ACK for vCPU 0 scale down after the re-pin" reply_is ack 0 2
check "pCPU 0 (new pin) one step down: $before0 -> $(step_down "$before0") kHz (now $(khz 0))" \
  [ "$(khz 0)" = "$(step_down "$before0")" ]
check "pCPU 1 (old pin) unchanged at $before1 kHz (now $(khz 1))" [ "$(khz 1)" = "$before1" ]

# ---------------------------------------------------------------------------------------------
stage "check 3: show_vm pinning = libvirt's"
list_to_mask() { # cpulist (0-1,3) -> decimal mask
  local mask=0 part a b i
  for part in ${1//,/ }; do
    a=${part%-*} b=${part#*-}
    for ((i = a; i <= b; i++)); do mask=$((mask | 1 << i)); done
  done
  echo $mask
}
pinning_matches() {
  host_cmd "show_vm $vm" || return 1
  sed 's/^/  /' last.out
  local ok=0 v cpus host_mask
  while read -r v cpus; do
    host_mask=$(sed -n "s/^  \[$v\]: Physical CPU Mask \(0x[0-9a-f]*\)\$/\1/p" last.out)
    echo "  vCPU $v: libvirt $cpus (mask $(list_to_mask "$cpus")), host ${host_mask:-none}"
    [ -n "$host_mask" ] && [ $((host_mask)) -eq "$(list_to_mask "$cpus")" ] || ok=1
  done < <(virsh -c "$uri" vcpupin "$vm" | awk '$1 ~ /^[0-9]+$/ {print $1, $2}')
  [ "$(grep -c 'Physical CPU Mask' last.out)" -eq 2 ] || ok=1
  return $ok
}
check "show_vm reports the pinning virsh vcpupin reports" pinning_matches
qemu_pid() { # the domain's QEMU, as libvirt records it (else found by its command line)
  local f=/run/libvirt/qemu/$vm.pid
  if [ -s "$f" ]; then cat "$f"; else pgrep -f -- "guest=$vm," | head -n 1; fi
}
peers_are_qemu() { # on show_vm's output in last.out
  local pid uid gid
  pid=$(qemu_pid)
  [ -n "$pid" ] && [ -r "/proc/$pid/status" ] || { echo "  no QEMU process found for $vm"; return 1; }
  uid=$(awk '/^Uid:/ {print $3}' "/proc/$pid/status") # effective ids
  gid=$(awk '/^Gid:/ {print $3}' "/proc/$pid/status")
  echo "  QEMU of $vm: pid $pid, uid $uid, gid $gid"
  [ "$(grep -c "^  peer of \[[01]\]: uid=$uid gid=$gid pid=$pid\$" last.out)" -eq 2 ]
}
check "show_vm names the domain's QEMU (uid, gid, pid) as the peer of both channels" peers_are_qemu

# ---------------------------------------------------------------------------------------------
stage "check 4: unknown vCPU refused"
rm -rf sysfs.before && cp -a sysfs sysfs.before
request 0 5 2 1 # vCPU 5 of a 2-vCPU VM
check "guest read a NACK for vCPU 5" reply_is nack 5 2
check "the fake tree is unchanged after the NACK" diff -r sysfs.before sysfs
rm -rf sysfs.before

# ---------------------------------------------------------------------------------------------
stage "check 5: VM restart, channels re-attach"
ctl_disconnect
virsh -c "$uri" destroy "$vm" >>setup.log 2>&1 || fail "virsh destroy $vm"
all_channels() { # STATE: both channels in it, per show_vm
  host_cmd "show_vm $vm" || return 1
  [ "$(grep -c "status = $1\$" last.out)" -eq 2 ]
}
check "after destroy show_vm shows both channels DISCONNECTED" wait_for 20 all_channels DISCONNECTED
grep 'status = ' last.out | sed 's/^/  /'
boots=$(console_count "E2E READY")
virsh -c "$uri" start "$vm" >>setup.log 2>&1 || fail "virsh start $vm (again)"
check "after start both channels are CONNECTED again by themselves" \
  wait_for 30 all_channels CONNECTED
grep 'status = ' last.out | sed 's/^/  /'
wait_for 90 booted_again ||
  echo "  the guest did not boot again within 90 s"
ctl_connect
pin=$(virsh -c "$uri" vcpupin "$vm" | awk '$1 == "0" {print $2}')
before=$(khz "$pin")
request 0 0 2 1
check "guest read an ACK after the restart" reply_is ack 0 2
check "the request after the restart changed pCPU $pin (vCPU 0's pin): $before -> $(step_down "$before") kHz (now $(khz "$pin"))" \
  [ "$(khz "$pin")" = "$(step_down "$before")" ]

# ---------------------------------------------------------------------------------------------
stage "check 7: busy policy, no help from the guest"
pin=$(virsh -c "$uri" vcpupin "$vm" | awk '$1 == "0" {print $2}')
host_cmd "show_stats"
channel_requests() { # the REQUESTS column of the VM's channel rows of show_stats (in last.out)
  awk -v v="$vm" '$1 == v && $2 ~ /^[0-9]+$/ && $3 ~ /^[A-Z]+$/ {s += $4} END {print s + 0}' last.out
}
requests_before=$(channel_requests)
host_cmd "set_policy $vm busy vcpus=0"
sed 's/^/  /' last.out
freq_is() { [ "$(khz "$1")" = "$2" ]; }
freq_ge() { [ "$(khz "$1")" -ge "$2" ]; }
check "idle guest: busy lowers pCPU $pin (vCPU 0's) to 1200000 kHz (now $(khz "$pin"))" \
  wait_for 30 freq_is "$pin" 1200000
busy_seen() { grep -q "^E2E BUSY $1" console.log; }
printf 'busy on\n' >&4
wait_for 30 busy_seen on || echo "  the guest did not start its busy loop"
check "a busy loop on vCPU 0 raises pCPU $pin to max (2600000 kHz or turbo)" \
  wait_for 30 freq_ge "$pin" 2600000
echo "  pCPU $pin at $(khz "$pin") kHz"
printf 'busy off\n' >&4
wait_for 30 busy_seen off || echo "  the guest did not stop its busy loop"
check "the guest idle again: pCPU $pin back down to 1200000 kHz" \
  wait_for 30 freq_is "$pin" 1200000
host_cmd "show_policies $vm"
sed 's/^/  /' last.out
check "show_policies: the host sampled libvirt's bulk statistics" \
  grep -q "^Sampling: libvirt bulk domain statistics" last.out
check "show_policies: busy decided, no failure" grep -q "failures 0" last.out
host_cmd "show_stats"
requests_after=$(channel_requests)
check "the guest sent no request meanwhile ($requests_before -> $requests_after)" \
  [ "$requests_before" = "$requests_after" ]
host_cmd "rm_policy $vm"

# ---------------------------------------------------------------------------------------------
stage "check 6: show_stats through the control socket; quit restores the tree"
host_cmd "show_stats" && sed 's/^/  /' last.out
"$root/bin/vm-power-mgr" --connect "$work/run/control.sock" -c show_stats >ctl-stats.out 2>ctl-stats.err
code=$?
check "--connect -c show_stats exited with status 0 ($(head -c 300 ctl-stats.err))" [ $code -eq 0 ]
check "--connect -c show_stats printed what the prompt printed" diff last.out ctl-stats.out
check "the guest's requests show as served (ACKED) through the control socket" \
  awk '$1 == "'"$vm"'" && $5 > 0 {found = 1} END {exit !found}' ctl-stats.out
printf 'quit\n' >&3
exec 3>&-
if wait_for 30 eval '! kill -0 $hp 2>/dev/null'; then
  wait "$hp"
  code=$?
  hp=""
  check "host exited with status 0" [ $code -eq 0 ]
else
  fail "host exited within 30 s of quit"
fi
check "quit restored the fake cpufreq tree to its initial content" diff -r sysfs.initial sysfs
check "the host removed its control socket at exit" [ ! -e "$work/run/control.sock" ]

# ---------------------------------------------------------------------------------------------
stage "daemon D1: ready, no operator command"
qemu_uid=$(id -u "$qemu_user")
cat >vmpower.yaml <<EOF
# the daemon of this run: the Linux HAL on the fake tree, this run's domain only
libvirt-uri: $uri
sysfs-root: $work/sysfs
state-file: $work/daemon-state.properties
channels:
  folder: $work/ch
  allowed-peer-uids: [$qemu_uid]
control:
  path: $work/daemon-control.sock
vms:
  manage: [$vm]
EOF
cat >systemd.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
PY
python3 systemd.py "$work/notify.sock" notified &
np=$!
wait_for 10 test -S notify.sock || die "the stand-in systemd did not bind its socket"
NOTIFY_SOCKET="$work/notify.sock" VMPOWER_JAVA_OPTS="${VMPOWER_JAVA_OPTS:-}" \
  "$root/bin/vm-power-mgr" --daemon --config "$work/vmpower.yaml" </dev/null >daemon.out 2>daemon.err &
dp=$!
notified_line() { grep -q "$1" notified 2>/dev/null; }
check "READY=1 with both channels attached (STATUS: Serving 2 channel(s) of 1 VM(s), 2 attached)" \
  wait_for 60 notified_line '^READY=1 | STATUS=Serving 2 channel(s) of 1 VM(s), 2 attached$'
sed 's/^/  systemd heard: /' notified
grep -E 'VmReconciler|attached to' daemon.err | sed 's/^/  /'
no_command_path() { # no operator command: stdin is /dev/null, no control client changed anything
  [ "$(readlink "/proc/$dp/fd/0")" = /dev/null ] && ! grep -q 'control client uid=' daemon.err
}
check "the daemon opened its control socket before READY=1" [ -S "$work/daemon-control.sock" ]
check "no operator command: standard input is /dev/null, no control client ran a command" \
  no_command_path
check "both channels were attached by the daemon itself, from the domain XML" \
  [ "$(grep -c "VmReconciler: Channel $vm\.[01] ($work/ch/$vm\.[01]): CONNECTED" daemon.err)" -eq 2 ]

# ---------------------------------------------------------------------------------------------
stage "daemon D2: the guest's request served"
[ -n "$ctlpid" ] && kill -0 "$ctlpid" 2>/dev/null || ctl_connect
pin=$(virsh -c "$uri" vcpupin "$vm" | awk '$1 == "0" {print $2}')
before=$(khz "$pin")
request 0 0 2 1
check "guest read an ACK from the daemon" reply_is ack 0 2
check "pCPU $pin (vCPU 0's pin) one step down: $before -> $(step_down "$before") kHz (now $(khz "$pin"))" \
  [ "$(khz "$pin")" = "$(step_down "$before")" ]

# ---------------------------------------------------------------------------------------------
stage "daemon D3: libvirtd restart survived"
if [ -n "$started_libvirtd" ]; then
  # QEMU keeps running; the daemon loses its connection, reconnects with back-off and reads every
  # domain again, still serving with the pinning it knows meanwhile
  stop_pid "$started_libvirtd"
  started_libvirtd=""
  check "the daemon noticed the lost libvirt connection" \
    wait_for 30 grep -q "libvirt connection to $uri lost" daemon.err
  start_libvirtd || fail "libvirtd -d (restart)"
  wait_for 60 libvirt_up || fail "libvirtd does not answer at $uri within 60 s of its restart"
  check "the daemon reconnected to the restarted libvirtd and read every VM again" \
    wait_for 60 grep -q "hypervisor connection restored; re-reading every VM" daemon.err
  pin=$(virsh -c "$uri" vcpupin "$vm" | awk '$1 == "0" {print $2}')
  before=$(khz "$pin")
  request 1 0 2 1
  check "guest read an ACK after the libvirtd restart" reply_is ack 0 2
  check "pCPU $pin one step down after the libvirtd restart: $before -> $(step_down "$before") kHz (now $(khz "$pin"))" \
    [ "$(khz "$pin")" = "$(step_down "$before")" ]
else
  echo "  libvirtd was running before this script: it is not restarted here"
fi

# ---------------------------------------------------------------------------------------------
stage "daemon D4: destroy, start re-attaches"
ctl_disconnect
virsh -c "$uri" destroy "$vm" >>setup.log 2>&1 || fail "virsh destroy $vm (daemon run)"
check "after destroy the daemon detached both channels" \
  wait_for 30 grep -q "VmReconciler: VM '$vm' is not running: 2 channel(s) detached" daemon.err
boots=$(console_count "E2E READY")
attached_before=$(grep -c "ChannelMonitor: $vm\.[01]: attached to" daemon.err)
virsh -c "$uri" start "$vm" >>setup.log 2>&1 || fail "virsh start $vm (daemon run)"
reattached() { [ "$(grep -c "ChannelMonitor: $vm\.[01]: attached to" daemon.err)" -ge $((attached_before + 2)) ]; }
check "after start both channels are attached again by the daemon itself" wait_for 60 reattached
wait_for 90 booted_again || echo "  the guest did not boot again within 90 s"
ctl_connect
pin=$(virsh -c "$uri" vcpupin "$vm" | awk '$1 == "0" {print $2}')
before=$(khz "$pin")
request 1 0 2 1
check "guest read an ACK after the restart" reply_is ack 0 2
check "the request after the restart changed pCPU $pin: $before -> $(step_down "$before") kHz (now $(khz "$pin"))" \
  [ "$(khz "$pin")" = "$(step_down "$before")" ]
"$root/bin/vm-power-mgr" --connect "$work/daemon-control.sock" -c show_stats >daemon-stats.out \
  2>daemon-stats.err
code=$?
check "--connect -c show_stats on the daemon exited with status 0 ($(head -c 300 daemon-stats.err))" \
  [ $code -eq 0 ]
sed 's/^/  /' daemon-stats.out
acked() { awk -v vm="$vm" '$1 == vm {n += $5} END {print n + 0}' daemon-stats.out; }
check "show_stats through the daemon's control socket: the guest's requests ACKED ($(acked))" \
  [ "$(acked)" -ge 2 ]
check "still no operator command: no control client ran a command" no_command_path

# ---------------------------------------------------------------------------------------------
stage "daemon D5: SIGHUP reloads a changed file"
printf '  settings:\n    %s:\n      queries: true\n' "$vm" >>vmpower.yaml # under vms:, the last section
kill -HUP "$dp"
check "SIGHUP: the reload applied the VM's new settings" \
  wait_for 30 grep -q "ConfigReloader:   changed: VM '$vm': queries enabled" daemon.err
reload_told() { [ "$(grep -c '^RELOADING=1' notified)" -eq 1 ] && [ "$(grep -c '^READY=1' notified)" -eq 2 ]; }
check "systemd heard RELOADING=1, then READY=1 again" wait_for 10 reload_told

# ---------------------------------------------------------------------------------------------
stage "daemon D6: SIGTERM restores the tree"
ctl_disconnect
kill -TERM "$dp"
if wait_for 30 eval '! kill -0 $dp 2>/dev/null'; then
  wait "$dp"
  code=$?
  dp=""
  check "the daemon exited with status 143 (the JVM's for SIGTERM; SuccessExitStatus=143)" [ $code -eq 143 ]
else
  fail "the daemon stopped within 30 s of SIGTERM"
fi
check "systemd heard STOPPING=1" notified_line '^STOPPING=1'
check "the daemon removed its control socket at exit" [ ! -e "$work/daemon-control.sock" ]
check "SIGTERM restored the fake cpufreq tree to its initial content" diff -r sysfs.initial sysfs
journald_lines() { ! grep -qv '^<[0-7]>' daemon.err; }
check "every daemon log line has its journald priority" journald_lines

[ $fails -gt 0 ] && diagnostics
summary
[ $fails -eq 0 ]
