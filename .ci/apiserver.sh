#!/usr/bin/env bash
# Build (once) a real kube-apiserver 1.20.2 and fetch kubectl 1.20 and etcd, all from
# Debian bookworm packages, into a cache OUTSIDE the clone; reuse the cache when present.
#
#   ${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/kube-apiserver-1.20.2/
#       bin/kube-apiserver   built from the `kubernetes` source package (1.20.5+really1.20.2)
#       bin/kubectl          taken out of the `kubernetes-client` .deb (dpkg-deb -x)
#   etcd                     Debian's `etcd-server` (3.4), installed system-wide
#
# The vendored github.com/modern-go/reflect2 1.0.1 does not work with Go >= 1.18 (Debian
# bookworm ships Go 1.19), so it is replaced by Debian's golang-github-modern-go-reflect2-dev
# 1.0.2 (go.mod and vendor/modules.txt are updated to match) before `make WHAT=cmd/kube-apiserver`.
# The build takes ~20 minutes and ~1.3 GB on 2 cores; the source tree lives in a temporary
# directory that is removed afterwards.
#
# Only Debian is contacted. Exit status: 0 when the binaries are in the cache, 1 otherwise
# (tools.sh reports it and goes on; the API-server tests then skip, or fail in strict CI).
# Usage: bash .ci/apiserver.sh
set -u
set -o pipefail

CACHE="${XFC_TOOLS_CACHE:-$HOME/.cache/xfc-tools}/kube-apiserver-1.20.2"
BIN="$CACHE/bin"
SRC_VERSION="1.20.5+really1.20.2"
note() { echo "apiserver.sh: $*"; }

have_apiserver() { [ -x "$BIN/kube-apiserver" ] && "$BIN/kube-apiserver" --version >/dev/null 2>&1; }
have_kubectl() { [ -x "$BIN/kubectl" ] && "$BIN/kubectl" version --client >/dev/null 2>&1; }
have_etcd() { command -v etcd >/dev/null 2>&1; }

if have_apiserver && have_kubectl && have_etcd; then
  note "reusing cached $BIN/kube-apiserver ($("$BIN/kube-apiserver" --version)), $BIN/kubectl and $(command -v etcd)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  note "apt-get not found: cannot install the Debian packages; API-server tests will skip"
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# A deb-src line for bookworm (deb822 or one-line format), if none is configured.
if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  note "adding a bookworm deb-src source"
  $SUDO tee /etc/apt/sources.list.d/xfc-bookworm-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq || { note "apt-get update failed"; exit 1; }
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    etcd-server golang-go golang-github-modern-go-reflect2-dev dpkg-dev rsync make \
    || { note "apt-get install failed"; exit 1; }
have_etcd || { note "etcd not on PATH after installing etcd-server"; exit 1; }

mkdir -p "$BIN"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/xfc-apiserver-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# ------------------------------------------------------------- kubectl 1.20
if have_kubectl; then
  note "reusing cached $BIN/kubectl"
else
  note "extracting kubectl from the kubernetes-client .deb"
  (cd "$WORK" && apt-get download -qq kubernetes-client) || { note "apt-get download kubernetes-client failed"; exit 1; }
  dpkg-deb -x "$WORK"/kubernetes-client_*.deb "$WORK/kc" || exit 1
  install -m 0755 "$WORK/kc/usr/bin/kubectl" "$BIN/kubectl.new" && mv -f "$BIN/kubectl.new" "$BIN/kubectl"
  have_kubectl || { note "extracted kubectl does not run"; exit 1; }
fi

# ------------------------------------------------------------- kube-apiserver
if have_apiserver; then
  note "reusing cached $BIN/kube-apiserver"
  exit 0
fi
note "fetching the kubernetes $SRC_VERSION source package into $WORK"
(cd "$WORK" && apt-get source -qq --download-only kubernetes >/dev/null 2>"$WORK/source.err") \
  || { note "apt-get source kubernetes failed: $(tail -n 3 "$WORK/source.err")"; exit 1; }
ls "$WORK"/kubernetes_"$SRC_VERSION"-*.dsc >/dev/null 2>&1 \
  || { note "the kubernetes source package is not $SRC_VERSION: $(ls "$WORK"/*.dsc)"; exit 1; }
(cd "$WORK" && dpkg-source -q -x kubernetes_*.dsc src >/dev/null) || { note "dpkg-source -x failed"; exit 1; }
SRC="$WORK/src"

REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
[ -d "$REFLECT2_SRC" ] || { note "$REFLECT2_SRC missing"; exit 1; }
note "replacing vendored modern-go/reflect2 1.0.1 with Debian's 1.0.2"
rm -rf "$SRC/vendor/github.com/modern-go/reflect2"
mkdir -p "$SRC/vendor/github.com/modern-go/reflect2"
# Only the package's Go sources and licence (no tests, no nested modules).
find "$REFLECT2_SRC" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' -o -name 'LICENSE' -o -name 'go.mod' \) \
    ! -name '*_test.go' -exec cp {} "$SRC/vendor/github.com/modern-go/reflect2/" \;
# go.mod files (main module and staging modules) and vendor/modules.txt name 1.0.1.
grep -rlE 'github.com/modern-go/reflect2 v1\.0\.1' --include=go.mod "$SRC" \
  | xargs -r sed -i -E 's#(github.com/modern-go/reflect2) v1\.0\.1#\1 v1.0.2#'
sed -i -E 's#github.com/modern-go/reflect2 v1\.0\.1#github.com/modern-go/reflect2 v1.0.2#g' "$SRC/vendor/modules.txt"
# go.sum entries for 1.0.1 are harmless under -mod=vendor; drop them so nothing checks them.
find "$SRC" -name go.sum -exec sed -i -E '/github.com\/modern-go\/reflect2 v1\.0\.1/d' {} +
grep -n 'modern-go/reflect2' "$SRC/go.mod" "$SRC/vendor/modules.txt" | sed 's/^/apiserver.sh:   /'

note "building kube-apiserver (make WHAT=cmd/kube-apiserver; ~20 min on 2 cores)"
start=$(date +%s)
(cd "$SRC" && GOFLAGS=-mod=vendor GO111MODULE=on GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" \
    KUBE_GIT_VERSION="v1.20.2" KUBE_GIT_TREE_STATE=clean \
    make WHAT=cmd/kube-apiserver) || { note "make WHAT=cmd/kube-apiserver failed"; exit 1; }
out="$(find "$SRC/_output" -type f -name kube-apiserver -perm -u+x | head -n 1)"
[ -n "$out" ] || { note "no kube-apiserver under _output"; exit 1; }
install -m 0755 "$out" "$BIN/kube-apiserver.new" && mv -f "$BIN/kube-apiserver.new" "$BIN/kube-apiserver"
have_apiserver || { note "built kube-apiserver does not run"; exit 1; }
note "built $BIN/kube-apiserver ($("$BIN/kube-apiserver" --version)) in $(( $(date +%s) - start )) s"
exit 0
