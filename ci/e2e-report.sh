#!/usr/bin/env bash
# The report of an accelerated run, opened in a real headless browser (Debian's chromium):
# bin/vm-power-mgr --sim --run 24h --report DIR (the default scenario, all four strategies), then
#  - the page loads without a console error or a failed load (chromium --enable-logging=stderr),
#  - every chart is drawn: report.html#chart-ID shows that chart alone; each is screenshotted and
#    the PNG checked non-blank (ci/report/PngCheck.java), and so is the whole page,
#  - the totals the rendered page shows (chromium --dump-dom) equal totals.csv, and the series in
#    series.csv add up to them.
# Installs chromium (apt-get, as root) when missing. Prints PASS/FAIL per check; exits non-zero on
# any FAIL. Leaves nothing behind (VMPOWER_REPORT_KEEP=DIR keeps the report there).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
fi
for tool in chromium java python3; do
  command -v $tool >/dev/null || { echo "ci/e2e-report.sh: $tool is required (apt-get install chromium python3)" >&2; exit 2; }
done

work="$(mktemp -d -t vmpower-e2e-report.XXXXXX)"
cleanup() {
  if [ -n "${VMPOWER_REPORT_KEEP:-}" ]; then
    rm -rf "$VMPOWER_REPORT_KEEP" && cp -r "$work/report" "$VMPOWER_REPORT_KEEP"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

report="$work/report"
start=$(date +%s)
"$root/bin/vm-power-mgr" --sim --run 24h --report "$report" --seed 1 > "$work/run.out" 2> "$work/run.err"
rc=$?
cat "$work/run.out"
check "the run wrote its report (exit $rc, $(( $(date +%s) - start )) s)" test "$rc" = 0 -a -f "$report/report.html"
[ -f "$report/report.html" ] || { cat "$work/run.err" >&2; exit 1; }

browse() { # output-flag URL: one chromium, fresh profile, logs to $work/chromium.log
  local profile
  profile="$(mktemp -d -p "$work" profile.XXXXXX)"
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --hide-scrollbars "$@" 2>> "$work/chromium.log"
}

# the whole page, its DOM after load, and its console
url="file://$report/report.html"
browse --window-size=1100,1400 --screenshot="$work/page.png" "$url" > /dev/null
browse --dump-dom "$url" > "$work/dom.html"
check "the page loaded (DOM dumped)" grep -q 'id="totals"' "$work/dom.html"
console="$(grep -E 'CONSOLE|Failed to load resource|Uncaught|net::ERR_' "$work/chromium.log" || true)"
check "no console error or failed load" test -z "$console"
[ -z "$console" ] || echo "$console" | head -5

# every chart, alone (report.html#chart-ID), screenshotted and checked non-blank
charts="$(grep -o '<figure id="chart-[^"]*"' "$work/dom.html" | sed 's/.*id="chart-\(.*\)"/\1/')"
check "the report has its charts ($(echo $charts | wc -w))" test "$(echo $charts | wc -w)" -ge 8
shots=("$work/page.png")
for c in $charts; do
  browse --window-size=1000,520 --screenshot="$work/chart-$c.png" "$url#chart-$c" > /dev/null
  shots+=("$work/chart-$c.png")
done
check "every chart and the page drawn (non-blank screenshots)" java "$root/ci/report/PngCheck.java" "${shots[@]}"

# the totals shown are the CSV's; the series add up to them
check "the totals shown equal totals.csv and the series add up" python3 - "$work/dom.html" "$report/totals.csv" "$report/series.csv" <<'PY'
import csv, html.parser, sys
class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.rows = {}; self.row = None; self.col = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-strategy" in a:
            self.row = self.rows.setdefault(a["data-strategy"], {})
        elif tag == "td" and self.row is not None:
            self.col = a["data-column"]; self.row[self.col] = ""
    def handle_endtag(self, tag):
        if tag == "td": self.col = None
    def handle_data(self, data):
        if self.col: self.row[self.col] += data
shown = Cells(); shown.feed(open(sys.argv[1]).read())
ok = True
totals = list(csv.DictReader(open(sys.argv[2])))
for t in totals:
    page = shown.rows.get(t["strategy"])
    if page is None:
        print("  the page shows no row for", t["strategy"]); ok = False; continue
    for k, v in t.items():
        if page.get(k, "").strip() != v:
            print(f"  {t['strategy']} {k}: page {page.get(k)!r}, csv {v!r}"); ok = False
    print(f"  {t['strategy']:12} energy {float(t['energy_joules'])/1000:8.1f} kJ"
          f"  unserved {float(t['unserved_core_seconds']):9.1f} core-s ({t['unserved_percent']} %)"
          f"  power requests answered {t['power_requests_answered']}")
sums = {}
for r in csv.DictReader(open(sys.argv[3])):
    s = sums.setdefault(r["strategy"], [0.0, 0.0])
    s[0] += float(r["energy_joules"]); s[1] += float(r["unserved_core_seconds"])
for t in totals:
    e, u = sums[t["strategy"]]
    n = sum(1 for _ in open(sys.argv[3]))
    if abs(e - float(t["energy_joules"])) > 0.1 + 0.0001 * n or abs(u - float(t["unserved_core_seconds"])) > 0.1 + 0.0001 * n:
        print(f"  {t['strategy']}: series add up to {e:.1f} J, {u:.1f} core-s; totals say {t['energy_joules']}, {t['unserved_core_seconds']}")
        ok = False
sys.exit(0 if ok and len(totals) == 4 else 1)
PY

echo "ci/e2e-report.sh: $fails failure(s) in $(( $(date +%s) - start )) s"
[ "$fails" = 0 ]
