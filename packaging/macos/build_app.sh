#!/usr/bin/env bash
# Builds "S3 Browser.app" and a .dmg on macOS (not run on the Linux CI:
# .github/workflows/package.yml runs it on a macOS runner).
#   bash packaging/macos/build_app.sh
# Needs Python 3.11 and Xcode's command line tools (iconutil, hdiutil); uses
# create-dmg (brew install create-dmg) for a nicer window when it is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --upgrade pip
python3 -m pip install -e ".[gui,demo,package]"
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' s3browser/_version.py)

# The app icon: an .icns from the committed PNGs (16..512 and their @2x pairs).
iconset=build/s3browser.iconset
rm -rf "$iconset" && mkdir -p "$iconset"
for n in 16 32 128 256 512; do
  cp "resources/icons/hicolor/${n}x${n}/apps/s3browser.png" "$iconset/icon_${n}x${n}.png"
  double=$((n * 2))
  if [ -f "resources/icons/hicolor/${double}x${double}/apps/s3browser.png" ]; then
    cp "resources/icons/hicolor/${double}x${double}/apps/s3browser.png" "$iconset/icon_${n}x${n}@2x.png"
  fi
done
iconutil -c icns "$iconset" -o packaging/macos/s3browser.icns

pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/s3browser.spec
app="dist/S3 Browser.app"
# The spec's Info.plist registers the s3:// scheme (CFBundleURLTypes) and the version;
# macOS delivers a clicked link as a QFileOpenEvent, not as an argument.
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/s3browser" --self-test

dmg="dist/s3browser-${version}.dmg"
rm -f "$dmg"
if command -v create-dmg >/dev/null; then
  create-dmg --volname "S3 Browser" --app-drop-link 450 150 --icon "S3 Browser.app" 150 150 \
    --window-size 600 320 "$dmg" "$app"
else
  hdiutil create -volname "S3 Browser" -srcfolder "$app" -ov -format UDZO "$dmg"
fi
ls -la "$dmg"
