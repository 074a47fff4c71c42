"""GitHub code scanning's documented rules for a SARIF upload, as a checker.

Facts from GitHub's "SARIF support for code scanning" and the code-scanning upload API
(docs.github.com): the file must be SARIF 2.1.0; at most 20 runs per file, 25,000 results
and 25,000 rules per run, 1,000 locations per result, 20 tags per rule; since 2025 an
upload whose runs share one tool and one category (``runs[].automationDetails.id`` up to
its last ``/``) is refused; every result needs a ``ruleId`` (or ``rule.id``), a
``message.text`` and a location whose ``physicalLocation.artifactLocation.uri`` is
relative to the repository (or resolvable through ``originalUriBaseIds``) with a
``region.startLine``; ``partialFingerprints`` lets GitHub keep one alert across runs.
Each rule (``reportingDescriptor``) needs ``id``, ``shortDescription.text``,
``fullDescription.text`` and ``help.text`` (GitHub shows them in the alert).  GitHub
lists ``informationUri`` and ``helpUri`` as optional; SARIF 2.1.0 wants each to be an
absolute URI when present (§3.19.17, §3.49.12), and GitHub shows them as links, so one
that is present must be an http(s) URL (``require_links``: also demand them, for a log
written with a documentation base).

:func:`problems` returns what GitHub would refuse or fail to place, as strings.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

MAX_RUNS = 20
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_LOCATIONS = 1_000
MAX_TAGS = 20


def category(run: dict[str, Any]) -> str:
    auto = (run.get("automationDetails") or {}).get("id", "")
    return auto.rsplit("/", 1)[0] + "/" if "/" in auto else auto


def _link_problem(uri: Any) -> str | None:
    parts = urlparse(uri) if isinstance(uri, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{uri!r} is not an absolute http(s) URL"
    return None


def problems(doc: dict[str, Any], *, allow_absolute: bool = False,
             require_links: bool = False) -> list[str]:
    out: list[str] = []
    if doc.get("version") != "2.1.0":
        out.append("version is not 2.1.0")
    runs = doc.get("runs")
    if not isinstance(runs, list) or not runs:
        return out + ["no runs"]
    if len(runs) > MAX_RUNS:
        out.append(f"{len(runs)} runs; at most {MAX_RUNS}")
    seen: set[tuple[str, str]] = set()
    for i, run in enumerate(runs):
        driver = (run.get("tool") or {}).get("driver") or {}
        key = (driver.get("name", ""), category(run))
        if not key[0]:
            out.append(f"run {i}: tool.driver.name is missing")
        if key in seen:
            out.append(f"run {i}: a second run of tool {key[0]!r} with category {key[1]!r}")
        seen.add(key)
        info = driver.get("informationUri")
        if info is None and require_links:
            out.append(f"run {i}: tool.driver.informationUri is missing")
        elif info is not None and _link_problem(info):
            out.append(f"run {i}: tool.driver.informationUri {_link_problem(info)}")
        rules = driver.get("rules") or []
        if len(rules) > MAX_RULES:
            out.append(f"run {i}: {len(rules)} rules; at most {MAX_RULES}")
        for r in rules:
            if len((r.get("properties") or {}).get("tags") or ()) > MAX_TAGS:
                out.append(f"rule {r.get('id')}: more than {MAX_TAGS} tags")
            for key in ("shortDescription", "fullDescription", "help"):
                if not (r.get(key) or {}).get("text"):
                    out.append(f"rule {r.get('id')}: no {key}.text")
            link = r.get("helpUri")
            if link is None and require_links:
                out.append(f"rule {r.get('id')}: no helpUri")
            elif link is not None and _link_problem(link):
                out.append(f"rule {r.get('id')}: helpUri {_link_problem(link)}")
        bases = run.get("originalUriBaseIds") or {}
        results = run.get("results")
        if not isinstance(results, list):
            out.append(f"run {i}: results is missing")
            continue
        if len(results) > MAX_RESULTS:
            out.append(f"run {i}: {len(results)} results; at most {MAX_RESULTS}")
        for j, res in enumerate(results):
            where = f"run {i} result {j}"
            if not (res.get("ruleId") or (res.get("rule") or {}).get("id")):
                out.append(f"{where}: no ruleId")
            if not (res.get("message") or {}).get("text"):
                out.append(f"{where}: no message.text")
            if not res.get("partialFingerprints"):
                out.append(f"{where}: no partialFingerprints")
            locs = res.get("locations") or []
            if not locs:
                out.append(f"{where}: no location")
            if len(locs) > MAX_LOCATIONS:
                out.append(f"{where}: {len(locs)} locations; at most {MAX_LOCATIONS}")
            for loc in locs + res.get("relatedLocations", []):
                phys = loc.get("physicalLocation")
                if phys is None:
                    out.append(f"{where}: a location without physicalLocation")
                    continue
                art = phys.get("artifactLocation") or {}
                uri = art.get("uri", "")
                if not uri:
                    out.append(f"{where}: artifactLocation.uri is missing")
                scheme = urlparse(uri).scheme
                if scheme and not (allow_absolute and scheme == "file"):
                    out.append(f"{where}: {uri} is not relative to the checkout")
                base = art.get("uriBaseId")
                if base is not None:
                    b = (bases.get(base) or {}).get("uri", "")
                    if not b.endswith("/") or urlparse(b).scheme != "file":
                        out.append(f"{where}: uriBaseId {base} is not a file: folder URI in "
                                   "originalUriBaseIds")
                start = (phys.get("region") or {}).get("startLine")
                if not isinstance(start, int) or start < 1:
                    out.append(f"{where}: {uri} has no region.startLine")
    return out
