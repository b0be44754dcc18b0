#!/usr/bin/env bash
# The Debian package and the tarball, installed and used as an operator would, on this machine:
#   1. ci/package.sh builds target/dist/ (lintian must report no error);
#   2. dpkg -i installs the package (its dependencies first, with apt-get satisfy, when missing);
#   3. from the installed files only, with this checkout hidden (a tmpfs over it in a mount
#      namespace of its own, another working folder, PATH and HOME of a bare system):
#      vm-power-mgr --version and guest-vm-power-mgr --version say the build's version;
#      vm-power-mgr --sim runs a script of commands; the installed guest CLI gets an ACK from it;
#      the manual pages render; the class-data sharing archive of /var/cache/vmpower is used;
#   4. dpkg -r, then dpkg --purge: every file the package listed is gone, no folder it made is
#      left, the vmpower group is gone, /etc/vmpower and /var/cache/vmpower are gone;
#   5. the tarball, unpacked in a folder of its own, runs the same way (checkout hidden too);
#   6. ci/image.sh builds the container image from the package and runs it (or says why it
#      cannot on this machine, and only that step is skipped).
# Needs root (dpkg -i, a mount namespace). Prints PASS/FAIL per check and a timing; exits
# non-zero on any FAIL. Leaves the machine as it found it (a vmpower package left installed by
# an interrupted run is purged first).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
started=$(date +%s)

if [ "$(id -u)" != 0 ]; then
  echo "ci/e2e-package.sh: needs root (dpkg -i, and a mount namespace to hide the checkout)" >&2
  exit 1
fi

work="$(mktemp -d /tmp/vmpower-e2e-package.XXXXXX)"
chmod 0755 "$work"
cleanup() {
  if dpkg-query -W -f='${Status}' vmpower 2>/dev/null | grep -q 'installed\|config-files'; then
    dpkg --purge vmpower >/dev/null 2>&1
  fi
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
fails=0
passes=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; passes=$((passes + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
stage() { printf '== %s (%s)\n' "$1" "$(date +%T)"; }

# runs "$@" (a script in $work) with this checkout hidden, from $work/cwd, in a bare environment
isolated() {
  rm -rf "$work/cwd"
  mkdir -p "$work/cwd" "$work/home"
  unshare -m --propagation private bash -c '
    mount -t tmpfs -o size=1m vmpower-hidden-checkout "$1" || exit 99
    cd "$2/cwd" || exit 99
    shift 2
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="'"$work"'/home" LANG=C.UTF-8 "$@"
  ' isolated "$root" "$work" "$@"
}

# ---- 1. build
stage "ci/package.sh"
if ! bash "$root/ci/package.sh" > "$work/package.out" 2>&1; then
  cat "$work/package.out"
  echo "FAIL: ci/package.sh"
  exit 1
fi
check "lintian reports no error" bash -c "! grep -q '^E: ' '$root/target/dist/lintian.txt'"
version="$(cat "$root/target/dist/vmpower.version")"
deb_version="${version//-/\~}"
deb="$root/target/dist/vmpower_${deb_version}_all.deb"
tarball="$root/target/dist/vmpower-$version.tar.gz"
check "the package and the tarball are there" test -s "$deb" -a -s "$tarball"
cp "$deb" "$tarball" "$work/"
deb="$work/$(basename "$deb")"
tarball="$work/$(basename "$tarball")"
pkg_size=$(stat -c %s "$deb")
tar_size=$(stat -c %s "$tarball")

# ---- the checks run from the installed files (written here, run with the checkout hidden)
cat > "$work/installed-checks.sh" <<'CHECKS'
#!/bin/bash
# installed-checks.sh BIN_DIR VERSION: the programs of BIN_DIR, with no source tree around
set -uo pipefail
bin="$1"
version="$2"
fails=0
check() {
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
check "the checkout is hidden" test ! -e "$CHECKOUT/pom.xml"
check "vm-power-mgr --version says the build's version" \
  test "$("$bin/vm-power-mgr" --version 2>&1)" = "vmpower $version"
check "guest-vm-power-mgr --version says the build's version" \
  test "$("$bin/guest-vm-power-mgr" --version 2>&1)" = "vmpower $version"

# a scripted session on the simulated host
printf '%s\n' 'add_vm vm1' 'add_channels vm1 all' 'show_vm vm1' 'set_cpu_freq 3 down' \
  'show_cpu_freq 3' 'rm_channels vm1 all' 'rm_vm vm1' quit > session.txt
"$bin/vm-power-mgr" --sim < session.txt > sim.out 2> sim.err
code=$?
check "vm-power-mgr --sim runs a script of commands (exit 0)" test $code -eq 0
check "  add_vm" grep -q "^VM 'vm1' added: 2 vCPU(s), ACTIVE" sim.out
check "  add_channels" grep -q "^Channel vm1.1 (.*): added, CONNECTED" sim.out
check "  set_cpu_freq" grep -q "^Core 3: 2600000 -> 2400000 kHz" sim.out
check "  show_cpu_freq" grep -q "^Core 3 frequency: 2400000" sim.out
check "  rm_vm" grep -q "^VM 'vm1' removed" sim.out
[ $fails -eq 0 ] || { cat sim.out sim.err; }

# the installed guest CLI against the installed host on the simulated host
mkfifo hostin
port=$((20000 + RANDOM % 20000))
"$bin/vm-power-mgr" --sim --channel-dir "$PWD/ch" --metrics-listen "127.0.0.1:$port" \
  < hostin > host.out 2> host.err &
hp=$!
exec 3> hostin
for _ in $(seq 1 300); do grep -q "Point the guest" host.out 2>/dev/null && break; sleep 0.1; done
echo 'add_vm vm1' >&3
echo 'add_channels vm1 all' >&3
for _ in $(seq 1 100); do grep -q "vm1.1 .*CONNECTED" host.out 2>/dev/null && break; sleep 0.1; done
prefix="$(sed -n 's/.*--port-prefix \([^ ]*\).*/\1/p' host.out | head -1)"
printf 'set_cpu_freq 1 down\n' | "$bin/guest-vm-power-mgr" --vm-name vm1 --lcores 1 \
  --port-prefix "$prefix" > guest.out 2> guest.err
check "guest-vm-power-mgr gets an ACK from vm-power-mgr --sim" \
  grep -q "ACK received for message sent to host" guest.out
# the metrics endpoint says the same version (bash's /dev/tcp: no HTTP client needed)
metrics=""
if exec 4<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
  metrics="$(timeout 10 cat <&4)"
  exec 4>&-
fi
check "the metrics endpoint says the version: vmpower_build_info{version=\"$version\"} 1" \
  grep -q "^vmpower_build_info{version=\"$version\"} 1" <<< "$metrics"
echo 'show_cpu_freq 3' >&3
echo quit >&3
exec 3>&-
wait "$hp"
check "  the host saw it (vCPU 1 is pCPU 3: one step down) and quit cleanly" \
  grep -q "^Core 3 frequency: 2400000" host.out
[ $fails -eq 0 ] || { cat host.out host.err guest.out guest.err; }

# the archive of the class-data sharing cache is used
used=$(VMPOWER_JAVA_OPTS=-Xlog:class+load "$bin/vm-power-mgr" --version | grep -c "shared objects file (top)")
check "vm-power-mgr starts from the class-data sharing archive ($used classes from it)" \
  test "$used" -gt 100

# the service's command with the configuration the package ships, on a simulated host: it starts,
# says it is ready, and stops cleanly on SIGTERM
if [ -f "$CONFIG" ]; then
  "$bin/vm-power-mgr" --daemon --config "$CONFIG" --sim --state-file "$PWD/state.properties" \
    --control-socket "$PWD/control.sock" \
    > daemon.out 2> daemon.err &
  dp=$!
  for _ in $(seq 1 300); do grep -qi "ready\|serving" daemon.err daemon.out 2>/dev/null && break; sleep 0.1; done
  kill -TERM "$dp"
  wait "$dp"
  code=$?
  check "vm-power-mgr --daemon runs with the shipped $CONFIG and stops on SIGTERM (exit $code)" \
    test $code -eq 143 -o $code -eq 0
  [ $fails -eq 0 ] || cat daemon.out daemon.err
fi
exit $fails
CHECKS
chmod 0755 "$work/installed-checks.sh"
run_installed_checks() { # BIN_DIR CONFIG_FILE
  local out="$work/checks.out"
  isolated env CHECKOUT="$root" CONFIG="$2" "$work/installed-checks.sh" "$1" "$version" > "$out" 2>&1
  local code=$?
  cat "$out"
  passes=$((passes + $(grep -c '^PASS' "$out")))
  fails=$((fails + $(grep -c '^FAIL' "$out")))
  [ $code -eq 0 ] || [ "$(grep -c '^FAIL' "$out")" -gt 0 ] ||
    { echo "FAIL: the installed checks ended with $code"; fails=$((fails + 1)); }
}

# ---- 2. install
stage "dpkg -i"
if dpkg-query -W -f='${Status}' vmpower 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "a vmpower package is on this machine (an interrupted run?): purging it first"
  dpkg --purge vmpower >/dev/null
fi
depends="$(dpkg-deb -f "$deb" Depends)"
if ! apt-get satisfy -qq -s "$depends" 2>/dev/null | grep -q '^Inst '; then
  :
else
  echo "installing what the package depends on: $depends"
  DEBIAN_FRONTEND=noninteractive apt-get satisfy -y -qq --no-install-recommends "$depends" >/dev/null
fi
listed="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$\|^/$')"
existed=()
for p in $listed; do [ -e "$p" ] && existed+=("$p"); done
had_group=$(getent group vmpower >/dev/null && echo yes || echo no)
check "no vmpower group before the install" test "$had_group" = no
t0=$(date +%s%N)
dpkg -i "$deb" > "$work/dpkg-i.out" 2>&1
code=$?
install_ms=$((($(date +%s%N) - t0) / 1000000))
check "dpkg -i (${install_ms} ms)" test $code -eq 0
[ $code -eq 0 ] || cat "$work/dpkg-i.out"
check "dpkg says it is installed, at $deb_version" \
  test "$(dpkg-query -W -f='${Status} ${Version}' vmpower)" = "install ok installed $deb_version"
check "the vmpower group exists" bash -c 'getent group vmpower >/dev/null'
check "/usr/bin/vm-power-mgr and /usr/bin/guest-vm-power-mgr" \
  test -x /usr/bin/vm-power-mgr -a -x /usr/bin/guest-vm-power-mgr
check "the jars in /usr/share/vmpower" \
  test -s /usr/share/vmpower/vm-power-mgr.jar -a -s /usr/share/vmpower/guest-vm-power-mgr.jar
check "postinst made the class-data sharing archive in /var/cache/vmpower" \
  bash -c 'ls /var/cache/vmpower/vm-power-mgr-*.jsa >/dev/null 2>&1'
check "the unit is installed, and not enabled: nobody asked" bash -c '
  test -f /lib/systemd/system/vmpower.service &&
  ! ls /etc/systemd/system/*.wants/vmpower.service >/dev/null 2>&1 &&
  ! deb-systemd-helper --quiet is-enabled vmpower.service'
check "/etc/vmpower/vmpower.yaml is a conffile" \
  bash -c "dpkg-query -W -f='\${Conffiles}' vmpower | grep -q '^ /etc/vmpower/vmpower.yaml '"
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify /lib/systemd/system/vmpower.service > "$work/verify.out" 2>&1
  check "systemd-analyze verify accepts the installed unit (the real /usr/bin/vm-power-mgr)" \
    bash -c "[ \$(grep -c . '$work/verify.out') -eq 0 ]"
  [ -s "$work/verify.out" ] && cat "$work/verify.out"
fi
dpkg -L vmpower > "$work/dpkg-L.txt"

# ---- 3. the installed programs, with the checkout hidden
stage "the installed programs, with no source tree"
run_installed_checks /usr/bin /etc/vmpower/vmpower.yaml
if command -v man >/dev/null 2>&1; then
  check "man -w finds vm-power-mgr(1)" test "$(man -w vm-power-mgr 2>/dev/null)" = /usr/share/man/man1/vm-power-mgr.1.gz
  MANWIDTH=100 man vm-power-mgr > "$work/man-host.txt" 2>/dev/null
  MANWIDTH=100 man guest-vm-power-mgr > "$work/man-guest.txt" 2>/dev/null
  check "vm-power-mgr(1) shows the options, every vm_power> command and the version" bash -c "
    grep -q -- '--channel-dir=DIR' '$work/man-host.txt' &&
    grep -q '^   add_channels' '$work/man-host.txt' && grep -q '^   show_stats' '$work/man-host.txt' &&
    grep -q 'add_channels VM LIST|all' '$work/man-host.txt' && grep -q 'vmpower $version' '$work/man-host.txt'"
  check "guest-vm-power-mgr(1) shows the options and the vm_power(guest)> commands" bash -c "
    grep -q -- '--port-prefix=PATH' '$work/man-guest.txt' &&
    grep -q '^   query_cpu_caps' '$work/man-guest.txt'"
else
  check "the man pages are there" test -s /usr/share/man/man1/vm-power-mgr.1.gz
fi

# ---- 4. remove, then purge: nothing left
stage "dpkg -r, dpkg --purge"
dpkg -r vmpower > "$work/dpkg-r.out" 2>&1
check "dpkg -r" test $? -eq 0
check "  the programs and jars are gone" \
  test ! -e /usr/bin/vm-power-mgr -a ! -e /usr/share/vmpower -a ! -e /var/cache/vmpower
check "  dpkg -r leaves no warning about folders it could not remove" \
  bash -c "! grep -q 'not empty' '$work/dpkg-r.out'"
check "  the configuration stays until purge" test -f /etc/vmpower/vmpower.yaml
dpkg --purge vmpower > "$work/dpkg-purge.out" 2>&1
check "dpkg --purge" test $? -eq 0
check "  dpkg knows no vmpower any more" bash -c '! dpkg-query -W vmpower >/dev/null 2>&1'
left=()
while read -r p; do
  [ -z "$p" ] || [ "$p" = /. ] && continue
  keep=0
  for e in "${existed[@]}"; do [ "$e" = "$p" ] && keep=1 && break; done
  if [ $keep = 0 ] && [ -e "$p" -o -L "$p" ]; then left+=("$p"); fi
done < "$work/dpkg-L.txt"
check "  every file and folder the package made is gone ($(wc -l < "$work/dpkg-L.txt") paths)" \
  test ${#left[@]} -eq 0
[ ${#left[@]} -eq 0 ] || printf '    left: %s\n' "${left[@]}"
check "  the vmpower group is gone" bash -c '! getent group vmpower'
check "  /etc/vmpower, /var/cache/vmpower and /run/vmpower are gone" \
  test ! -e /etc/vmpower -a ! -e /var/cache/vmpower -a ! -e /run/vmpower
check "  no maintainer script state is left" \
  bash -c '! ls /var/lib/dpkg/info/vmpower.* /var/lib/systemd/deb-systemd-helper-*/*vmpower* /etc/systemd/system/*vmpower* /etc/systemd/system/*/*vmpower* 2>/dev/null | grep -q .'

# ---- 4b. enabled on request, kept on upgrade, gone on purge
stage "VMPOWER_ENABLE_SERVICE=1 dpkg -i, dpkg -i again, dpkg --purge"
VMPOWER_ENABLE_SERVICE=1 dpkg -i "$deb" > "$work/dpkg-i2.out" 2>&1
check "VMPOWER_ENABLE_SERVICE=1 dpkg -i enables the unit" \
  test -L /etc/systemd/system/multi-user.target.wants/vmpower.service
dpkg -i "$deb" > "$work/dpkg-i3.out" 2>&1
check "  an upgrade (dpkg -i again, without the variable) keeps it enabled" \
  test -L /etc/systemd/system/multi-user.target.wants/vmpower.service
dpkg --purge vmpower > "$work/dpkg-purge2.out" 2>&1
check "  dpkg --purge removes the enablement and every trace of the unit" bash -c '
  ! ls /etc/systemd/system/*.wants/vmpower.service /etc/systemd/system/vmpower.service \
    /var/lib/systemd/deb-systemd-helper-*/*vmpower* 2>/dev/null | grep -q . &&
  ! getent group vmpower >/dev/null && test ! -e /etc/vmpower'

# ---- 5. the tarball
stage "the tarball"
mkdir -p "$work/opt"
tar -xzf "$tarball" -C "$work/opt"
top="$work/opt/vmpower-$version"
check "the tarball has the package's layout" \
  test -x "$top/usr/bin/vm-power-mgr" -a -s "$top/usr/share/vmpower/vm-power-mgr.jar" \
    -a -s "$top/usr/share/man/man1/vm-power-mgr.1.gz" -a -d "$top/var/cache/vmpower"
run_installed_checks "$top/usr/bin" "$top/etc/vmpower/vmpower.yaml"
check "  its launcher made the archive in its own var/cache/vmpower" \
  bash -c "ls '$top'/var/cache/vmpower/vm-power-mgr-*.jsa >/dev/null 2>&1"

# ---- Prometheus' configuration for a fleet (packaging/prometheus/prometheus.yml)
stage "promtool check config"
if ! command -v promtool >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
fi
mkdir -p "$work/prometheus"
cp "$root"/packaging/prometheus/*.yml "$work/prometheus/"
if ! promtool check config "$work/prometheus/prometheus.yml" > "$work/promtool.out" 2>&1 &&
  grep -q 'field kubernetes_sd_configs not found' "$work/promtool.out"; then
  # Debian's Prometheus is built without Kubernetes discovery: check the rest (features'
  # PrometheusScrapeConfigTest applies the Kubernetes job's relabelling to the DaemonSet's pods)
  echo "(this promtool has no Kubernetes discovery: checking the file without the vmpower-kubernetes job)"
  awk '/^  - job_name: / { skip = ($3 == "vmpower-kubernetes") } !skip' \
    "$root/packaging/prometheus/prometheus.yml" > "$work/prometheus/prometheus.yml"
fi
check "promtool accepts packaging/prometheus/prometheus.yml" \
  promtool check config "$work/prometheus/prometheus.yml"

# ---- 6. the container image
stage "ci/image.sh"
if [ -x "$root/ci/image.sh" ]; then
  bash "$root/ci/image.sh" --deb "$deb" --version "$version" > "$work/image.out" 2>&1
  code=$?
  cat "$work/image.out"
  case $code in
    0) check "the container image is built and runs" true ;;
    3) echo "SKIP: the container image: $(grep '^SKIP-REASON: ' "$work/image.out" | cut -d' ' -f2-)" ;;
    *) check "the container image is built and runs (ci/image.sh exit $code)" false ;;
  esac
fi

elapsed=$(($(date +%s) - started))
echo "figures: package $((pkg_size / 1024)) KiB, tarball $((tar_size / 1024)) KiB, dpkg -i ${install_ms} ms, this script ${elapsed} s"
echo "e2e-package: $passes passed, $fails failed"
[ $fails -eq 0 ]
