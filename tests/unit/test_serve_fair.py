"""The service's admission (issue 22, item 8): one client's requests hold at most half of
the workers, so another client's request is served while they run; a client that
disconnects mid-upload is logged as such, without a traceback."""

from __future__ import annotations

import logging

import pytest

anyio = pytest.importorskip("anyio")
pytest.importorskip("starlette", reason="the 'serve' extra is not installed")

from compiler.service.admission import Admission  # noqa: E402
from compiler.service.app import Settings, create_app  # noqa: E402


def test_eight_requests_of_one_client_leave_a_worker_to_another():
    seen: dict = {}

    async def main() -> None:
        adm = Admission(2)
        release, b_in = anyio.Event(), anyio.Event()
        inside = {"hostile": 0, "valid": 0}

        async def job(client: str) -> None:
            async with adm.admit(client):
                inside[client] += 1
                if client == "valid":
                    seen["hostile_running_when_valid_ran"] = inside["hostile"]
                    b_in.set()
                    return
                await release.wait()

        async with anyio.create_task_group() as tg:
            for _ in range(8):
                tg.start_soon(job, "hostile")
            await anyio.sleep(0.05)
            seen["clients"] = adm.clients()
            tg.start_soon(job, "valid")
            with anyio.fail_after(10):  # without fairness it waits for release, for ever
                await b_in.wait()
            release.set()
        seen["hostile_total"] = inside["hostile"]
        seen["left"] = adm.clients()

    anyio.run(main)
    assert seen["clients"] == 1
    assert seen["hostile_running_when_valid_ran"] == 1  # one worker, not both
    assert seen["hostile_total"] == 8 and seen["left"] == 0


def test_one_client_alone_still_uses_every_worker_in_turn():
    peak = {"now": 0, "max": 0}

    async def main() -> None:
        adm = Admission(4)

        async def job() -> None:
            async with adm.admit("a"):
                peak["now"] += 1
                peak["max"] = max(peak["max"], peak["now"])
                await anyio.sleep(0.01)
                peak["now"] -= 1

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(job)

    anyio.run(main)
    assert peak["max"] == 2  # half of 4 workers for one client


def test_a_client_that_disconnects_mid_upload_is_logged_without_a_traceback(caplog):
    app = create_app(Settings(workers=1))
    messages = [{"type": "http.request", "body": b"tosca_definitions_version: ", "more_body": True},
                {"type": "http.disconnect"}]
    sent: list = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/check", "raw_path": b"/v1/check", "query_string": b"",
             "root_path": "", "headers": [(b"content-length", b"100000")],
             "client": ("192.0.2.7", 5555), "server": ("127.0.0.1", 8080)}
    with caplog.at_level(logging.WARNING):
        anyio.run(app, scope, receive, send)
    assert any("192.0.2.7 disconnected before its upload ended" in r.getMessage()
               for r in caplog.records), caplog.text
    assert not any(r.exc_info for r in caplog.records), caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_a_real_server_answers_a_valid_check_while_another_client_floods_it():
    """Issue 22 item 8, against a real ``xfc serve --workers 2`` over HTTP: client A
    (from 127.0.0.2) has 8 slow checks (a 400-CNF chain, ~2.7 s CPU each) in flight, then
    client B (127.0.0.1) sends the 5G slice.  With per-client admission A holds one
    worker and B's check runs on the other at once; with one first-come queue B waits
    for A's requests ahead of it (4 rounds of 2 workers).

    Timed on a shared 2-core machine, the seconds vary with the neighbours, so what must
    hold is an ordering: B is answered before A's second check ends (one worker for A);
    the 6 s of the issue is asserted only where the machine is quiet enough that one of
    A's checks itself takes less than 3 s.  Switching per-client admission off
    (``per_client = self.workers`` in compiler/service/admission.py) fails the ordering:
    B then waits for at least 6 of A's checks."""
    import signal
    import sys
    import threading
    import time
    from pathlib import Path

    httpx = pytest.importorskip("httpx", reason="the test extra is not installed")
    from tests.unit.test_serve_load import REPO, _free_port, _start

    sys.path.insert(0, str(REPO / "bench"))
    import gen_topology

    hostile = gen_topology.chain(400).encode()
    valid = (REPO / "samples" / "5g-core-slice" / "slice.yaml").read_bytes()
    port = _free_port()
    proc = _start(port, "--timeout", "120", "--drain-seconds", "1")
    url = f"http://127.0.0.1:{port}/v1/check?name=chain.yaml"
    done: list[float] = []  # when each of A's checks was answered
    lock = threading.Lock()

    def flood() -> None:
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(transport=transport, timeout=300) as client:
            try:
                client.post(url, content=hostile)
            except httpx.HTTPError:
                return
        with lock:
            done.append(time.monotonic())

    try:
        threads = [threading.Thread(target=flood, daemon=True) for _ in range(8)]
        for t in threads:
            t.start()
        # all 8 in flight or queued (the service's own gauge), before B sends its check
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
            line = [x for x in metrics.splitlines() if x.startswith("xfc_requests_in_flight ")]
            if line and float(line[0].split()[1]) >= 8:
                break
            time.sleep(0.1)
        else:
            pytest.fail("A's 8 checks never were in flight together")
        time.sleep(0.5)  # past the upload, into admission
        start = time.monotonic()
        r = httpx.post(f"http://127.0.0.1:{port}/v1/check?name=slice.yaml", content=valid,
                       timeout=300)
        answered = time.monotonic()
        assert r.status_code == 200, r.text
        with lock:
            before = sorted(t for t in done if t <= answered)
        waited = answered - start
        print(f"B answered after {waited:.2f} s, behind {len(before)} of A's checks")
        assert len(before) <= 1, (f"B waited {waited:.1f} s, behind {len(before)} of A's "
                                  "checks: one client holds every worker")
        # a quiet machine: wait for A's first answer to see how long one of its checks takes
        deadline = time.monotonic() + 120
        while not done and time.monotonic() < deadline:
            time.sleep(0.1)
        if done and done[0] - start < 3.0 + 1.0:
            assert waited < 6.0, waited
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
            proc.wait()
