"""``xfc serve`` (compiler.service): answers equal the CLI's bytes, limits, confinement.

Runs the Starlette application in process (starlette.testclient); every request still
runs in a process of its own from the service's fork server, as in production.  The CLI
reference is ``xfc VERB NAME FLAGS`` run in a directory holding only the file NAME.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the 'serve' extra is not installed")
if importlib.util.find_spec("httpx2") is None:  # starlette 1.x prefers it; older ones take httpx
    pytest.importorskip("httpx", reason="starlette's test client needs httpx2 or httpx (test extra)")

from starlette.testclient import TestClient  # noqa: E402

from compiler.cli import main  # noqa: E402
from compiler.service import Settings, create_app  # noqa: E402
# pytest-xdist: one worker runs this module: one service and its worker pool (the module's client fixture)
pytestmark = pytest.mark.xdist_group("serve")
from compiler.service.worker import Limits  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SLICE = REPO / "samples" / "5g-core-slice" / "slice.yaml"
DIAG = REPO / "tests" / "diagnostics"


def cli(tmp: Path, name: str, body: bytes, argv: list[str]) -> tuple[int, str, str]:
    """What the ``xfc`` command prints for the upload saved as ``name`` in an empty dir."""
    import contextlib
    import os

    work = tmp / f"cli-{len(list(tmp.iterdir()))}"
    work.mkdir()
    (work / name).write_bytes(body)
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(work)
    try:
        with contextlib.redirect_stderr(err):
            code = main([argv[0], name, *argv[1:]], out)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=2, limits=Limits(seconds=60)))) as c:
        yield c


def test_check_answers_the_cli_bytes(client, tmp_path: Path) -> None:
    body = SLICE.read_bytes()
    for fmt in ("json", "sarif"):
        r = client.post(f"/v1/check?name=slice.yaml&format={fmt}", content=body)
        code, out, _ = cli(tmp_path, "slice.yaml", body, ["check", "--format", fmt])
        assert (r.status_code, code) == (200, 0)
        assert r.text == out
        assert r.headers["content-type"].startswith(
            "application/json" if fmt == "json" else "application/sarif+json")
    bad = (DIAG / "tosca-unknown-property" / "fail_templates.yaml").read_bytes()
    r = client.post("/v1/check?name=fail.yaml", content=bad)
    code, out, _ = cli(tmp_path, "fail.yaml", bad, ["check", "--format", "json"])
    assert (r.status_code, r.headers["x-xfc-exit-code"], code) == (422, "1", 1)
    assert r.text == out


def test_compile_zip_and_yaml_are_the_cli_outputs(client, tmp_path: Path) -> None:
    body = SLICE.read_bytes()
    q = "name=slice.yaml&namespace=core&target=kubernetes&target=onap"
    r = client.post(f"/v1/compile?{q}", content=body)
    assert r.status_code == 200, r.text
    flags = ["--namespace", "core", "--target", "kubernetes", "--target", "onap"]
    code, out, _ = cli(tmp_path, "slice.yaml", body, ["compile", "--format", "json", *flags, "-o", "out"])
    assert code == 0
    work = sorted(tmp_path.iterdir())[-1]
    want = {p.relative_to(work / "out").as_posix(): p.read_bytes()
            for p in (work / "out").rglob("*") if p.is_file()}
    z = zipfile.ZipFile(io.BytesIO(r.content))
    got = {n: z.read(n) for n in z.namelist()}
    assert got.pop("diagnostics.json").decode() == out
    assert got == want
    again = client.post(f"/v1/compile?{q}", content=body)
    assert again.content == r.content  # any replica, any time: the same bytes
    r = client.post(f"/v1/compile?{q}&output=yaml", content=body)
    code, out, _ = cli(tmp_path, "slice.yaml", body, ["compile", "--format", "json", *flags, "--stdout"])
    assert (r.status_code, code) == (200, 0)
    assert r.text == out and r.headers["content-type"].startswith("application/yaml")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_bundle_zip_is_the_cli_bundle(client, tmp_path: Path) -> None:
    """/v1/bundle answers the files `xfc bundle` writes, byte for byte, archives included."""
    body = SLICE.read_bytes()
    q = "name=slice.yaml&format=helm&format=csar&format=onap-helm&target=onap&namespace=core"
    r = client.post(f"/v1/bundle?{q}", content=body)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    flags = ["--diagnostics-format", "json", "--namespace", "core", "--target", "onap",
             "-f", "helm", "-f", "csar", "-f", "onap-helm", "-o", "out"]
    code, out, _ = cli(tmp_path, "slice.yaml", body, ["bundle", *flags])
    assert code == 0
    want = _tree(sorted(tmp_path.iterdir())[-1] / "out")
    got = {n: z.read(n) for z in [zipfile.ZipFile(io.BytesIO(r.content))] for n in z.namelist()}
    assert got.pop("diagnostics.json").decode() == out
    assert got == want
    assert any(n.startswith("helm/5g-core-slice/") for n in got)
    assert any(n.endswith(".csar") for n in got) and any(n.endswith("-helm.zip") for n in got)
    assert client.post(f"/v1/bundle?{q}", content=body).content == r.content
    # SARIF diagnostics; a descriptor with errors is 422 with them, as for compile
    r = client.post("/v1/bundle?name=slice.yaml&format=kustomize&diagnostics=sarif", content=body)
    assert r.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(r.content)).read("diagnostics.sarif").decode() == \
        cli(tmp_path, "slice.yaml", body, ["bundle", "--diagnostics-format", "sarif",
                                           "-f", "kustomize", "-o", "out"])[1]
    bad = (DIAG / "tosca-unknown-property" / "fail_templates.yaml").read_bytes()
    r = client.post("/v1/bundle?name=fail.yaml&format=helm", content=bad)
    code, out, _ = cli(tmp_path, "fail.yaml", bad, ["bundle", "--diagnostics-format", "json",
                                                    "-f", "helm", "-o", "out"])
    assert (r.status_code, r.headers["x-xfc-exit-code"], code) == (422, "1", 1)
    assert r.text == out and r.headers["content-type"].startswith("application/json")


def test_bundle_misuse_and_confinement(client) -> None:
    body = SLICE.read_bytes()
    assert client.post("/v1/bundle", content=body).status_code == 400  # no format
    assert client.post("/v1/bundle?format=rpm", content=body).status_code == 400
    assert client.post("/v1/bundle?format=helm&diagnostics=text", content=body).status_code == 400
    assert client.post("/v1/bundle?format=helm&output=yaml", content=body).status_code == 400
    # the signing key is a server file: no query reaches --sign-key, even as a value
    assert client.post("/v1/bundle?format=helm&sign_key=/etc/ssl/key.pem", content=body).status_code == 400
    r = client.post("/v1/bundle?format=csar&target=onap&target=tacker", content=body)
    assert r.status_code == 400 and "one orchestrator" in r.json()["error"]
    r = client.post("/v1/bundle?format=helm&param=novalue", content=body)  # param reaches --param
    assert r.status_code == 400 and "--param takes KEY=VALUE" in r.json()["error"]
    evil = b"tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - ../../etc/passwd\n"
    r = client.post("/v1/bundle?name=evil.yaml&format=helm", content=evil)
    assert r.status_code == 422 and "root:x:" not in r.text
    assert [d["code"] for d in r.json()["diagnostics"]] == ["import-outside-root"]


def test_an_upload_is_confined_to_itself(client) -> None:
    body = b"tosca_definitions_version: tosca_simple_yaml_1_3\nimports:\n  - ../../etc/passwd\n  - /etc/passwd\n"
    r = client.post("/v1/check?name=evil.yaml", content=body)
    assert r.status_code == 422
    codes = [d["code"] for d in r.json()["diagnostics"]]
    assert codes == ["import-outside-root", "import-outside-root"]
    passwd = Path("/etc/passwd").read_text(errors="replace").splitlines()
    leaked = [ln for ln in passwd if len(ln) > 4 and ln in r.text]
    assert leaked == [] and "root:x:" not in r.text
    assert all(d["file"] == "evil.yaml" for d in r.json()["diagnostics"])


def zip_bomb() -> bytes:
    """A CSAR whose entry definitions inflate past the 32 MiB file limit (~33 KiB zipped)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("TOSCA-Metadata/TOSCA.meta", "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\n"
                   "Created-By: test\nEntry-Definitions: Definitions/main.yaml\n")
        z.writestr("Definitions/main.yaml", b"#" * (33 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("case,name,code", [
    ("yaml-alias-limit/fail.yaml", "fail.yaml", "yaml-alias-limit"),
    ("bomb", "bomb.csar", "csar-zip-bomb"),
    ("csar-zip-unsafe/fail.zip", "fail.zip", "csar-zip-unsafe"),
])
def test_hostile_packages_get_their_diagnostic(client, tmp_path: Path, case: str, name: str, code: str) -> None:
    body = zip_bomb() if case == "bomb" else (DIAG / case).read_bytes()
    r = client.post(f"/v1/check?name={name}", content=body)
    assert r.status_code == 422
    assert code in [d["code"] for d in r.json()["diagnostics"]]
    assert r.text == cli(tmp_path, name, body, ["check", "--format", "json"])[1]


def test_limits(tmp_path: Path) -> None:
    body = SLICE.read_bytes()
    with TestClient(create_app(Settings(workers=1, limits=Limits(seconds=0.05)))) as c:
        r = c.post("/v1/check", content=body)
        assert r.status_code == 422 and "time limit" in r.json()["error"]
        assert 'xfc_limit_exceeded_total{limit="time"} 1.0' in c.get("/metrics").text
    with TestClient(create_app(Settings(workers=1, limits=Limits(memory_mb=64)))) as c:
        r = c.post("/v1/check", content=body)
        assert r.status_code == 422 and "memory limit" in r.json()["error"], r.text
    with TestClient(create_app(Settings(workers=1, limits=Limits(body_mb=1)))) as c:
        r = c.post("/v1/check", content=b"#" * (1024 * 1024 + 1))
        assert r.status_code == 413


def test_misuse_is_400_and_the_token_is_checked(client) -> None:
    assert client.post("/v1/check", content=b"").status_code == 400
    assert client.post("/v1/check?colour=red", content=b"a: 1").status_code == 400
    assert client.post("/v1/check?name=../x.yaml", content=b"a: 1").status_code == 400
    assert client.post("/v1/check?output=zip", content=b"a: 1").status_code == 400
    r = client.post("/v1/compile?namespace=Bad_NS", content=SLICE.read_bytes())
    assert r.status_code == 400 and "DNS-1123" in r.json()["error"]
    # a value that looks like a flag stays a value: no --inputs or --root through the query
    r = client.post("/v1/check?flavour=--inputs=/etc/passwd", content=SLICE.read_bytes())
    assert r.status_code == 422 and "root:x:" not in r.text
    assert [d["code"] for d in r.json()["diagnostics"]] == ["tosca-flavour"]
    with TestClient(create_app(Settings(workers=1, token="s3cret"))) as c:
        assert c.post("/v1/check", content=SLICE.read_bytes()).status_code == 401
        r = c.post("/v1/check", content=SLICE.read_bytes(), headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200
        assert c.get("/healthz").status_code == 200  # probes need no token


def test_probes_metrics_and_openapi(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.app.state.xfc.draining.set()
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        client.app.state.xfc.draining.clear()
    client.post("/v1/check", content=SLICE.read_bytes())
    text = client.get("/metrics").text
    assert 'xfc_requests_total{code="200",endpoint="/v1/check"}' in text
    assert "xfc_request_seconds_bucket" in text
    assert "process_resident_memory_bytes" in text
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/v1/check", "/v1/compile", "/v1/bundle", "/v1/report", "/healthz", "/readyz",
                                 "/metrics"}
    formats = {p["name"]: p for p in doc["paths"]["/v1/bundle"]["post"]["parameters"]}["format"]
    assert formats["required"] and "onap-helm" in formats["schema"]["items"]["enum"]
    post = doc["paths"]["/v1/compile"]["post"]
    assert "application/zip" in post["requestBody"]["content"]
    assert {"200", "422", "413", "503"} <= {str(k) for k in post["responses"]}


def test_the_service_describes_itself(tmp_path: Path) -> None:
    """samples/xfc-service/: xfc compiles its own service; the command it runs parses."""
    import yaml

    from compiler.cli import build_parser

    out = tmp_path / "svc"
    assert main(["compile", str(REPO / "samples" / "xfc-service" / "xfc-service.yaml"),
                 "-o", str(out), "-q"], io.StringIO()) == 0
    dep = yaml.safe_load((out / "kubernetes" / "deployment-xfc-serve.yaml").read_text())
    pod = dep["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 60
    command = pod["containers"][0]["command"]
    assert command[:2] == ["xfc", "serve"]
    args = build_parser()[0].parse_args(command[1:])
    assert args.drain_seconds < pod["terminationGracePeriodSeconds"]  # drained before SIGKILL
    hpa = yaml.safe_load((out / "kubernetes" / "horizontalpodautoscaler-xfc-serve.yaml").read_text())
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)


def test_the_service_bundles_itself_into_a_chart_helm_accepts(tmp_path: Path) -> None:
    """`xfc bundle samples/xfc-service/xfc-service.yaml -f helm`: the chart that runs xfc
    passes the real `helm lint --strict`, and renders the HPA and the HTTP probes."""
    import yaml

    from tests.support.validators import _helm_run, require_tool

    require_tool("helm")
    out = tmp_path / "out"
    assert main(["bundle", str(REPO / "samples" / "xfc-service" / "xfc-service.yaml"),
                 "-f", "helm", "-o", str(out), "-q"], io.StringIO()) == 0
    chart = out / "helm" / "xfc-service"
    rc, text = _helm_run(["lint", "--strict", str(chart)])
    assert rc == 0, text
    rc, text = _helm_run(["template", "xfc", str(chart)])
    assert rc == 0, text
    objs = {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(text) if o}
    hpa = objs[("HorizontalPodAutoscaler", "xfc-serve")]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "xfc-serve"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    [c] = objs[("Deployment", "xfc-serve")]["spec"]["template"]["spec"]["containers"]
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8080}
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    # the probed paths are the service's own routes
    paths = {r.path for r in create_app().routes}
    assert {"/readyz", "/healthz"} <= paths


def test_report_answers_the_page_xfc_report_writes(client, tmp_path: Path) -> None:
    body = SLICE.read_bytes()
    r = client.post("/v1/report?name=slice.yaml&target=onap", content=body)
    code, _, _ = cli(tmp_path, "slice.yaml", body, ["report", "-o", "page.html", "--target", "onap"])
    assert (r.status_code, r.headers["x-xfc-exit-code"], code) == (200, "0", 0)
    assert r.headers["content-type"].startswith("text/html")
    (page,) = tmp_path.glob("cli-*/page.html")
    assert r.text == page.read_text(encoding="utf-8")
    bad = (DIAG / "tosca-unknown-property" / "fail_templates.yaml").read_bytes()
    r = client.post("/v1/report?name=fail.yaml", content=bad)
    assert (r.status_code, r.headers["x-xfc-exit-code"]) == (422, "1")
    assert "tosca-unknown-property" in r.text and r.text.startswith("<!DOCTYPE html>")
    # the query parameters are the CLI's own (compiler.service.options): format is the
    # diagnostics' format of the run, and the answer is still the page
    r = client.post("/v1/report?name=slice.yaml&format=json", content=body)
    assert r.status_code == 200 and r.text.startswith("<!DOCTYPE html>")
    r = client.post("/v1/report?name=slice.yaml&format=html", content=body)
    assert r.status_code == 400  # not a diagnostics format
