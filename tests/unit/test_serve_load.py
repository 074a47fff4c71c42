"""A bounded load test of a real ``xfc serve`` on 127.0.0.1, and its SIGTERM drain.

300 requests (``XFC_LOAD_REQUESTS``) from 16 client threads (``XFC_LOAD_CLIENTS``) mix
valid, invalid and hostile packages on /v1/check, /v1/compile and /v1/bundle; every answer must be the CLI's bytes for the same
upload and flags.  Meanwhile request worker processes are killed (SIGKILL) three times:
the client retries a 503 (the service says the request may be sent again), and no
request is lost.  Only 127.0.0.1 is used.
"""

from __future__ import annotations

import io
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
httpx = pytest.importorskip("httpx", reason="the test extra is not installed")

from tests.unit.test_serve import DIAG, SLICE, cli, zip_bomb  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
UPF = REPO / "samples" / "kpt-5g-slice" / "tosca" / "upf-slice.yaml"
REQUESTS = int(os.environ.get("XFC_LOAD_REQUESTS", "300"))
CLIENTS = int(os.environ.get("XFC_LOAD_CLIENTS", "16"))
EVIL = b"tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - ../../etc/passwd\n"


def _cases() -> list[dict]:
    """(verb, query, name, body, cli flags, kind) of the mix."""
    c = [
        ("check", "format=json", "slice.yaml", SLICE.read_bytes(), ["--format", "json"], "valid"),
        ("compile", "target=onap", "slice.yaml", SLICE.read_bytes(), ["--format", "json", "--target", "onap"], "valid"),
        ("compile", "output=yaml&namespace=core", "slice.yaml", SLICE.read_bytes(),
         ["--format", "json", "--namespace", "core"], "valid"),
        ("check", "format=sarif&set=dnn=internet", "upf-slice.yaml", UPF.read_bytes(),
         ["--format", "sarif", "--set", "dnn=internet"], "valid"),
        ("bundle", "format=helm&format=onap-helm", "slice.yaml", SLICE.read_bytes(),
         ["--diagnostics-format", "json", "-f", "helm", "-f", "onap-helm"], "valid"),
        ("bundle", "format=csar", "evil.yaml", EVIL, ["--diagnostics-format", "json", "-f", "csar"],
         "hostile"),
        ("check", "", "evil.yaml", EVIL, ["--format", "json"], "hostile"),
        ("check", "", "bomb.csar", zip_bomb(), ["--format", "json"], "hostile"),
    ]
    for case in ("yaml-alias-limit/fail.yaml", "yaml-too-deep/fail.yaml", "csar-zip-unsafe/fail.zip"):
        p = DIAG / case
        if p.exists():
            c.append(("check", "", p.name, p.read_bytes(), ["--format", "json"], "hostile"))
    for code in ("yaml-syntax", "tosca-missing-field", "xf-sticky-session", "xf-dependency-cycle",
                 "k8s-no-image", "tosca-unknown-type"):
        for p in sorted((DIAG / code).glob("fail*.yaml"))[:1]:
            c.append(("compile", "", p.name, p.read_bytes(), ["--format", "json"], "invalid"))
    return [dict(zip(("verb", "query", "name", "body", "flags", "kind"), x)) for x in c]


def _expected(case: dict, tmp: Path) -> tuple[int, bytes | dict]:
    flags = list(case["flags"])
    if case["verb"] in ("compile", "bundle"):
        yaml_out = "output=yaml" in case["query"]
        code, out, err = cli(tmp, case["name"], case["body"], [case["verb"], *flags] + (["--stdout"] if yaml_out else ["-o", "out"]))
        if code == 1:
            return 422, (err if yaml_out else out).encode()
        if yaml_out:
            return 200, out.encode()
        work = sorted(tmp.iterdir(), key=lambda p: p.stat().st_mtime)[-1]
        files = {p.relative_to(work / "out").as_posix(): p.read_bytes()
                 for p in (work / "out").rglob("*") if p.is_file()}
        files["diagnostics.json"] = out.encode()
        return 200, files
    code, out, _ = cli(tmp, case["name"], case["body"], ["check", *flags])
    return (200 if code == 0 else 422), out.encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--port", str(port),
                             "--workers", "2", *extra], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("xfc serve did not become ready: " + proc.stdout.read().decode(errors="replace")[-2000:])


def _children(pid: int) -> list[int]:
    # /proc lists children per thread: the fork server is started from a worker thread
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(x) for x in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def _request_workers(server: int) -> list[int]:
    """The processes answering requests: the children of the server's fork server."""
    out = []
    for child in _children(server):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in cmd:
            out.extend(_children(child))
    return out


def test_load_answers_equal_the_cli_and_killed_workers_lose_nothing(tmp_path: Path) -> None:
    cases = _cases()
    expected = [_expected(c, tmp_path) for c in cases]
    rng = random.Random(14)
    plan = [rng.randrange(len(cases)) for _ in range(REQUESTS)]
    port = _free_port()
    server = _start(port)
    results: dict[int, tuple[int, bytes, int]] = {}
    retried_503 = [0]
    lock = threading.Lock()
    todo = list(enumerate(plan))

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            while True:
                with lock:
                    if not todo:
                        return
                    i, k = todo.pop()
                c = cases[k]
                for attempt in range(6):
                    try:
                        r = http.post(f"/v1/{c['verb']}?name={c['name']}&{c['query']}", content=c["body"])
                    except httpx.TransportError:
                        time.sleep(0.2)
                        continue
                    if r.status_code == 503:
                        with lock:
                            retried_503[0] += 1
                        time.sleep(float(r.headers.get("retry-after", "1")) / 4)
                        continue
                    break
                with lock:
                    results[i] = (r.status_code, r.content, attempt)

    kills = []

    def killer() -> None:
        # three kills, a third, half and two thirds of the way through
        for frac in (0.33, 0.5, 0.66):
            while len(results) < REQUESTS * frac:
                time.sleep(0.05)
            for _ in range(200):
                workers = _request_workers(server.pid)
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    kills.append(workers[0])
                    break
                time.sleep(0.01)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)] + [threading.Thread(target=killer)]
    start = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=1200)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    elapsed = time.monotonic() - start
    assert len(results) == REQUESTS, f"lost {REQUESTS - len(results)} requests"
    wrong = []
    for i, k in enumerate(plan):
        status, body, _ = results[i]
        want_status, want = expected[k]
        if isinstance(want, dict) and status == 200:
            z = zipfile.ZipFile(io.BytesIO(body))
            got: bytes | dict = {n: z.read(n) for n in z.namelist()}
        else:
            got = body
        if (status, got) != (want_status, want):
            wrong.append((cases[k]["name"], cases[k]["kind"], status, want_status, body[:300]))
    assert not wrong, wrong[:5]
    valid = [results[i][0] for i, k in enumerate(plan) if cases[k]["kind"] == "valid"]
    assert set(valid) == {200}
    assert len(kills) == 3, kills
    assert retried_503[0] >= 1, "no kill landed on a request in flight"
    print(f"\n{REQUESTS} requests from {CLIENTS} clients in {elapsed:.1f} s; "
          f"{len(kills)} workers killed, {retried_503[0]} answers 503 retried")


def test_sigterm_drains_requests_in_flight() -> None:
    port = _free_port()
    server = _start(port)
    body = SLICE.read_bytes()
    answers: list[int] = []

    def send() -> None:
        with httpx.Client(timeout=120) as http:
            answers.append(http.post(f"http://127.0.0.1:{port}/v1/compile?name=slice.yaml&target=onap&target=osm",
                                     content=body).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    # wait until they are in flight, then ask the server to stop
    deadline = time.monotonic() + 30
    in_flight = False
    while time.monotonic() < deadline and not in_flight:
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        in_flight = "xfc_requests_in_flight 4.0" in metrics
        time.sleep(0.02)
    server.send_signal(signal.SIGTERM)
    assert in_flight, "the four requests were never in flight together"
    for t in threads:
        t.join(timeout=120)
    status = server.wait(timeout=120)
    assert answers == [200, 200, 200, 200]
    # uvicorn re-raises the signal once drained, so the exit status is SIGTERM's
    assert status in (0, -signal.SIGTERM), server.stdout.read().decode(errors="replace")[-2000:]
