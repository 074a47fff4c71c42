"""``xfc krm``: run xfc as a KRM function (kpt, Nephio): ResourceList on stdin -> stdout.

Phase: CLI.  Reads one ``config.kubernetes.io/v1`` ResourceList from standard input,
applies :func:`compiler.krm.run` and writes the resulting ResourceList to standard
output.  Exit 0 when no result is an error, 1 otherwise (kpt then fails the pipeline and
shows the results).

Codes: none of its own (those of the phases it runs, as results).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import yaml

from .. import krm
from ..limits import yaml_shape

DESCRIPTION = """\
Read a KRM functions specification v1 ResourceList on standard input, compile the
descriptor its functionConfig names, and write the ResourceList back with the compiled
Kubernetes objects as items and every diagnostic as a result (docs/pipelines.md).

examples:
  kpt fn eval pkg/ --exec "xfc krm" -- descriptor=tosca/slice.yaml namespace=core
  kpt fn render pkg/ --allow-exec         # with the function in the Kptfile's pipeline
"""

MAX_INPUT = 64 * 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass  # everything comes in the ResourceList's functionConfig


def _dump(doc: dict) -> str:
    """The ResourceList through the one YAML writer (compiler.yamlout)."""
    from ..yamlout import write

    return write(doc, what="KRM ResourceList", head=("apiVersion", "kind", "items", "results"))


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    text = stdin.read(MAX_INPUT + 1)
    if len(text) > MAX_INPUT:
        result = krm.run(None)
        result.resource_list["results"] = [{"message": "the ResourceList exceeds 64 MiB",
                                            "severity": "error"}]
    elif (shape := yaml_shape(text)) is not None:
        problem, line, column = shape
        result = krm.run(None)
        result.resource_list["results"] = [{"message": f"standard input at line {line}, "
                                                       f"column {column}: {problem}",
                                            "severity": "error"}]
    else:
        try:
            # libyaml's parser under PyYAML's safe constructor and resolver: the same
            # values as yaml.safe_load, several times faster on a large ResourceList
            rl = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            rl = None
            result = krm.run(None)
            result.resource_list["results"] = [{"message": f"standard input is not YAML{where}: "
                                                           f"{getattr(exc, 'problem', exc)}",
                                                "severity": "error"}]
        else:
            result = krm.run(rl)
    out.write(_dump(result.resource_list))
    return 1 if result.failed else 0
