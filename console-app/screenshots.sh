#!/bin/sh
# Takes a screenshot of every console screen, against a real server on embedded PostgreSQL fed by a real collector
# identity, under Xvfb with the GTK glass (not Monocle), into docs/images/. Needs: apt-get install -y xvfb libgtk-3-0
set -eu
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -n "${JAVA_HOME:-}" ] || { echo "set JAVA_HOME to a JDK 21 or newer" >&2; exit 1; }
export JAVA_HOME
xvfb-run -a -s "-screen 0 1600x1000x24" ./mvnw -B -o verify -pl console-app -am \
  -Dtest=ScreenshotTour,SignInEndToEndTest,KeysEndToEndTest,AuditEndToEndTest,SettingsEndToEndTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpga.screenshots="$PWD/docs/images" \
  -Dconsole.test.argLine="-Dprism.order=sw -Dtestfx.robot=glass -Dprism.lcdtext=false"
ls -l docs/images/*.png
