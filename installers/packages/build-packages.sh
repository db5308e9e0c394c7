#!/usr/bin/env bash
# Builds the collector and server packages (.deb and .rpm with systemd units) from collector/target and server/target.
# Maven runs it under -Pinstallers (installers/packages/pom.xml); docs/INSTALL.md describes the packages.
#
#   build-packages.sh version --project-version V [--installer-version=N] [--installer-release=R]
#       prints the Debian version N-R. The rule of every installer (the console's too, installers/console/pom.xml): N is
#       the project version without its qualifier, R is 0.<qualifier> for a qualified version, else 1 (3.5.0-SNAPSHOT ->
#       3.5.0-0.SNAPSHOT, which dpkg and rpm both sort before the release 3.5.0-1); rpm: Version N, Release R
#   build-packages.sh stage   --project-version V [--installer-version=N] [--installer-release=R] --work DIR
#       lays out each package's tree under DIR/<package>/root (files, DEBIAN/ control files, the rpm spec in
#       DIR/<package>/<package>.spec) without the Java runtime: what the tests inspect
#   build-packages.sh build   --project-version V [--installer-version=N] [--installer-release=R] --work DIR --out DIR
#       stage, then a jlink runtime per package (installers/images/<module>/modules.txt), dpkg-deb, rpmbuild, and
#       SHA256SUMS over every artefact in --out
#
# Each package: /opt/<package>/{runtime/,<package>.jar,lib/}, /usr/bin/<package>, /etc/pganalytics/<module>.yaml
# (a configuration file: deb conffiles, rpm %config(noreplace)), /usr/lib/systemd/system/<package>.service,
# /usr/share/doc/<package>/; the account and /var/lib/<package> (0700) are made by the maintainer scripts.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PACKAGING="$HERE/src/packaging"
MODULES=(collector server)

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

mode="${1:-}"
[[ $# -gt 0 ]] && shift
project_version="" installer_version="" installer_release="" work="" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --project-version) project_version="${2:?--project-version needs a value}"; shift 2 ;;
    --installer-version=*) installer_version="${1#*=}"; shift ;;
    --installer-release=*) installer_release="${1#*=}"; shift ;;
    --work) work="${2:?--work needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    *) echo "build-packages.sh: unknown option '$1'" >&2; usage ;;
  esac
done
[[ -n "$project_version" ]] || { echo "build-packages.sh: --project-version is required" >&2; usage; }

version="${installer_version:-${project_version%%-*}}"
if [[ -n "$installer_release" ]]; then
  release="$installer_release"
elif [[ "$project_version" == *-* ]]; then
  release="0.${project_version#*-}"
else
  release=1
fi
if [[ ! "$version" =~ ^[0-9]+(\.[0-9]+)*$ ]]; then
  echo "build-packages.sh: '$version' is not an installer version (numbers separated by '.', as MSI and macOS want too)" >&2
  exit 2
fi
if [[ ! "$release" =~ ^[0-9A-Za-z][0-9A-Za-z.+~]*$ ]]; then
  echo "build-packages.sh: '$release' is not a release (a letter or digit first, then letters, digits, '.', '+', '~')" >&2
  exit 2
fi

# fills the @KEY@ placeholders of a template
render() {
  local text
  text="$(cat "$1")"
  text="${text//@NAME@/$name}"
  text="${text//@VERSION@/$version}"
  text="${text//@RELEASE@/$release}"
  text="${text//@CONFIG@/$config}"
  text="${text//@STATE@/$state}"
  text="${text//@SUMMARY@/$SUMMARY}"
  text="${text//@ARCH@/$arch}"
  text="${text//@STAGE@/$stage}"
  text="${text//@SIZE@/${size:-0}}"
  text="${text//@DESCRIPTION@/$description}"
  printf '%s\n' "$text"
}

# one package's tree, without the runtime
stage_module() {
  local module="$1" target="$ROOT/$1/target"
  name="pganalytics-$module"
  config="/etc/pganalytics/$module.yaml"
  state="/var/lib/$name"
  stage="$work/$name/root"
  # shellcheck source=/dev/null
  source "$PACKAGING/$module/package.conf"
  local jar="$target/$name.jar"
  if [[ ! -f "$jar" || ! -d "$target/lib" ]]; then
    echo "build-packages.sh: $jar and $target/lib are missing: build them first (./mvnw -B -pl $module -am package)" >&2
    exit 1
  fi
  # the package holds this module's jar and its runtime dependencies, nothing of the other programs
  local stray
  stray="$(find "$target/lib" -maxdepth 1 -name 'pganalytics-*.jar' ! -name 'pganalytics-common*.jar' \
    ! -name 'pganalytics-analytics*.jar' ! -name 'pganalytics-db-migrations*.jar' -printf '%f ')"
  if [[ -n "$stray" ]]; then
    echo "build-packages.sh: $target/lib holds other programs' jars: $stray" >&2
    exit 1
  fi

  rm -rf "${work:?}/$name"
  mkdir -p "$stage/opt/$name/lib" "$stage/usr/bin" "$stage/etc/pganalytics" "$stage/usr/lib/systemd/system" \
    "$stage/usr/share/doc/$name" "$stage/DEBIAN"
  install -m 0644 "$jar" "$stage/opt/$name/$name.jar"
  install -m 0644 "$target"/lib/*.jar "$stage/opt/$name/lib/"
  install -m 0755 "$PACKAGING/$module/$name" "$stage/usr/bin/$name"
  install -m 0640 "$PACKAGING/$module/$module.yaml" "$stage$config"
  install -m 0644 "$PACKAGING/$module/$name.service" "$stage/usr/lib/systemd/system/$name.service"
  local doc
  for doc in $DOCS; do
    install -m 0644 "$ROOT/docs/$doc" "$stage/usr/share/doc/$name/$doc"
  done

  arch="$(dpkg --print-architecture)"
  description="$(printf '%s\n' "$DESCRIPTION" | sed 's/^/ /')"
  size=""
  render "$PACKAGING/deb/control.in" > "$stage/DEBIAN/control"
  printf '%s\n' "$config" > "$stage/DEBIAN/conffiles"
  local script
  for script in postinst prerm postrm; do
    render "$PACKAGING/deb/$script.in" > "$stage/DEBIAN/$script"
    chmod 0755 "$stage/DEBIAN/$script"
  done
  arch="$(uname -m)"
  description="$DESCRIPTION"
  render "$PACKAGING/rpm/package.spec.in" > "$work/$name/$name.spec"
}

# the runtime, then the .deb and the .rpm of one staged package
build_module() {
  local module="$1"
  name="pganalytics-$module"
  stage="$work/$name/root"
  local modules
  modules="$(grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT/installers/images/$module/modules.txt" | paste -sd, -)"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$stage/opt/$name/runtime"

  # gzip for both: the payload is mostly jars and the runtime's compressed modules, which xz shrinks by 4 % in 40 times
  # the time; every dpkg and rpm reads gzip
  # Installed-Size (KiB) once the runtime is in
  size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
  sed -i "s/^Installed-Size: .*/Installed-Size: $size/" "$stage/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$out/${name}_${version}-${release}_$(dpkg --print-architecture).deb"

  rpmbuild -bb --quiet \
    --define "_topdir $work/rpmbuild" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload w6.gzdio" \
    --define "__spec_install_post %{nil}" \
    "$work/$name/$name.spec"
}

case "$mode" in
  version)
    echo "$version-$release"
    ;;
  stage|build)
    [[ -n "$work" ]] || { echo "build-packages.sh: --work is required" >&2; usage; }
    mkdir -p "$work"
    work="$(cd "$work" && pwd)"
    for module in "${MODULES[@]}"; do
      stage_module "$module"
    done
    if [[ "$mode" == build ]]; then
      [[ -n "$out" ]] || { echo "build-packages.sh: --out is required" >&2; usage; }
      if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/jlink" ]]; then
        echo "build-packages.sh: JAVA_HOME must be a JDK 21 or newer with jlink" >&2
        exit 1
      fi
      for tool in dpkg-deb rpmbuild; do
        command -v "$tool" >/dev/null || { echo "build-packages.sh: $tool is missing (apt-get install dpkg rpm)" >&2; exit 1; }
      done
      rm -rf "$out"
      mkdir -p "$out"
      out="$(cd "$out" && pwd)"
      for module in "${MODULES[@]}"; do
        build_module "$module"
      done
      (cd "$out" && sha256sum -- *.deb *.rpm > SHA256SUMS)
      ls -l "$out"
    fi
    ;;
  *)
    usage
    ;;
esac
