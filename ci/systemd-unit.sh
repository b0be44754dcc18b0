#!/usr/bin/env bash
# The systemd unit packaging/systemd/vmpower.service, checked without systemd as PID 1:
#   1. `systemd-analyze verify` (Debian package systemd, installed here when missing and root) on a
#      temporary root: the unit under etc/systemd/system, the host's own units (the targets it
#      depends on) and two executables. verify refuses a unit whose ExecStart= or ExecReload= binary
#      does not exist, and the real /usr/bin/vm-power-mgr is installed by the package (issue 16),
#      not by a build: the root gets a stand-in script there, and /usr/bin/kill for ExecReload=.
#      Any message verify prints (an unknown key, a bad value) fails the check, as verify itself
#      exits 0 on those. The check is also run on a copy with a bad line, which must fail.
#   2. The directives the daemon relies on are there (Type=notify, WatchdogSec=, ExecReload= with
#      SIGHUP, RuntimeDirectory=vmpower, the writable cpufreq and /run/vmpower, the address
#      families, SuccessExitStatus=143 for the JVM's exit on SIGTERM).
#   3. Readiness as systemd sees it: bin/vm-power-mgr --daemon (on the simulated host) with
#      NOTIFY_SOCKET and WATCHDOG_USEC set to a real AF_UNIX datagram socket that plays systemd
#      (python3): READY=1 after the VMs are attached, WATCHDOG=1, its control socket answering,
#      RELOADING=1 and READY=1 on SIGHUP, STOPPING=1 and exit status 143 on SIGTERM.
# Prints PASS/FAIL per check and `systemd-analyze security`'s exposure level; exits non-zero on any
# FAIL.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
unit="$root/packaging/systemd/vmpower.service"
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

if ! command -v systemd-analyze >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing systemd (for systemd-analyze)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd; } >/dev/null 2>&1 ||
      { echo "ci/systemd-unit.sh: cannot install systemd" >&2; exit 1; }
  else
    echo "ci/systemd-unit.sh: systemd-analyze is missing: apt-get install systemd" >&2
    exit 1
  fi
fi

work="$(mktemp -d -t vmpower-unit.XXXXXX)"
hp=""
rp=""
cleanup() {
  [ -n "$hp" ] && kill -KILL "$hp" 2>/dev/null
  [ -n "$rp" ] && kill "$rp" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. systemd-analyze verify on a temporary root
fakeroot="$work/root"
mkdir -p "$fakeroot/usr/bin" "$fakeroot/usr/lib/systemd" "$fakeroot/etc/systemd/system"
ln -s usr/bin "$fakeroot/bin"
ln -s usr/lib "$fakeroot/lib"
cp -r /usr/lib/systemd/system "$fakeroot/usr/lib/systemd/"
printf '#!/bin/sh\n# stand-in for the packaged launcher\nexit 0\n' >"$fakeroot/usr/bin/vm-power-mgr"
chmod 0755 "$fakeroot/usr/bin/vm-power-mgr"
cp "$(type -P kill)" "$fakeroot/usr/bin/kill"
verify() { # unit file: prints verify's messages; true when it exits 0 and says nothing
  cp "$1" "$fakeroot/etc/systemd/system/vmpower.service"
  local out
  out="$(systemd-analyze verify --root="$fakeroot" vmpower.service 2>&1)"
  local code=$?
  [ -n "$out" ] && echo "$out" | sed 's/^/  /'
  [ $code -eq 0 ] && [ -z "$out" ]
}
if verify "$unit"; then pass "systemd-analyze verify: no error, no warning"; else fail "systemd-analyze verify"; fi
sed 's/^ProtectSystem=strict$/ProtectSystem=strictest\nNoSuchKey=1/' "$unit" >"$work/broken.service"
if verify "$work/broken.service" >/dev/null; then
  fail "a unit with a bad value and an unknown key passes the check: the check cannot fail"
else
  pass "the check refuses a unit with a bad value and an unknown key"
fi
cp "$unit" "$fakeroot/etc/systemd/system/vmpower.service"
systemd-analyze security --offline=true --root="$fakeroot" vmpower.service 2>/dev/null |
  grep 'Overall exposure level' | sed 's/^→ */  systemd-analyze security: /'

# ---- 2. the directives the daemon relies on
has() { # name, regex
  if grep -qE "^$2\$" "$unit"; then pass "$1"; else fail "$1 (no line matching '$2')"; fi
}
has "Type=notify" 'Type=notify'
has "ExecStart runs the daemon" 'ExecStart=/usr/bin/vm-power-mgr --daemon'
has "ExecReload sends SIGHUP" 'ExecReload=/bin/kill -HUP \$MAINPID'
has "a watchdog" 'WatchdogSec=[0-9]+s'
has "RuntimeDirectory=vmpower" 'RuntimeDirectory=vmpower'
has "cpufreq and /run/vmpower writable" 'ReadWritePaths=/sys/devices/system/cpu /run/vmpower'
has "AF_UNIX, AF_INET, AF_INET6" 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'
has "the JVM's status for SIGTERM is success" 'SuccessExitStatus=143'
has "/tmp/powermonitor through PrivateTmp" 'BindPaths=-/tmp/powermonitor'

# ---- 3. readiness against a socket that plays systemd
"$root/bin/vm-power-mgr" --version >/dev/null || { fail "cannot build the host"; exit 1; }
cat >"$work/systemd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
PY
python3 "$work/systemd.py" "$work/notify" "$work/notified" &
rp=$!
for _ in $(seq 1 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
printf 'vms:\n  manage: auto\ncontrol:\n  path: %s\n' "$work/control.sock" >"$work/vmpower.yaml"
NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=2000000 "$root/bin/vm-power-mgr" --daemon --sim \
  --channel-dir "$work/ch" --config "$work/vmpower.yaml" </dev/null >"$work/out" 2>"$work/err" &
hp=$!
seen() { grep -q "$1" "$work/notified" 2>/dev/null; }
wait_for() { # seconds, command...
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
if wait_for 60 seen '^READY=1 | STATUS=Serving 6 channel(s) of 2 VM(s), 6 attached$'; then
  pass "READY=1 with the status line, once the simulated VMs' channels are attached"
else
  fail "no READY=1 within 60 s"
fi
if wait_for 10 seen '^WATCHDOG=1$'; then pass "WATCHDOG=1"; else fail "no WATCHDOG=1"; fi
if "$root/bin/vm-power-mgr" --connect "$work/control.sock" -c show_vms >"$work/vms" 2>&1 &&
  grep -q '^vm2 .* ACTIVE ' "$work/vms"; then
  pass "the control socket answers: --connect -c show_vms lists the VMs the daemon manages"
else
  fail "--connect -c show_vms: $(head -c 300 "$work/vms")"
fi
kill -HUP "$hp"
if wait_for 20 seen '^RELOADING=1 | MONOTONIC_USEC=[0-9]* | STATUS=Reloading'; then
  pass "RELOADING=1 on SIGHUP"
else
  fail "no RELOADING=1 after SIGHUP"
fi
if wait_for 20 eval '[ "$(grep -c "^READY=1" "$work/notified")" -ge 2 ]'; then
  pass "READY=1 again after the reload"
else
  fail "no READY=1 after the reload"
fi
kill -TERM "$hp"
code=0
if wait_for 30 eval '! kill -0 $hp 2>/dev/null'; then
  wait "$hp"
  code=$?
  hp=""
  if [ $code -eq 143 ]; then pass "exit status 143 on SIGTERM (SuccessExitStatus=143)"; else fail "exit status $code on SIGTERM"; fi
else
  fail "the daemon did not stop within 30 s of SIGTERM"
fi
if seen '^STOPPING=1'; then pass "STOPPING=1 on SIGTERM"; else fail "no STOPPING=1"; fi
if grep -qv '^<[0-7]>' "$work/err"; then
  fail "a log line without its journald priority: $(grep -v '^<[0-7]>' "$work/err" | head -n 1)"
else
  pass "every log line starts with its journald priority"
fi
if [ $fails -gt 0 ]; then
  echo "---- told systemd"; cat "$work/notified" 2>/dev/null
  echo "---- daemon's log (last 30 lines)"; tail -n 30 "$work/err"
fi
echo "systemd-unit: $fails failed"
[ $fails -eq 0 ]
