#!/usr/bin/env bash
# Checks the collector and server packages that build-packages.sh wrote (CI's packages smoke; docs/INSTALL.md):
#   check-packages.sh DIST_DIR
# the checksums; per .deb its conffiles, the modes and owners of the wrapper, the configuration and the unit, that the
# collector's holds no other program's jar, and that its runtime starts the jar ('--version'); per .rpm its file list
# (rpm -qlp), its configuration file with owner and mode, and its scriptlets.
set -euo pipefail
dist="${1:?usage: check-packages.sh DIST_DIR}"
cd "$dist"
fail() {
  echo "check-packages.sh: $*" >&2
  exit 1
}

sha256sum -c SHA256SUMS
for module in collector server; do
  name="pganalytics-$module"
  deb="$(ls "$name"_*.deb)"
  rpm="$(ls "$name"-*.rpm)"
  grep -q " $deb\$" SHA256SUMS || fail "$deb is not in SHA256SUMS"
  grep -q " $rpm\$" SHA256SUMS || fail "$rpm is not in SHA256SUMS"
  echo "== $deb ($(du -h "$deb" | cut -f1))"
  dpkg-deb --field "$deb" Package Version Architecture Installed-Size Depends
  [[ "$(dpkg-deb --info "$deb" conffiles)" == "/etc/pganalytics/$module.yaml" ]] || fail "$deb: conffiles"
  listing="$(dpkg-deb --contents "$deb")"
  grep -Eq "^-rw-r----- root/root .* \./etc/pganalytics/$module\.yaml$" <<<"$listing" || fail "$deb: the configuration's mode"
  grep -Eq "^-rwxr-xr-x root/root .* \./usr/bin/$name$" <<<"$listing" || fail "$deb: the wrapper"
  grep -Eq "^-rw-r--r-- root/root .* \./usr/lib/systemd/system/$name\.service$" <<<"$listing" || fail "$deb: the unit"
  grep -Eq "\./opt/$name/runtime/bin/java$" <<<"$listing" || fail "$deb: the runtime"
  if [[ "$module" == collector ]] && grep -Eq 'pganalytics-(server|console|tools)[^/]*\.jar$' <<<"$listing"; then
    fail "$deb holds another program's jar"
  fi
  tree="$(mktemp -d)"
  dpkg-deb --extract "$deb" "$tree"
  "$tree/opt/$name/runtime/bin/java" -jar "$tree/opt/$name/$name.jar" --help >/dev/null || fail "$deb: its runtime does not start the jar"
  rm -rf "$tree"

  echo "== $rpm ($(du -h "$rpm" | cut -f1))"
  rpm -qp --queryformat '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n' "$rpm"
  list="$(rpm -qlp "$rpm")"
  grep -v "^/opt/$name/" <<<"$list"
  echo "(and $(grep -c "^/opt/$name/" <<<"$list") files under /opt/$name)"
  [[ "$(rpm -qp --configfiles "$rpm")" == "/etc/pganalytics/$module.yaml" ]] || fail "$rpm: %config"
  files="$(rpm -qp --queryformat '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "$rpm")"
  grep -Eq "^-rw-r----- root:$name /etc/pganalytics/$module\.yaml$" <<<"$files" || fail "$rpm: the configuration's owner and mode"
  grep -Eq "^drwx------ $name:$name /var/lib/$name$" <<<"$files" || fail "$rpm: the state directory's owner and mode"
  grep -q "useradd --system --gid $name" <<<"$(rpm -qp --scripts "$rpm")" || fail "$rpm: %pre does not create the account"
done
echo "check-packages.sh: the packages in $dist are complete"
