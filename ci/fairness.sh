#!/usr/bin/env bash
# Fairness figures: a quiet guest (one scale request at a time) while 0, 1 or 3 guests flood their
# channels at full speed, over real AF_UNIX sockets (features' Fairness/FairnessTest).
#   ci/fairness.sh [SECONDS_PER_PHASE]     (default 10)
# Prints a Markdown table (served rate, p50/p99/max latency of the quiet guest, flooders' rate).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
case "$seconds" in
  ''|*[!0-9]*) echo "usage: ci/fairness.sh [SECONDS_PER_PHASE]" >&2; exit 2 ;;
esac
report="$(mktemp -t vmpower-fairness.XXXXXX)"
trap 'rm -f "$report"' EXIT
./mvnw -q -B -pl features -am verify -Dtest=FairnessTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvmpower.fairness.millis="$((seconds * 1000))" -Dvmpower.report="$report" >/dev/null
echo "Fairness, $seconds s per phase ($(nproc) CPUs, $(date -u +%FT%TZ)):"
cat "$report"
