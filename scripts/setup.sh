#!/usr/bin/env bash
# Sets up the project on a Debian or Ubuntu machine; safe to run again.
#
#   1. System packages, with apt (sudo when not root), only those missing:
#      Python's venv and pip, Tesseract with its English and orientation data,
#      Chromium and its driver (the report's browser test).
#   2. A virtual environment in .venv/ (reused when it already works), made with
#      the first Python 3.10+ found: $PYTHON if set, else python3 on PATH, else
#      Debian's /usr/bin/python3.  pip never installs outside it, so Debian's
#      "externally managed" system Python is left alone.
#   3. The package with its test extras, editable, into .venv/.
#
# Then:  .venv/bin/python -m pytest      (tests)
#        .venv/bin/uncleaner run         (the batch)
#
# Environment: PYTHON=/path/to/python3.x chooses the interpreter; SETUP_SKIP_APT=1
# never calls apt (say so when the packages come from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
APT_PACKAGES="python3 python3-venv python3-pip tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd chromium chromium-driver"

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# ---- 1. system packages
missing=""
if command -v dpkg >/dev/null 2>&1; then
    for p in $APT_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
fi
if [ -z "$missing" ]; then
    command -v dpkg >/dev/null 2>&1 && say "system packages present" \
        || say "no dpkg here: install Tesseract (with English data), Chromium and Python 3.10+ yourself"
elif [ "${SETUP_SKIP_APT:-0}" = 1 ]; then
    say "SETUP_SKIP_APT=1: not installing$missing"
else
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing system packages:$missing; run this as root or install sudo"
        SUDO="sudo"
    fi
    say "installing system packages:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi

# ---- 2. the virtual environment
good_python() {  # a Python 3.10+ that can make a venv with pip in it
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1
}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
        && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    say "reusing $VENV ($("$VENV/bin/python" --version))"
else
    PY=""
    for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null 2>&1 && good_python "$(command -v "$candidate")"; then
            PY=$(command -v "$candidate"); break
        fi
    done
    [ -n "$PY" ] || die "no Python 3.10+ with venv found (tried: ${PYTHON:-} python3 /usr/bin/python3); install python3 and python3-venv, or set PYTHON=/path/to/python3.x"
    say "making $VENV with $PY ($("$PY" --version))"
    "$PY" -m venv --clear "$VENV"
fi

# ---- 3. the package, inside the venv only
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
say "done. Tests: $VENV/bin/python -m pytest    The batch: $VENV/bin/uncleaner run"
