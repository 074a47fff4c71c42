"""A real Kubernetes API server (kube-apiserver 1.20.2 and etcd) for the tests.

Phase: test support (never imported by the compiler).
Input: the binaries ``.ci/apiserver.sh`` builds or installs — kube-apiserver and kubectl
1.20 in ``${XFC_TOOLS_CACHE:-~/.cache/xfc-tools}/kube-apiserver-1.20.2/bin/``, ``etcd``
on PATH (Debian's etcd-server).  Output: a running server for the test session.

Use it from a test module::

    from tests.support.apiserver import apiserver  # noqa: F401  (registers the fixture)

    def test_something(apiserver):
        ns = apiserver.namespace()                   # a fresh namespace, created for real
        rc, out = apiserver.apply(manifest_text, namespace=ns)          # server dry-run
        rc, out = apiserver.apply(crd_text, dry_run=False)              # for real
        rc, out = apiserver.kubectl("get", "pods", "-n", ns, "-o", "json")
        # apiserver.kubeconfig (a Path), apiserver.kubectl_path, apiserver.url, apiserver.env

The fixture is session-scoped: one etcd and one kube-apiserver, both on loopback at free
ports, with every file (certificates, etcd data, kubeconfig) in one temporary folder that
is removed at the end, after both processes are stopped by their PIDs.

How the server runs (docs/validation.md, "A real API server", says what this proves and what it cannot):

- TLS only (``--insecure-port=0``); a CA, the serving certificate (127.0.0.1, localhost)
  and an admin client certificate (``O=system:masters``) are made with ``openssl``;
- authorization ``RBAC``: the admin client is in ``system:masters`` (allowed everything),
  and a test can act as a ServiceAccount with ``kubectl --as=system:serviceaccount:NS:SA``
  to prove that a Role grants enough and no more;
- a service-account key pair for the token issuer; the ``ServiceAccount`` admission
  plugin is off, because no controller-manager creates the ``default`` account that it
  would require of every Pod;
- ``--endpoint-reconciler-type=none``: no ``kubernetes`` Endpoints object is kept up.

There is no controller-manager, scheduler or kubelet: nothing reconciles.  A deleted
namespace stays Terminating (use a fresh one per test: :meth:`ApiServer.namespace`),
Deployments never get Pods by themselves, and Pod or workload status is written by the
test through the ``status`` subresource.

When a binary is missing the fixture skips with the reason, except under CI=true and
XFC_REQUIRE_TOOLS=1, where it fails.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import pytest

VERSION = "1.20.2"
CACHE = Path(os.environ.get("XFC_TOOLS_CACHE") or Path.home() / ".cache" / "xfc-tools")
BIN = CACHE / f"kube-apiserver-{VERSION}" / "bin"

#: Seconds the server may take to answer /readyz (about 10 s on an idle machine).
READY_TIMEOUT = 180
#: Seconds one kubectl call may take.
KUBECTL_TIMEOUT = 180


def _strict_ci() -> bool:
    return os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1"


def binaries() -> dict[str, str | None]:
    """The paths of kube-apiserver, kubectl (1.20, from the cache), etcd and openssl."""
    def cached(name: str) -> str | None:
        p = BIN / name
        return str(p) if p.is_file() and os.access(p, os.X_OK) else None

    return {
        "kube-apiserver": cached("kube-apiserver"),
        "kubectl": cached("kubectl"),
        "etcd": shutil.which("etcd") or (("/usr/bin/etcd") if os.access("/usr/bin/etcd", os.X_OK) else None),
        "openssl": shutil.which("openssl"),
    }


def missing_reason() -> str | None:
    """Why the API server cannot be started here (None when it can)."""
    missing = [name for name, path in binaries().items() if path is None]
    if not missing:
        return None
    return (f"{', '.join(missing)} not found (kube-apiserver and kubectl in {BIN}, etcd on "
            "PATH); run `bash .ci/apiserver.sh`")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _openssl(openssl: str, *args: str, cwd: Path) -> None:
    subprocess.run([openssl, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(openssl: str, d: Path) -> None:
    """CA, serving certificate, admin client certificate and the service-account keys."""
    _openssl(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=xfc-test-ca", "-keyout", "ca.key", "-out", "ca.crt", cwd=d)
    (d / "server.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
        "DNS:kubernetes.default.svc,IP:10.0.0.1\n")
    (d / "client.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=clientAuth\n")
    for name, subj, ext in (("server", "/CN=kube-apiserver", "server.ext"),
                            ("admin", "/O=system:masters/CN=xfc-admin", "client.ext")):
        _openssl(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", subj,
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=d)
        _openssl(openssl, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt",
                 "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", ext,
                 "-out", f"{name}.crt", cwd=d)
    _openssl(openssl, "genrsa", "-out", "sa.key", "2048", cwd=d)
    _openssl(openssl, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=d)


def _kubeconfig(d: Path, url: str) -> Path:
    """Write ``d/kubeconfig`` for the admin client (the certificates are in ``d``)."""
    # JSON is YAML: kubectl reads it as a kubeconfig
    cfg = {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": "xfc-test", "cluster": {
            "server": url, "certificate-authority": str(d / "ca.crt")}}],
        "users": [{"name": "xfc-admin", "user": {
            "client-certificate": str(d / "admin.crt"), "client-key": str(d / "admin.key")}}],
        "contexts": [{"name": "xfc-test", "context": {"cluster": "xfc-test", "user": "xfc-admin"}}],
        "current-context": "xfc-test",
    }
    path = d / "kubeconfig"
    path.write_text(json.dumps(cfg, indent=1))
    return path


@dataclass
class ApiServer:
    """A running kube-apiserver: what a test needs to talk to it."""

    url: str
    kubeconfig: Path
    kubectl_path: str
    workdir: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # -- plain calls --------------------------------------------------------
    def kubectl(self, *args: str, input: str | None = None,
                timeout: float = KUBECTL_TIMEOUT) -> tuple[int, str]:
        """Run kubectl 1.20 against this server; (returncode, stdout + stderr)."""
        proc = subprocess.run([self.kubectl_path, *args], input=input, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr

    def namespace(self, prefix: str = "xfc") -> str:
        """Create a fresh namespace (``PREFIX-N``) for real and return its name."""
        name = f"{prefix}-{next(self._counter)}"
        rc, out = self.kubectl("create", "namespace", name)
        if rc != 0:
            raise AssertionError(f"kubectl create namespace {name} failed: {out}")
        return name

    def apply(self, manifests: str | Path | Sequence[Path], *, namespace: str | None = None,
              dry_run: bool = True, server_side: bool = False) -> tuple[int, str]:
        """``kubectl apply`` of YAML text, a file, a folder or several files.

        ``dry_run=True`` (the default) is ``--dry-run=server``: the server runs its full
        validation, defaulting and admission, and stores nothing; kubectl validates every
        object against the server's OpenAPI schema first (unknown fields are errors).
        ``server_side=True`` adds ``--server-side`` (server-side apply)."""
        args = ["apply", "--validate=true"]
        if dry_run:
            args.append("--dry-run=server")
        if server_side:
            args += ["--server-side", "--field-manager=xfc-test"]
        if namespace:
            args += ["-n", namespace]
        text = None
        if isinstance(manifests, str):
            args += ["-f", "-"]
            text = manifests
        elif isinstance(manifests, Path):
            args += ["-f", str(manifests)]
            if manifests.is_dir():
                args.append("--recursive")
        else:
            for p in manifests:
                args += ["-f", str(p)]
        return self.kubectl(*args, input=text)

    def get_json(self, *args: str) -> dict:
        """``kubectl get ARGS -o json``, parsed."""
        rc, out = self.kubectl("get", *args, "-o", "json")
        if rc != 0:
            raise AssertionError(f"kubectl get {' '.join(args)} failed: {out}")
        return json.loads(out)

    def wait_established(self, crd_name: str, timeout: float = 60) -> None:
        """Wait until a CustomResourceDefinition is Established (its API is served)."""
        rc, out = self.kubectl("wait", "--for=condition=Established", f"crd/{crd_name}",
                               f"--timeout={int(timeout)}s", timeout=timeout + 30)
        if rc != 0:
            raise AssertionError(f"CRD {crd_name} not established: {out}")

    # -- life cycle ---------------------------------------------------------
    def stop(self) -> None:
        """Stop kube-apiserver, then etcd, by their PIDs (SIGTERM, then SIGKILL)."""
        for name in ("kube-apiserver", "etcd"):
            proc = self.processes.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _ready(url: str, d: Path) -> bool:
    ctx = ssl.create_default_context(cafile=str(d / "ca.crt"))
    ctx.load_cert_chain(str(d / "admin.crt"), str(d / "admin.key"))
    try:
        with urllib.request.urlopen(url + "/readyz", context=ctx, timeout=5) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (OSError, ssl.SSLError):
        return False


def start(workdir: Path) -> ApiServer:
    """Start etcd and kube-apiserver with their files under ``workdir``; wait for /readyz.

    Raises RuntimeError (with the end of the server's log) when it does not come up."""
    bins = binaries()
    assert all(bins.values()), missing_reason()
    certs = workdir / "pki"
    certs.mkdir()
    make_certificates(str(bins["openssl"]), certs)
    etcd_client, etcd_peer, port = _free_port(), _free_port(), _free_port()
    url = f"https://127.0.0.1:{port}"
    env = {**os.environ, "KUBECONFIG": "", "HOME": str(workdir)}
    env.pop("KUBERNETES_SERVICE_HOST", None)
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(key, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    server = ApiServer(url=url, kubeconfig=_kubeconfig(certs, url),
                       kubectl_path=str(bins["kubectl"]), workdir=workdir, env=env)
    server.env["KUBECONFIG"] = str(server.kubeconfig)
    try:
        etcd_log = open(workdir / "etcd.log", "wb")
        server.processes["etcd"] = subprocess.Popen(
            [str(bins["etcd"]), "--name", "xfc-test", "--data-dir", str(workdir / "etcd"),
             "--listen-client-urls", f"http://127.0.0.1:{etcd_client}",
             "--advertise-client-urls", f"http://127.0.0.1:{etcd_client}",
             "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
             "--initial-cluster", f"xfc-test=http://127.0.0.1:{etcd_peer}",
             "--log-level", "warn", "--quota-backend-bytes", str(2 << 30)],
            stdout=etcd_log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        etcd_log.close()
        api_log = open(workdir / "kube-apiserver.log", "wb")
        server.processes["kube-apiserver"] = subprocess.Popen(
            [str(bins["kube-apiserver"]),
             f"--etcd-servers=http://127.0.0.1:{etcd_client}",
             "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
             f"--secure-port={port}", "--insecure-port=0",
             f"--cert-dir={workdir / 'apiserver-certs'}",
             f"--tls-cert-file={certs / 'server.crt'}",
             f"--tls-private-key-file={certs / 'server.key'}",
             f"--client-ca-file={certs / 'ca.crt'}",
             f"--service-account-key-file={certs / 'sa.pub'}",
             f"--service-account-signing-key-file={certs / 'sa.key'}",
             "--service-account-issuer=https://kubernetes.default.svc",
             "--api-audiences=https://kubernetes.default.svc",
             "--authorization-mode=RBAC",
             "--disable-admission-plugins=ServiceAccount",
             "--endpoint-reconciler-type=none",
             "--service-cluster-ip-range=10.0.0.0/24",
             "--allow-privileged=true",
             "--profiling=false",
             "--logtostderr=true", "--v=0"],
            stdout=api_log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        api_log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while not _ready(url, certs):
            for name, proc in server.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n"
                                       + _log_tail(workdir / f"{name}.log"))
            if time.monotonic() > deadline:
                raise RuntimeError(f"kube-apiserver not ready after {READY_TIMEOUT} s:\n"
                                   + _log_tail(workdir / "kube-apiserver.log"))
            time.sleep(0.5)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def apiserver() -> Iterator[ApiServer]:
    """A kube-apiserver 1.20.2 for the session (see the module doc)."""
    reason = missing_reason()
    if reason is not None:
        msg = f"real API server not available: {reason}"
        if _strict_ci():
            pytest.fail(f"{msg} (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(msg)
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # etcd fsyncs: keep it in memory
    workdir = Path(tempfile.mkdtemp(prefix="xfc-apiserver-", dir=base))
    server = None
    try:
        server = start(workdir)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


__all__ = ["ApiServer", "VERSION", "apiserver", "binaries", "make_certificates", "missing_reason",
           "start"]
