#!/usr/bin/env bash
# Builds vmpower's Debian package and its tarball from this source tree, into target/dist/:
#   vmpower_DEBVERSION_all.deb   dpkg-deb; DEBVERSION is the build's version with ~ for -
#                                (0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT, which sorts before 0.1.0)
#   vmpower-VERSION.tar.gz       the same files (usr/, etc/, lib/, var/cache/vmpower/) under
#                                vmpower-VERSION/, for other distributions (docs/deployment.md)
#   vmpower.version              VERSION, for ci/image.sh and ci/e2e-package.sh
#   lintian.txt                  what lintian said about the .deb
#
#   ci/package.sh [--no-lintian]
#
# The version is the one the built jar carries (io.vmpower.core.BuildInfo, from the pom). The
# jars are built with Maven first when missing or older than the sources; the man pages are
# turned from the AsciiDoc that the build generates from the command model (cli/target/man) into
# troff by asciidoctor. Needs dpkg-deb, asciidoctor and lintian (installed with apt-get when
# missing and run as root). Exits non-zero when a step fails or lintian reports an error.
# Timestamps come from the last commit (SOURCE_DATE_EPOCH), so a rebuild makes the same files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

lintian=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-lintian) lintian=0 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "ci/package.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

stage() { printf '== %s (%s)\n' "$1" "$(date +%T)" >&2; }
die() { echo "ci/package.sh: $*" >&2; exit 1; }

# ---- tools
need=()
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is required (Debian's dpkg)"
command -v asciidoctor >/dev/null 2>&1 || need+=(asciidoctor)
[ $lintian = 0 ] || command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    stage "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    die "missing: ${need[*]} (sudo apt-get install ${need[*]})"
  fi
fi

# ---- the jars and the man pages' AsciiDoc (bin/vm-power-mgr's staleness rule)
host_jar=cli/target/vm-power-mgr.jar
guest_jar=cli/target/guest-vm-power-mgr.jar
if [ ! -f "$host_jar" ] || [ ! -f "$guest_jar" ] || [ ! -f cli/target/man/vm-power-mgr.adoc ] ||
  [ -n "$(find pom.xml core hal-sim hal-linux guest cli -name target -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
    -newer "$host_jar" -print -quit)" ]; then
  stage "building the jars: ./mvnw -pl cli -am package"
  ./mvnw -q -B -pl cli -am package -DskipTests -Dspotless.check.skip=true >&2
fi
for f in "$host_jar" "$guest_jar" cli/target/man/vm-power-mgr.adoc cli/target/man/guest-vm-power-mgr.adoc; do
  [ -s "$f" ] || die "the build made no $f"
done

version="$(unzip -p "$host_jar" io/vmpower/core/build.properties | sed -n 's/^version=//p' | tr -d '\r')"
[[ $version =~ ^[0-9][0-9A-Za-z.+-]*$ ]] || die "no usable version in $host_jar: '$version'"
guest_version="$(unzip -p "$guest_jar" io/vmpower/core/build.properties | sed -n 's/^version=//p' | tr -d '\r')"
[ "$guest_version" = "$version" ] || die "the jars disagree on the version: $version, $guest_version"
deb_version="${version//-/\~}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
fi
export SOURCE_DATE_EPOCH
stage "vmpower $version (package $deb_version)"

# ---- every library in the jars is named in the copyright file
unzip -Z1 "$host_jar" > /tmp/vmpower-jar-list.$$ && unzip -Z1 "$guest_jar" >> /tmp/vmpower-jar-list.$$
unknown="$(sed -n 's|^META-INF/versions/[0-9]*/||; /module-info\.class$/d; /\.class$/p' /tmp/vmpower-jar-list.$$ |
  awk 'NR == FNR { if ($0 !~ /^#/ && NF >= 2) prefix[$1] = 1; next }
       { ok = 0; for (p in prefix) if (index($0, p "/") == 1) { ok = 1; break }
         if (!ok) { split($0, part, "/"); seen[part[1] "/" part[2]] = 1 } }
       END { for (s in seen) print s }' packaging/deb/bundled-libraries - | sort)"
rm -f /tmp/vmpower-jar-list.$$
[ -z "$unknown" ] || die "the jars hold classes that packaging/deb/bundled-libraries does not name" \
  "(add each library there and its license to packaging/deb/copyright): $(echo $unknown)"
while read -r prefix name; do
  case "$prefix" in '' | '#'*) continue ;; esac
  grep -qF -- "$name" packaging/deb/copyright || die "packaging/deb/copyright does not name $name ($prefix)"
done < packaging/deb/bundled-libraries

# ---- the tree: what the package installs
out="$root/target/dist"
tree="$out/tree"
rm -rf "$out"
mkdir -p "$tree"
install -d -m 0755 "$tree/usr/bin" "$tree/usr/share/vmpower" "$tree/usr/share/man/man1" \
  "$tree/usr/share/doc/vmpower"
install -m 0755 packaging/launchers/vm-power-mgr packaging/launchers/guest-vm-power-mgr "$tree/usr/bin/"
# the service (issue 12's unit) and the configuration it reads, every key commented at its default
install -D -m 0644 packaging/systemd/vmpower.service "$tree/lib/systemd/system/vmpower.service"
install -D -m 0644 packaging/config/vmpower.yaml "$tree/etc/vmpower/vmpower.yaml"
install -m 0644 "$host_jar" "$guest_jar" "$tree/usr/share/vmpower/"

stage "man pages: asciidoctor"
asciidoctor -b manpage -D "$out/man" cli/target/man/vm-power-mgr.adoc cli/target/man/guest-vm-power-mgr.adoc
for page in vm-power-mgr guest-vm-power-mgr; do
  [ -s "$out/man/$page.1" ] || die "asciidoctor made no $page.1"
  gzip -9n < "$out/man/$page.1" > "$tree/usr/share/man/man1/$page.1.gz"
  chmod 0644 "$tree/usr/share/man/man1/$page.1.gz"
done

install -m 0644 packaging/deb/copyright "$tree/usr/share/doc/vmpower/copyright"
install -d -m 0755 "$tree/usr/share/lintian/overrides"
install -m 0644 packaging/deb/lintian-overrides "$tree/usr/share/lintian/overrides/vmpower"
{
  echo "vmpower ($deb_version) unstable; urgency=medium"
  echo
  echo "  * Built from $(git describe --always --dirty 2>/dev/null || echo 'a source tree without git')."
  echo "    See the project's history for what changed."
  echo
  echo " -- $(sed -n 's/^Maintainer: //p' packaging/deb/control.in)  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$tree/usr/share/doc/vmpower/changelog.gz"
chmod 0644 "$tree/usr/share/doc/vmpower/changelog.gz"
find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# ---- the Debian package
stage "Debian package: dpkg-deb"
pkg="$out/pkg"
cp -a "$tree" "$pkg"
install -d -m 0755 "$pkg/DEBIAN"
size="$(du -sk --apparent-size "$tree" | cut -f1)"
sed -e "s/@VERSION@/$deb_version/" -e "s/@INSTALLED_SIZE@/$size/" packaging/deb/control.in \
  > "$pkg/DEBIAN/control"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$pkg/DEBIAN/"
install -m 0644 packaging/deb/triggers "$pkg/DEBIAN/triggers"
if [ -d "$pkg/etc" ]; then
  (cd "$pkg" && find etc -type f | sed 's|^|/|' | sort) > "$pkg/DEBIAN/conffiles"
  chmod 0644 "$pkg/DEBIAN/conffiles"
fi
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
deb="$out/vmpower_${deb_version}_all.deb"
dpkg-deb --root-owner-group -Zgzip -z9 --build "$pkg" "$deb" >/dev/null
rm -rf "$pkg"

# ---- the tarball: the same tree, plus the (empty) cache folder of the launcher's CDS archive
stage "tarball"
top="vmpower-$version"
mkdir -p "$out/tar/$top"
cp -a "$tree/." "$out/tar/$top/"
install -d -m 0755 "$out/tar/$top/var/cache/vmpower"
touch -h -d "@$SOURCE_DATE_EPOCH" "$out/tar/$top/var/cache/vmpower" "$out/tar/$top/var/cache" \
  "$out/tar/$top/var" "$out/tar/$top"
tarball="$out/$top.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$out/tar" -cf - "$top" | gzip -9n > "$tarball"
rm -rf "$out/tar"
echo "$version" > "$out/vmpower.version"

# ---- lintian
if [ $lintian = 1 ]; then
  stage "lintian"
  lintian --info --display-info --tag-display-limit 0 "$deb" > "$out/lintian.txt" 2>&1 || true
  cat "$out/lintian.txt" >&2
  if grep -q '^E: ' "$out/lintian.txt"; then
    die "lintian reports errors (target/dist/lintian.txt)"
  fi
fi

stage "done"
ls -l "$deb" "$tarball"
