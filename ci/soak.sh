#!/usr/bin/env bash
# Soak of the host over real AF_UNIX sockets (features' Soak/SoakTest): 8 VMs x 8 channels with a
# guest on each sending mixed valid/invalid requests, QEMU dropping channels and restarting VMs,
# an operator running CLI commands in parallel; at each checkpoint (every 2 s) the counters are
# checked against what the guests sent (exactly where nothing was dropped). Not run by ci/test.sh;
# the normal build runs 20 seconds of it.
#   ci/soak.sh [--minutes N] [--seed S]     (default 10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:-}"; shift 2 ;;
    --seed) seed="${2:-}"; shift 2 ;;
    *) echo "usage: ci/soak.sh [--minutes N] [--seed S]" >&2; exit 2 ;;
  esac
done
case "$minutes" in
  ''|*[!0-9]*|0) echo "ci/soak.sh: --minutes takes a whole number of minutes, 1 or more" >&2; exit 2 ;;
esac
report="$(mktemp -t vmpower-soak.XXXXXX)"
log="$(mktemp -t vmpower-soak-log.XXXXXX)"
trap 'rm -f "$report" "$log"' EXIT
args=(-Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false
  -Dvmpower.soak.seconds="$((minutes * 60))" -Dvmpower.report="$report")
[ -n "$seed" ] && args+=(-Dvmpower.soak.seed="$seed")
echo "soak: $minutes minute(s), started $(date -u +%FT%TZ) on $(nproc) CPUs"
status=0
./mvnw -q -B -pl features -am verify "${args[@]}" >"$log" 2>&1 || status=$?
if [ -s "$report" ]; then
  cat "$report"
else
  tail -50 "$log"
fi
[ $status -eq 0 ] && echo "soak: PASS" || echo "soak: FAIL (maven exit $status)"
exit $status
