#!/usr/bin/env bash
# Installs everything the pipeline and its tests need on a fresh Debian/Ubuntu machine:
# system packages (Tesseract with English and orientation data, Chromium for the report's browser test)
# and the Python package with its test extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APT_PACKAGES="tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd chromium chromium-driver"
missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
python3 -m pip install --quiet --upgrade pip
python3 -m pip install --quiet -e '.[test]'
echo "setup: done. Run the tests with: python3 -m pytest"
