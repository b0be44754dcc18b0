#!/usr/bin/env bash
# The metrics endpoint scraped by a real Prometheus server (Debian's prometheus package): the
# simulated host (bin/vm-power-mgr --sim --metrics-listen 127.0.0.1:0) serves guest requests from
# bin/guest-vm-power-mgr; Prometheus scrapes it every second; the script asks Prometheus' HTTP API
# for a request counter, a CPU frequency and a VM's energy and fails on a mismatch; promtool checks
# the exposition. Prints PASS/FAIL per check; exits non-zero on any FAIL. Leaves nothing behind.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing prometheus (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
fi
for tool in prometheus promtool curl python3; do
  command -v $tool >/dev/null || { echo "ci/e2e-prometheus.sh: $tool is required (apt-get install prometheus curl python3)" >&2; exit 2; }
done

work="$(mktemp -d -t vmpower-e2e-prom.XXXXXX)"
hp=""
pp=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$pp" ] && kill "$pp" 2>/dev/null
  [ -n "$hp" ] && kill "$hp" 2>/dev/null
  wait 2>/dev/null
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
# the built-in scenario's host and VMs (not its day of load: vm2 stays idle), with vm1's vCPUs
# loaded so that the host attributes energy to it
sed '/^workloads:/,$d; s/^    channels: \[0, 1\]$/    channels: [0, 1]\n    load: [50, 50]/' \
  "$root/hal-sim/src/main/resources/io/vmpower/hal/sim/default-scenario.yaml" > scenario.yaml
! grep -q '^workloads:' scenario.yaml || { echo "cannot drop the scenario's workloads" >&2; exit 1; }
grep -q 'load: \[50, 50\]' scenario.yaml || { echo "cannot add vm1's load to the scenario" >&2; exit 1; }
"$root/bin/vm-power-mgr" --sim scenario.yaml --channel-dir "$work/ch" --metrics-listen 127.0.0.1:0 \
  < hostin > host.out 2> host.err &
hp=$!
exec 3>hostin
for _ in $(seq 1 300); do grep -q "^Metrics: " host.out 2>/dev/null && break; sleep 0.2; done
check "host started with its metrics endpoint" grep -q "^Metrics: http://127.0.0.1:" host.out
target="$(sed -n 's|^Metrics: http://\([0-9.]*:[0-9]*\)/metrics$|\1|p' host.out)"
[ -n "$target" ] || { cat host.out host.err >&2; exit 1; }

# Prometheus on a free loopback port, scraping the host every second
pport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > prometheus.yml <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vmpower
    static_configs:
      - targets: ["$target"]
YML
quiet() { "$@" > /dev/null 2>&1; }
check "promtool accepts the Prometheus configuration" quiet promtool check config prometheus.yml
prometheus --config.file=prometheus.yml --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$pport" > prometheus.log 2>&1 &
pp=$!
api="http://127.0.0.1:$pport"
for _ in $(seq 1 150); do curl -fs "$api/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done
check "Prometheus is ready" curl -fs "$api/-/ready" -o /dev/null

# known guest traffic: one scale-down of vCPU 1 (pCPU 3) and one "min" of vCPU 0 (pCPU 2)
printf 'add_vm vm1\nadd_channels vm1 all\n' >&3
for _ in $(seq 1 50); do grep -q "vm1.1 .*CONNECTED" host.out && break; sleep 0.2; done
port="$work/ch/guests/vm1/virtio.serial.port.poweragent"
printf 'set_cpu_freq 1 down\nset_cpu_freq 0 min\n' |
  "$root/bin/guest-vm-power-mgr" --vm-name vm1 --port-prefix "$port" --lcores 0,1 > guest.out 2> guest.err
check "the guest got two ACKs" [ "$(grep -c 'ACK received for message sent to host.' guest.out)" -eq 2 ]

# ask Prometheus (not the host) until it has scraped the traffic: value of QUERY, or "none"
query() {
  curl -fsG "$api/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'
}
expect() { # name, query, expected value (as Prometheus prints it)
  local got=none
  for _ in $(seq 1 40); do
    got="$(query "$2")"
    [ "$got" = "$3" ] && break
    sleep 0.5
  done
  check "$1: $2 = $3 (Prometheus says $got)" [ "$got" = "$3" ]
}
expect "request counter" 'vmpower_requests_total{vm="vm1",channel="1",outcome="acked"}' 1
expect "requests acked by vm1" 'sum(vmpower_requests_total{vm="vm1",outcome="acked"})' 2
expect "CPU frequency after min" 'vmpower_cpu_scaling_frequency_hertz{cpu="2"}' 1200000000
expect "CPU frequency after down" 'vmpower_cpu_scaling_frequency_hertz{cpu="3"}' 2400000000
expect "the frequency vmpower set" 'vmpower_cpu_set_frequency_hertz{cpu="3"}' 2400000000
expect "build info" 'count(vmpower_build_info)' 1
# the guest CLI also sends a CONNECT per lcore: 4 requests in all, each timed
expect "every request counted" 'sum(vmpower_requests_total{vm="vm1"})' 4
expect "latency histogram" 'vmpower_request_duration_seconds_count' 4
expect "the target is up" 'up{job="vmpower"}' 1
# per-VM energy: the loaded vm1 has joules; vm2 (no load) has none; the package counts
expect "energy attributed to vm1" 'count(vmpower_vm_energy_joules_total{vm="vm1"} > 0)' 1
expect "no energy for an idle VM" 'count(vmpower_vm_energy_joules_total)' 1
expect "package energy" 'count(vmpower_package_energy_joules_total{package="0"} > 0)' 1
expect "attribution never failed" 'vmpower_energy_attribution_failures_total' 0

curl -fs "http://$target/metrics" > exposition.txt
check "promtool check metrics passes on the exposition" quiet promtool check metrics < exposition.txt

printf 'quit\n' >&3
exec 3>&-
wait "$hp"
code=$?
hp=""
check "host exited cleanly" [ $code -eq 0 ]
if [ $fails -gt 0 ]; then
  echo "--- host.out" >&2; tail -20 host.out >&2
  echo "--- host.err" >&2; tail -20 host.err >&2
  echo "--- prometheus.log" >&2; tail -20 prometheus.log >&2
fi
[ $fails -eq 0 ] || { echo "ci/e2e-prometheus.sh: $fails failure(s)" >&2; exit 1; }
echo "ci/e2e-prometheus.sh: all checks passed"
