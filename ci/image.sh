#!/usr/bin/env bash
# Builds vmpower's container image (packaging/container/Containerfile) from the Debian package
# with Debian's podman (root, vfs storage, chroot isolation: no daemon, no overlay mounts), tags
# it localhost/vmpower:VERSION (the build's version) and runs it: --version must say VERSION and
# a scripted --sim session must work inside it.
#
#   ci/image.sh [--deb FILE --version VERSION] [--base IMAGE] [--rebuild-base] [--save]
#
#   --deb, --version  the package and its version (default: target/dist/, made by ci/package.sh)
#   --base IMAGE      the Debian 12 image to build on (e.g. docker.io/library/debian:bookworm-slim
#                     where a registry is reachable); default: localhost/vmpower-base:bookworm,
#                     made here once with mmdebstrap from Debian's packages (minbase plus the
#                     package's dependencies, so each build installs only the package) and kept
#                     in this script's podman store for the next builds
#   --rebuild-base    make that base again (e.g. for Debian's security updates)
#   --save            also write target/dist/vmpower-image-VERSION.tar (podman save, OCI archive)
#
# Images live in a podman store of this script's own (/var/tmp/vmpower-podman), apart from any
# other podman use on the machine. Exit status: 0 built and checked; 3 this machine cannot build
# images (not root, podman/mmdebstrap not installable, or podman cannot work here), with a line
# 'SKIP-REASON: ...'; anything else: the image failed to build or to run.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

deb=""
version=""
base=""
rebuild_base=0
save=0
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="$2"; shift ;;
    --version) version="$2"; shift ;;
    --base) base="$2"; shift ;;
    --rebuild-base) rebuild_base=1 ;;
    --save) save=1 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "ci/image.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

stage() { printf '== %s (%s)\n' "$1" "$(date +%T)"; }
skip() { echo "SKIP-REASON: $*"; exit 3; }
die() { echo "ci/image.sh: $*" >&2; exit 1; }
started=$(date +%s)

if [ -z "$deb" ]; then
  [ -s "$root/target/dist/vmpower.version" ] || die "no target/dist/vmpower.version: run ci/package.sh first"
  version="$(cat "$root/target/dist/vmpower.version")"
  deb="$root/target/dist/vmpower_${version//-/\~}_all.deb"
fi
[ -n "$version" ] || die "--deb needs --version"
[ -s "$deb" ] || die "no package at $deb"

# ---- can this machine build images?
[ "$(id -u)" = 0 ] || skip "not root: podman with the vfs driver and chroot isolation runs as root here"
need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
[ -n "$base" ] || command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
if [ ${#need[@]} -gt 0 ]; then
  stage "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
    skip "cannot install ${need[*]} with apt-get"
fi

store=/var/tmp/vmpower-podman
pm() { podman --root "$store/storage" --runroot "$store/run" --storage-driver vfs "$@"; }
pm info > /tmp/vmpower-podman-info.$$ 2>&1 ||
  skip "podman cannot work on this machine: $(tail -1 /tmp/vmpower-podman-info.$$)"
rm -f /tmp/vmpower-podman-info.$$
# crun cannot run containers on this kind of machine (cgroups v1 in hybrid mode), runc can; the
# container's limits must stay under this shell's hard limits, which podman's defaults exceed
run_opts=(--runtime runc --network none --ulimit "nofile=4096:4096" --ulimit "nproc=4096:4096")

# ---- the base
if [ -z "$base" ]; then
  base=localhost/vmpower-base:bookworm
  if [ $rebuild_base = 1 ] || ! pm image exists "$base"; then
    stage "the base image: mmdebstrap bookworm minbase + $(dpkg-deb -f "$deb" Depends)"
    tmp="$(mktemp -d /var/tmp/vmpower-base.XXXXXX)"
    # the package's dependencies: the first of each choice (default-jre-headless, ...)
    deps="$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' | paste -sd, -)"
    # the machine's apt cache is lent to mmdebstrap, so packages it already has are not fetched
    if ! mmdebstrap --variant=minbase --include="$deps" --skip=download/empty --skip=essential/unlink \
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives && mount --bind /var/cache/apt/archives "$1"/var/cache/apt/archives' \
      --customize-hook='umount "$1"/var/cache/apt/archives' \
      bookworm "$tmp/base.tar" \
      "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" \
      "deb http://deb.debian.org/debian-security bookworm-security main" > "$tmp/mmdebstrap.log" 2>&1; then
      tail -20 "$tmp/mmdebstrap.log"
      rm -rf "$tmp"
      die "mmdebstrap could not make the base"
    fi
    pm import --change 'CMD ["/bin/bash"]' "$tmp/base.tar" "$base" >/dev/null || { rm -rf "$tmp"; die "podman import failed"; }
    rm -rf "$tmp"
  fi
fi

# ---- the image
image="localhost/vmpower:$version"
stage "podman build $image on $base"
ctx="$(mktemp -d /var/tmp/vmpower-image.XXXXXX)"
trap 'rm -rf "$ctx"' EXIT
cp "$deb" "$ctx/"
previous="$(pm image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
# --layers=false: one commit for the whole build (each layer is a full copy with the vfs driver)
if ! pm build --layers=false --isolation chroot --network host -f "$root/packaging/container/Containerfile" \
  --build-arg BASE="$base" --build-arg VERSION="$version" --build-arg DEB="$(basename "$deb")" \
  -t "$image" "$ctx"; then
  die "podman build failed"
fi
if [ -n "$previous" ] && [ "$previous" != "$(pm image inspect --format '{{.Id}}' "$image")" ]; then
  pm rmi "$previous" >/dev/null 2>&1 || true
fi
pm image prune -f >/dev/null 2>&1 || true
size="$(pm image inspect --format '{{.Size}}' "$image")"

# ---- run it
fails=0
check() {
  local name="$1"; shift
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
stage "podman run $image"
# one container for every check: with the vfs driver each container is a copy of the image
cat > "$ctx/checks.sh" <<'CHECKS'
echo "version: $(vm-power-mgr --version 2>&1)"
printf '%s\n' 'add_vm vm1' 'add_channels vm1 all' 'set_cpu_freq 3 down' 'show_cpu_freq 3' quit |
  vm-power-mgr --sim 2>&1 | sed 's/^/sim: /'
echo "cds: $(VMPOWER_JAVA_OPTS=-Xlog:class+load vm-power-mgr --version | grep -c 'shared objects file (top)')"
CHECKS
# read-only, as the DaemonSet runs it: the CDS archive postinst made must be used as it is
pm run --rm -i "${run_opts[@]}" --read-only --tmpfs /tmp --entrypoint /bin/sh "$image" -s \
  < "$ctx/checks.sh" > "$ctx/run.out" 2>&1
out="$(sed -n 's/^version: //p' "$ctx/run.out")"
check "the image says its tag's version ($out)" test "$out" = "vmpower $version"
check "the image's label says it too" \
  test "$(pm image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image")" = "$version"
check "a scripted --sim session runs in the image" grep -q "^sim: Core 3 frequency: 2400000" "$ctx/run.out"
used="$(sed -n 's/^cds: //p' "$ctx/run.out")"
check "the image starts from the CDS archive postinst made in it, read-only (${used:-no} classes)" test "${used:-0}" -gt 100
check "the entrypoint is the host program" \
  test "$(pm image inspect --format '{{json .Config.Entrypoint}}' "$image")" = '["/usr/bin/vm-power-mgr"]'
[ $fails -eq 0 ] || cat "$ctx/run.out"

if [ $save = 1 ]; then
  stage "podman save"
  pm save --format oci-archive -o "$root/target/dist/vmpower-image-$version.tar" "$image" || die "podman save failed"
fi
echo "image $image: $((size / 1024 / 1024)) MiB, made in $(($(date +%s) - started)) s"
[ $fails -eq 0 ]
