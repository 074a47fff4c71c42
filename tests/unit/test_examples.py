"""Every example the user sees works (issue 9 item 10).

Examples are collected, not listed here, so that new ones are picked up:

* ``--help`` texts: every indented line of ``xfc --help`` and of each verb's ``--help``
  that starts with ``xfc `` (the epilog and the "examples:" of each description);
* ``README.md`` and ``docs/**/*.md``: in fenced ``console`` blocks, each ``$ xfc …`` line,
  with the lines after it (up to the next ``$`` line) as its shown output; in ``sh``,
  ``shell`` and ``bash`` blocks, each command of a line (split at ``&&`` and ``;``) that
  starts with ``xfc ``; and a fenced block right after a line that ends in
  ``\\`xfc …\\`:`` is that command's shown output.

Each example runs in a fresh folder that sees the repository's files (so ``-o out/``
writes there), with ``xfc`` meaning this worktree's compiler: through ``bash -o
pipefail`` when it uses shell syntax, else through ``compiler.cli.main`` in this process
(what the console script calls).  It
must exit 0, or 1 when its shown output reports an error (``error[``).  Where output is
shown it must equal what the command prints (stdout, or stdout then stderr), a line
``…`` or ``...`` standing for any lines.  A command piped to another tool (jq, dot,
kubernetes-validate …) is skipped with the reason when the tool is missing; tools that
``.ci/tools.sh`` installs are required under ``CI=true XFC_REQUIRE_TOOLS=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import cli
from tests.support.validators import tool_missing_reason

try:  # the session's real API server, for `xfc operator` examples
    from tests.support.apiserver import apiserver  # noqa: F401
except ImportError:  # pragma: no cover - a tree without it skips those examples
    apiserver = None

REPO = Path(__file__).resolve().parents[2]
SHELL_LANGS = {"sh", "shell", "bash"}
CONSOLE_LANGS = {"console", "shell-session"}
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)
CAPTION = re.compile(r"`(xfc [^`]+)`:\s*$")
ELLIPSIS = {"…", "..."}
# a command with any of these needs a shell (pipes, redirections, variables, globs, comments)
SHELL_SYNTAX = re.compile(r"""[|&;<>()$`*?~#"'\\]|^\w+=""")
# tools that .ci/tools.sh provides: missing ones fail under CI=true XFC_REQUIRE_TOOLS=1
CI_TOOLS = {"kubernetes-validate", "kubectl", "helm", "jq", "dot"}


@dataclass(frozen=True)
class Example:
    where: str  # file:line, or "xfc VERB --help"
    command: str  # as written, starting with "xfc "
    shown: tuple[str, ...] | None = None  # the output the text shows, if any


def _help_texts() -> dict[str, str]:
    parser, _ = cli.build_parser()
    texts = {"xfc --help": parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for verb, sub in action.choices.items():
                texts[f"xfc {verb} --help"] = sub.format_help()
    return texts


def help_examples() -> list[Example]:
    out = []
    for where, text in _help_texts().items():
        for line in text.splitlines():
            # examples are indented; prose such as the description starts at column 0
            if line[:1].isspace() and line.strip().startswith("xfc "):
                out.append(Example(where, line.strip()))
    return out


def _segments(line: str) -> list[str]:
    return [s.strip() for s in re.split(r"&&|;", line) if s.strip().startswith("xfc ")]


def doc_examples(path: Path) -> list[Example]:
    return parse_examples(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix())


def parse_examples(text: str, rel: str) -> list[Example]:
    out = []
    for m in FENCE.finditer(text):
        lang, body = m.group("lang").lower(), m.group("body")
        first = text.count("\n", 0, m.start("body")) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if cap := CAPTION.search(before):
            lines = [ln[len(m.group("indent")):] for ln in body.splitlines()]
            out.append(Example(f"{rel}:{first - 1}", cap.group(1), tuple(lines)))
        lines = body.splitlines()
        if lang in CONSOLE_LANGS:
            i = 0
            while i < len(lines):
                line = lines[i].strip()
                i += 1
                if not line.startswith("$ "):
                    continue
                start = i
                while i < len(lines) and not lines[i].strip().startswith("$ "):
                    i += 1
                shown = [ln[len(m.group("indent")):] for ln in lines[start:i]]
                while shown and not shown[-1].strip():
                    shown.pop()
                for cmd in _segments(line[2:]):
                    out.append(Example(f"{rel}:{first + start - 1}", cmd, tuple(shown) or None))
        elif lang in SHELL_LANGS:
            for n, line in enumerate(lines):
                if line.strip().startswith("#"):
                    continue
                for cmd in _segments(line.strip().removeprefix("$ ")):
                    out.append(Example(f"{rel}:{first + n}", cmd))
    return out


def all_examples() -> list[Example]:
    docs = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    return help_examples() + [e for p in docs if p.is_file() for e in doc_examples(p)]


EXAMPLES = all_examples()


def _tools(command: str) -> list[str]:
    """The programs a shell command line runs besides xfc."""
    try:
        words = shlex.split(command, comments=True, posix=True)
    except ValueError:
        return []
    stages, current = [], []
    for w in words + ["|"]:
        if w in ("|", "&&", "||", ";"):
            if current:
                stages.append(current[0])
            current = []
        elif not current and "=" in w and not w.startswith("-"):
            continue  # VAR=value prefix
        else:
            current.append(w)
    return [s for s in stages if s != "xfc"]


@pytest.fixture(scope="module")
def shim(tmp_path_factory) -> dict[str, str]:
    """An ``xfc`` on PATH that runs this worktree's compiler."""
    bin_dir = tmp_path_factory.mktemp("bin")
    xfc = bin_dir / "xfc"
    xfc.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m compiler "$@"\n')
    xfc.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    env.pop("XFC_PROFILE_PATH", None)
    return env


def _workdir(tmp_path: Path) -> Path:
    """A folder that sees the repository's files; what examples write stays in it."""
    for entry in REPO.iterdir():
        if entry.name in (".git", "out") or entry.name.startswith(".xfc-"):
            continue
        (tmp_path / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return tmp_path


def _in_process(argv: list[str], cwd: Path, monkeypatch) -> subprocess.CompletedProcess:
    """``xfc ARGV`` through :func:`compiler.cli.main`, as the console script runs it."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("XFC_PROFILE_PATH", raising=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv, out=out)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def _norm(text: str) -> list[str]:
    lines = [ln.rstrip() for ln in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _matches(shown: list[str], actual: list[str]) -> bool:
    pattern = "\n".join(".*?" if s.strip() in ELLIPSIS else re.escape(s) for s in shown)
    pattern = pattern.replace("\n.*?\n", "(?:\n.*?)?\n")
    return re.fullmatch(pattern, "\n".join(actual), re.S) is not None


def test_examples_are_found():
    where = {e.where.split(":")[0] for e in EXAMPLES}
    assert {"xfc --help", "xfc check --help", "xfc compile --help", "README.md"} <= where
    assert sum(e.shown is not None for e in EXAMPLES) >= 3  # README shows output


def test_parser_reads_console_blocks():
    text = ("a `xfc graph p --format mermaid`:\n\n```mermaid\nflowchart\n```\n\n"
            "```console\n$ xfc check a\nline 1\n\n$ ls && xfc version\n```\n"
            "```sh\npip install . && xfc compile a -o out/  # c\n# xfc not this\n```\n")
    got = [(e.where, e.command, e.shown) for e in parse_examples(text, "x.md")]
    assert got == [("x.md:3", "xfc graph p --format mermaid", ("flowchart",)),
                   ("x.md:8", "xfc check a", ("line 1",)),
                   ("x.md:11", "xfc version", None),
                   ("x.md:14", "xfc compile a -o out/  # c", None)]


# a verb whose --help examples need an extra of `pip install`, which its help must name
HELP_EXTRAS = {"serve": "serve"}
_OUTPUT_FLAGS = {"-o", "--output", ">", ">>"}
_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".pem", ".csar", ".zip", ".tar.gz")


def test_help_examples_need_nothing_but_a_fresh_install():
    """Issue 21 item 9: a --help example runs after `pip install xfc` in the source tree:
    it pipes to no other program (jq, dot, kubernetes-validate are not installed with
    xfc), reads no file the user would have to make (a key.pem), and needs an extra only
    where the verb's own help says which."""
    texts = _help_texts()
    for e in help_examples():
        assert not _tools(e.command), f"{e.where}: `{e.command}` needs {_tools(e.command)}"
        verb = _verb(e.command)
        if verb in HELP_EXTRAS:
            assert f"'{HELP_EXTRAS[verb]}' extra" in texts[f"xfc {verb} --help"], e.where
        words = shlex.split(e.command, comments=True)
        for before, word in zip(["xfc", *words], words):
            if before in _OUTPUT_FLAGS or word.startswith("-") or "=" in word:
                continue
            if word.endswith(_FILE_SUFFIXES) or word.startswith("samples/"):
                assert (REPO / word).exists(), f"{e.where}: `{e.command}` reads {word}, " \
                    "which a fresh checkout does not have"


def test_tools_of_a_pipeline():
    assert _tools("xfc graph a --format json | jq -c .graph.waves") == ["jq"]
    assert _tools("xfc graph a | dot -Tsvg > slice.svg") == ["dot"]
    assert _tools("xfc check a   # comment | not a tool") == []


def _signing_pair(cwd: Path, command: str) -> None:
    """An example that signs names its key and certificate files (``--sign-key key.pem
    --sign-cert cert.pem``), as a user would have them: a fresh self-signed pair is made
    in the example's folder under those names."""
    pytest.importorskip("cryptography", reason="signing needs the 'bundle' extra")
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    words = shlex.split(command, comments=True)
    key_file = words[words.index("--sign-key") + 1]
    cert_file = words[words.index("--sign-cert") + 1]
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xfc example signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (cwd / key_file).write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    (cwd / cert_file).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _verb(command: str) -> str:
    words = command.split()
    return words[1] if len(words) > 1 else ""


def _serve_example(example: Example, cwd: Path, env: dict[str, str]) -> None:
    """``xfc serve`` runs until stopped: start it as written, ask /healthz, stop it with
    SIGTERM (which drains) and expect it to end by that signal, as documented."""
    import signal
    import time
    import urllib.request

    pytest.importorskip("uvicorn", reason="xfc serve needs the 'serve' extra")
    argv = shlex.split(example.command.rstrip("& "), comments=True)
    ns = argparse.ArgumentParser(add_help=False)
    ns.add_argument("--host", default="127.0.0.1")
    ns.add_argument("--port", type=int, default=8080)
    known, _ = ns.parse_known_args(argv[2:])
    host = "127.0.0.1" if known.host in ("0.0.0.0", "::") else known.host
    proc = subprocess.Popen(["xfc", *argv[1:]], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://{host}:{known.port}/healthz", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.2)
        assert status == 200, f"{example.where}: `{example.command}` never answered /healthz " \
                              f"(exit {proc.poll()}): {proc.stderr.read() if proc.poll() is not None else ''}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"{example.where}: `{example.command}` did not stop on SIGTERM")
    assert code in (0, -signal.SIGTERM), f"{example.where}: `{example.command}` exited {code} on SIGTERM"


def _operator_example(example: Example, cwd: Path, env: dict[str, str], request) -> None:
    """``xfc operator`` runs until stopped and needs an API server: run it as written
    against the test API server (tests/support/apiserver.py), in the namespace it names
    (created first, with the FailurePolicy CRD), see it start and hold on, then stop it
    with SIGTERM, which kopf handles (it ends by the signal, as ``xfc serve`` does)."""
    import signal
    import time

    pytest.importorskip("kopf", reason="xfc operator needs the 'operator' extra")
    if apiserver is None:
        pytest.skip("tests/support/apiserver.py is not in this tree")
    server = request.getfixturevalue("apiserver")
    argv = shlex.split(example.command, comments=True)
    ns = argparse.ArgumentParser(add_help=False)
    ns.add_argument("--namespace", "-n")
    known, _ = ns.parse_known_args(argv[2:])
    server.kubectl("create", "namespace", known.namespace)  # may exist from another example
    rc, out = server.apply(crd_text(), dry_run=False, server_side=True)
    assert rc == 0, out
    env = {**env, "KUBECONFIG": str(server.kubeconfig)}
    proc = subprocess.Popen(["xfc", *argv[1:]], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(8)
        assert proc.poll() is None, f"{example.where}: `{example.command}` exited " \
                                    f"{proc.returncode}: {proc.stderr.read()[-2000:]}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"{example.where}: `{example.command}` did not stop on SIGTERM")
    # kopf stops its timers and gives the Lease up, then the process ends by the signal
    # (as `xfc serve` does): 0 or SIGTERM's status
    assert code in (0, -signal.SIGTERM), f"{example.where}: `{example.command}` exited {code} on SIGTERM"
    assert "xfc: operator for namespace" in proc.stdout.read()


def crd_text() -> str:
    from compiler.emitters.policies.failurepolicy import crd_text as text  # noqa: PLC0415

    return text()


def _param(e: Example):
    """An ``xfc operator`` example runs on the session's API server: with pytest-xdist it
    joins the worker that has the server (tests/support/cpu_lock.py).  The ``xfc serve``
    examples bind the port they are written with (8080), as the operator end-to-end
    tests' stand-in for the Pods does: the same worker runs them all, one after the
    other, or two at once collide on the port."""
    verb = _verb(e.command)
    marks = [pytest.mark.xdist_group("apiserver")] if verb in ("operator", "serve") else []
    return pytest.param(e, marks=marks, id=f"{e.where}: {e.command}")


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_example_runs(example: Example, shim, tmp_path, monkeypatch, request):
    for tool in _tools(example.command):
        reason = tool_missing_reason(tool) if tool in CI_TOOLS else None
        if reason is None and shutil.which(tool, path=shim["PATH"]) is None:
            reason = f"{tool} is not on PATH"
        if reason is not None:
            if tool in CI_TOOLS and os.environ.get("CI") == "true" \
                    and os.environ.get("XFC_REQUIRE_TOOLS") == "1":
                pytest.fail(f"{tool} not available: {reason} (CI=true XFC_REQUIRE_TOOLS=1)")
            pytest.skip(f"{example.where}: {tool} not available ({reason}); the example pipes to it")
    cwd = _workdir(tmp_path)
    if "--sign-key" in example.command:
        _signing_pair(cwd, example.command)
    if _verb(example.command) == "serve":
        _serve_example(example, cwd, shim)
        return
    if _verb(example.command) == "operator":
        _operator_example(example, cwd, shim, request)
        return
    if SHELL_SYNTAX.search(example.command):
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", example.command], cwd=cwd,
                              env=shim, capture_output=True, text=True, timeout=120)
    else:  # a plain command: in this process, which keeps the parsed catalog warm
        proc = _in_process(shlex.split(example.command)[1:], cwd, monkeypatch)
    shown = list(example.shown) if example.shown is not None else None
    expects_error = shown is not None and any("error[" in s for s in shown)
    allowed = (0, 1) if expects_error else (0,)
    assert proc.returncode in allowed, (
        f"{example.where}: `{example.command}` exited {proc.returncode}\n"
        f"stdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}")
    if "jq" in _tools(example.command):  # jq prints null for a key that is not there
        assert set(_norm(proc.stdout)) - {"null"}, (
            f"{example.where}: `{example.command}` prints only null: the filter names no key")
    if shown is not None:
        out, both = _norm(proc.stdout), _norm(proc.stdout + proc.stderr)
        assert _matches(shown, out) or _matches(shown, both), (
            f"{example.where}: `{example.command}` prints something else than the text shows\n"
            "shown:\n" + "\n".join(shown) + "\nprinted:\n" + "\n".join(both))
