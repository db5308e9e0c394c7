#!/bin/sh
# Screenshots of the console showing the real demo: starts `./pganalytics demo --headless` on a fresh data directory,
# then drives the real console under Xvfb (connect with the demo's certificate, sign in with its password, open the
# demo instance) and saves docs/images/10-demo-dashboard.png and 11-demo-queries.png.
# Needs: apt-get install -y xvfb libgtk-3-0
set -eu
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -n "${JAVA_HOME:-}" ] || { echo "set JAVA_HOME to a JDK 21 or newer" >&2; exit 1; }
export JAVA_HOME
demo_dir="$(mktemp -d)"
./pganalytics demo --headless --exit-after 300s --data-dir "$demo_dir" > "$demo_dir/demo.out" 2>&1 &
demo_pid=$!
trap 'kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; rm -rf "$demo_dir"' EXIT
i=0
until grep -q "workload running" "$demo_dir/demo.out" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 240 ] || { cat "$demo_dir/demo.out"; echo "the demo did not start" >&2; exit 1; }
  sleep 1
done
xvfb-run -a -s "-screen 0 1600x1000x24" ./mvnw -B -o verify -pl console-app -am \
  -Dtest=DemoScreenshot -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpga.demo.dir="$demo_dir" -Dpga.screenshots="$PWD/docs/images" \
  -Dconsole.test.argLine="-Dprism.order=sw -Dtestfx.robot=glass -Dprism.lcdtext=false"
ls -l docs/images/10-demo-dashboard.png docs/images/11-demo-queries.png
