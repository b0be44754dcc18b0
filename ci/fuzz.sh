#!/usr/bin/env bash
# Fuzz campaign against the running monitor over real AF_UNIX sockets (features' FuzzCampaign):
# attacks on vm1 channel 0 while good guests on vm1.1 and vm2.0 keep scaling and checking.
# Prints the table: reply seen, counters moved (show_stats), log lines an operator sees.
#   ci/fuzz.sh [--scale N]      (default 10: floods and bursts N times the normal build's)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=10
if [ "${1:-}" = "--scale" ]; then scale="${2:-}"; fi
case "$scale" in
  ''|*[!0-9]*|0) echo "usage: ci/fuzz.sh [--scale N]" >&2; exit 2 ;;
esac
report="$(mktemp -t vmpower-fuzz.XXXXXX)"
log="$(mktemp -t vmpower-fuzz-log.XXXXXX)"
trap 'rm -f "$report" "$log"' EXIT
status=0
./mvnw -q -B -pl features -am verify -Dtest=FuzzCampaignTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvmpower.fuzz.scale="$scale" -Dvmpower.report="$report" >"$log" 2>&1 || status=$?
if [ -s "$report" ]; then cat "$report"; else tail -50 "$log"; fi
[ $status -eq 0 ] && echo "fuzz: PASS" || { tail -40 "$log"; echo "fuzz: FAIL (maven exit $status)"; }
exit $status
