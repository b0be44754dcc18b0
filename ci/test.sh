#!/usr/bin/env bash
# The project's test command (README "Run the tests"): installs what the tests need when it is
# missing, then runs the unit, HAL and acceptance tests with Maven.
#   ci/test.sh            everything CI runs
#   ci/test.sh --fast     only ./mvnw verify (no package installs, no end-to-end scripts)
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
[ "${1:-}" = "--fast" ] && fast=1

stage() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

# Debian packages the tests use: the libvirt library (libvirt test driver, no daemon), socat, gcc,
# systemd (systemd-analyze, for ci/systemd-unit.sh; systemd does not run as PID 1 here);
# fonts.
need_pkgs=()
libs="$(ldconfig -p 2>/dev/null || true)"
grep -q 'libvirt\.so\.0' <<< "$libs" || need_pkgs+=(libvirt0)
command -v socat >/dev/null 2>&1 || need_pkgs+=(socat)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc libc6-dev) # ci/bench.sh builds its C tools
command -v systemd-analyze >/dev/null 2>&1 || need_pkgs+=(systemd)
# the simulated runs' charts (JFreeChart, headless Java2D) need fontconfig and a font
[ -n "$(fc-list 2>/dev/null | head -1)" ] || need_pkgs+=(fontconfig fonts-dejavu-core)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    stage "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "ci/test.sh: missing packages: ${need_pkgs[*]}" >&2
    echo "install them first: sudo apt-get install ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

stage "unit, HAL and acceptance tests: ./mvnw -B verify"
./mvnw -B verify

if [ $fast = 1 ]; then
  exit 0
fi

# the systemd unit (systemd-analyze verify) and the daemon's notifications to a stand-in systemd
stage "ci/systemd-unit.sh"
bash ci/systemd-unit.sh

for script in ci/e2e-*.sh; do
  [ -e "$script" ] || continue
  stage "$script"
  bash "$script"
done

# the performance harness in its tiny form: checks every reply, not the timings
stage "ci/bench.sh --short"
bash ci/bench.sh --short

# the control socket under flood and abuse, tiny form: guests and commands served throughout
stage "ci/control-bench.sh --short"
bash ci/control-bench.sh --short

# the daemon's figures in their tiny form: READY=1 and every channel attached, not the timings
stage "ci/bench-daemon.sh --short"
bash ci/bench-daemon.sh --short
