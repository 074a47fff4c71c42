"""compiler.resources: shipped files, and text written through jinja2 templates."""

from __future__ import annotations

import jinja2
import pytest

from compiler.resources import render_text, templates_dir


def test_the_csar_text_templates_are_shipped_and_render_exactly():
    assert (templates_dir() / "csar" / "ChangeLog.txt.j2").is_file()
    text = render_text("csar/ChangeLog.txt.j2", release_date="2026-01-31T10:00:00+00:00",
                       product="upf", version="1.2.0", entry="vnfd.yaml")
    assert text == "2026-01-31T10:00:00+00:00 upf 1.2.0: package built by xfc from vnfd.yaml\n"
    lic = render_text("csar/LICENSE.txt.j2", product="upf", provider="ACME")
    assert lic.splitlines()[0] == "upf by ACME."


def test_a_missing_value_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError):
        render_text("csar/ChangeLog.txt.j2", product="upf")


def test_values_are_not_html_escaped():
    text = render_text("csar/LICENSE.txt.j2", product="a<b>&c", provider="'x'")
    assert text.startswith("a<b>&c by 'x'.")
