"""The HTTP service takes every option of the CLI that changes output, under the same
name (issue 21, item 9), from one table (compiler/service/options.py)."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from pathlib import Path

import pytest

from compiler.service import options

REPO = Path(__file__).resolve().parents[2]
# pytest-xdist: one worker runs this module: one service and its worker pool (the module's client fixture)
pytestmark = pytest.mark.xdist_group("serve-options")
TWO = REPO / "tests/fixtures/bundles/two-flavours"
FIREWALL = REPO / "samples/sol001-firewall-chain"


class Query:
    """A multi-dict like Starlette's QueryParams, for the pure functions."""

    def __init__(self, *items: tuple[str, str]) -> None:
        self.items = list(items)

    def __iter__(self):
        return iter(dict.fromkeys(k for k, _ in self.items))

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.items if k == key]

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self.items)


@pytest.mark.parametrize("verb", options.VERBS)
def test_every_cli_option_is_offered_or_says_why_not(verb):
    flags = set(options.cli_options(verb))
    offered_flags = {o.flag for o in options.offered(verb).values()}
    left_out = flags - offered_flags
    assert left_out <= set(options.NOT_OFFERED), left_out  # none is dropped without a reason
    assert not offered_flags & set(options.NOT_OFFERED)
    # each query name is the flag's own name
    for name, opt in options.offered(verb).items():
        assert f"--{name}" in options.cli_options(verb)[opt.flag].option_strings \
            or name in options.ALIASES.get(verb, {})


@pytest.mark.parametrize("verb, wanted", [
    ("check", {"flavour", "set", "target", "emit", "param", "namespace", "quirk",
               "no-network-policies", "allow-missing-artifacts", "format"}),
    ("compile", {"flavour", "set", "target", "emit", "param", "namespace", "quirk",
                 "no-network-policies", "allow-missing-artifacts", "format"}),
    ("bundle", {"flavour", "set", "target", "param", "namespace", "format",
                "diagnostics-format", "csar-dir", "release-date"}),
])
def test_the_options_that_change_output_are_offered(verb, wanted):
    assert wanted <= set(options.offered(verb))


def test_the_reasons_name_only_real_options():
    every = set().union(*(options.cli_options(v) for v in options.VERBS))
    assert set(options.NOT_OFFERED) <= every


def test_a_query_becomes_the_cli_flags():
    q = Query(("flavour", "small"), ("target", "tacker"), ("param", "vnf_instance_id=7"),
              ("target", "onap"), ("no-network-policies", ""), ("quiet", "false"),
              ("set", "a=-1"), ("name", "x.yaml"))
    assert options.to_argv("compile", q, {"name"}) == [
        "--format=json", "--flavour=small", "--target=tacker", "--param=vnf_instance_id=7",
        "--target=onap", "--no-network-policies", "--set=a=-1"]
    assert options.to_argv("bundle", Query(("format", "helm"), ("diagnostics", "sarif")),
                           {"name"}) == ["--diagnostics-format=sarif", "--format=helm"]
    assert options.to_argv("check", Query(("flavor", "big")), {"name"}) == \
        ["--format=json", "--flavour=big"]


@pytest.mark.parametrize("verb, query, says", [
    ("check", [("inputs", "/etc/passwd")], "--inputs is not offered: reads a file"),
    ("compile", [("root", "/")], "--root is not offered"),
    ("bundle", [("sign-key", "k.pem")], "--sign-key is not offered"),
    ("check", [("colour", "red")], "unknown query parameter 'colour'"),
    ("check", [("flavour", "a"), ("flavour", "b")], "flavour takes one value"),
    ("check", [("quiet", "maybe")], "quiet is a switch"),
    ("check", [("format", "text")], "format must be json or sarif"),
    ("bundle", [("format", "helm"), ("diagnostics-format", "text")], "must be json or sarif"),
])
def test_refusals_say_why(verb, query, says):
    with pytest.raises(options.QueryError) as err:
        options.to_argv(verb, Query(*query), {"name", "output"})
    assert says in str(err.value)


def test_openapi_parameters_are_the_offered_options():
    for verb in options.VERBS:
        names = {p["name"] for p in options.openapi_parameters(verb)}
        assert names == set(options.offered(verb)) - set(options.ALIASES.get(verb, {}))
    bundle = {p["name"]: p for p in options.openapi_parameters("bundle")}
    assert bundle["format"]["required"] and "onap-helm" in bundle["format"]["schema"]["items"]["enum"]
    assert bundle["diagnostics-format"]["schema"]["enum"] == ["json", "sarif"]
    check = {p["name"]: p for p in options.openapi_parameters("check")}
    assert check["no-network-policies"]["schema"] == {"type": "boolean"}
    assert check["set"]["schema"]["type"] == "array"


# ------------------------------------------------------------------ through the service

needs_serve = pytest.mark.skipif(
    importlib.util.find_spec("starlette") is None
    or (importlib.util.find_spec("httpx2") is None and importlib.util.find_spec("httpx") is None),
    reason="the 'serve' extra or starlette's test client (httpx) is not installed")


@pytest.fixture(scope="module")
def client():
    from starlette.testclient import TestClient

    from compiler.service import Settings, create_app
    from compiler.service.worker import Limits

    with TestClient(create_app(Settings(workers=2, limits=Limits(seconds=60)))) as c:
        yield c


def _zip_csar(root: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(root).as_posix())
    return buf.getvalue()


@needs_serve
def test_a_tacker_package_compiles_over_http_with_target_and_param(client):
    body = _zip_csar(FIREWALL)
    q = "name=fw.csar&target=tacker&param=vnf_instance_id=3f2a-77&output=yaml"
    r = client.post(f"/v1/compile?{q}", content=body)
    assert r.status_code == 200, r.text
    assert "3f2a-77" in r.text  # the label Tacker routes alerts by
    # without the parameter Tacker needs, the same request is refused with its reason
    r = client.post("/v1/compile?name=fw.csar&target=tacker&output=yaml", content=body)
    assert r.status_code == 422
    assert any("vnf_instance_id" in d["message"] + d["hint"] for d in r.json()["diagnostics"])


@needs_serve
def test_flavour_and_switches_reach_the_cli(client):
    # a lone descriptor's imports stay in its upload: a flavour fixture in one file
    body = (REPO / "samples/sol001-v4-container-vnf/vnfd.yaml").read_bytes()
    r = client.post("/v1/check?name=vnfd.yaml&flavour=nosuch", content=body)
    assert r.status_code == 422
    assert [d["code"] for d in r.json()["diagnostics"]] == ["tosca-flavour"]
    r = client.post("/v1/compile?name=vnfd.yaml&flavour=default&output=yaml", content=body)
    assert r.status_code == 200 and "kind: NetworkPolicy" in r.text
    r = client.post("/v1/compile?name=vnfd.yaml&flavour=default&output=yaml"
                    "&no-network-policies=true", content=body)
    assert r.status_code == 200 and "kind: NetworkPolicy" not in r.text
    r = client.post("/v1/check?name=vnfd.yaml&quiet=true", content=body)
    assert r.status_code == 200 and json.loads(r.text)["diagnostics"] == []


@needs_serve
def test_the_openapi_document_lists_the_table(client):
    doc = client.get("/openapi.json").json()
    for verb in options.VERBS:
        names = {p["name"] for p in doc["paths"][f"/v1/{verb}"]["post"]["parameters"]}
        want = {p["name"] for p in options.openapi_parameters(verb)} | {"name"}
        assert names == want | ({"output"} if verb == "compile" else set())
