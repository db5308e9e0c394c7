#!/bin/sh
# Regenerates the console's icons from one drawing (ImageMagick 6 or 7 and python3): a PNG for Linux (desktop entry),
# an .ico for Windows (16..256 px) and an .icns for macOS (128..512 px PNG entries). The results are committed; run this
# only to change the drawing. Usage: installers/console/icons/make-icons.sh
set -eu
cd "$(dirname "$0")"
magick_cmd=convert
command -v magick >/dev/null 2>&1 && magick_cmd=magick
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A blue rounded tile, a white bar chart (three bars) and an elephant-blue trend line: "PostgreSQL analytics".
draw() {
  size=$1
  "$magick_cmd" -size 1024x1024 xc:none \
    -fill '#1f4e79' -draw 'roundrectangle 48,48 976,976 180,180' \
    -fill '#ffffff' -draw 'rectangle 232,560 352,800' -draw 'rectangle 452,420 572,800' -draw 'rectangle 672,300 792,800' \
    -stroke '#7cc4ff' -strokewidth 48 -fill none -draw 'line 212,500 412,360' -draw 'line 412,360 612,420' -draw 'line 612,420 812,220' \
    -resize "${size}x${size}" "PNG32:$work/icon-$size.png"
}
for size in 16 24 32 48 64 128 256 512; do draw "$size"; done
cp "$work/icon-256.png" pganalytics-console.png
"$magick_cmd" "$work/icon-16.png" "$work/icon-24.png" "$work/icon-32.png" "$work/icon-48.png" "$work/icon-64.png" \
  "$work/icon-128.png" "$work/icon-256.png" pganalytics-console.ico
# ICNS: 'icns' + total length, then entries of type + length + PNG data (ic07 = 128, ic08 = 256, ic09 = 512 px).
python3 - "$work" <<'PY'
import struct, sys
work = sys.argv[1]
entries = b""
for kind, size in ((b"ic07", 128), (b"ic08", 256), (b"ic09", 512)):
    data = open(f"{work}/icon-{size}.png", "rb").read()
    entries += kind + struct.pack(">I", len(data) + 8) + data
open("pganalytics-console.icns", "wb").write(b"icns" + struct.pack(">I", len(entries) + 8) + entries)
PY
ls -l pganalytics-console.png pganalytics-console.ico pganalytics-console.icns
