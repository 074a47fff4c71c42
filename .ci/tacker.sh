#!/usr/bin/env bash
# Install OpenStack Tacker (PyPI tacker==$XFC_TACKER_VERSION) into its own venv, once, in the
# tools cache outside the clone:  ${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/tacker-<version>
#
# xfc never imports tacker: tests/support/tacker_gate.py runs inside this venv as a child
# process and judges bundles with Tacker's own onboarding / LCM / infra-driver code.
# Idempotent: a venv whose `import tacker` works at the right version is reused as is.
# A failed install is reported; the script still exits 0 and the Tacker tests skip (or fail
# when CI=true and XFC_REQUIRE_TOOLS=1).  Only PyPI is contacted.
set -u
PY="${PYTHON:-python3}"
VERSION="${XFC_TACKER_VERSION:-16.0.0}"
CACHE="${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}"
VENV="$CACHE/tacker-$VERSION"
note() { echo "tacker.sh: $*"; }

venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$VERSION" <<'PYEOF' >/dev/null 2>&1
import sys, importlib.metadata as m
import tacker.common.csar_utils  # noqa: F401  (onboarding: needs tosca-parser, oslo.*)
sys.exit(0 if m.version("tacker") == sys.argv[1] else 1)
PYEOF
}

if venv_ok; then
  note "tacker $VERSION already in $VENV"
  exit 0
fi
note "installing tacker==$VERSION from PyPI into $VENV (several minutes)"
mkdir -p "$CACHE"
rm -rf "$VENV.new"
if "$PY" -m venv "$VENV.new" \
   && "$VENV.new/bin/python" -m pip install -q --disable-pip-version-check "tacker==$VERSION"; then
  rm -rf "$VENV" && mv "$VENV.new" "$VENV"
  # venv scripts hold absolute paths; the interpreter itself does not care, which is all we use.
else
  rm -rf "$VENV.new"
  note "tacker install failed: the Tacker gate tests will skip"
fi
if venv_ok; then note "tacker: $VENV/bin/python (tacker $VERSION)"; else note "tacker: MISSING"; fi
exit 0
