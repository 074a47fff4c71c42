"""compiler.bounds.object_size: objects larger than what kubectl apply, the API server's
ConfigMap/Secret check or etcd store are reported, once, with the largest limit (the last
two are errors)."""

from __future__ import annotations

from compiler import bounds
from compiler.diagnostics import Diagnostics, Span

SPAN = Span("x.yaml", 3, 5)


def _warn(body):
    diags = Diagnostics()
    size = bounds.object_size(body, SPAN, diags)
    return size, [(d.code, d.message) for d in diags]


def _obj(kind, **fields):
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": "n"}, **fields}


def test_a_small_object_is_silent_and_measured_as_compact_json():
    size, warned = _warn(_obj("ConfigMap", data={"a": "b"}))
    assert warned == []
    assert size == len('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"n"},"data":{"a":"b"}}')


def test_just_over_256_kib_asks_for_server_side_apply():
    body = _obj("Deployment", spec={"x": "y" * bounds.APPLY_ANNOTATION_BYTES})
    size, warned = _warn(body)
    assert size > bounds.APPLY_ANNOTATION_BYTES
    assert [c for c, _ in warned] == ["k8s-object-too-large"]
    assert "last-applied-configuration" in warned[0][1] and "Deployment 'n'" in warned[0][1]


def test_exactly_the_annotation_limit_is_allowed():
    empty = len('{"apiVersion":"v1","kind":"Deployment","metadata":{"name":"n"},"spec":{"x":""}}')
    body = _obj("Deployment", spec={"x": "y" * (bounds.APPLY_ANNOTATION_BYTES - empty)})
    size, warned = _warn(body)
    assert size == bounds.APPLY_ANNOTATION_BYTES and warned == []


def test_a_configmap_with_more_than_1_mib_of_data():
    _, warned = _warn(_obj("ConfigMap", data={"k": "v" * (bounds.CONFIG_DATA_BYTES + 10)}))
    assert len(warned) == 1 and "data exceeds 1,048,576 bytes" in warned[0][1]
    assert warned[0][0] == "k8s-config-too-large"  # an error: no cluster takes it
    _, refused = _warn(_obj("Secret", stringData={"k": "v" * (bounds.CONFIG_DATA_BYTES + 10)}))
    assert [c for c, _ in refused] == ["k8s-config-too-large"]
    diags = Diagnostics()
    bounds.object_size(_obj("ConfigMap", data={"k": "v" * (bounds.CONFIG_DATA_BYTES + 10)}), SPAN, diags)
    assert diags.has_errors and "split the values" in next(iter(diags)).hint
    # the same size in a kind without a data limit is only the annotation warning
    _, warned = _warn(_obj("FailurePolicy", spec={"k": "v" * (bounds.CONFIG_DATA_BYTES + 10)}))
    assert len(warned) == 1 and "last-applied-configuration" in warned[0][1]


def test_over_etcd_s_request_limit_says_the_api_server_cannot_store_it():
    _, warned = _warn(_obj("PrometheusRule", spec={"k": "v" * bounds.ETCD_REQUEST_BYTES}))
    assert len(warned) == 1 and "etcd" in warned[0][1] and "cannot store" in warned[0][1]
    # an error since issue 22 (a default cluster refuses it), with a hint to split or mount
    assert warned[0][0] == "k8s-object-unstorable"
    diags = Diagnostics()
    bounds.object_size(_obj("Deployment", spec={"k": "v" * bounds.ETCD_REQUEST_BYTES}), SPAN, diags)
    (d,) = diags
    assert diags.has_errors and "mounted" in d.hint and (d.span.line, d.span.column) == (3, 5)
    # one byte under the limit is the annotation warning only
    empty = len('{"apiVersion":"v1","kind":"Deployment","metadata":{"name":"n"},"spec":{"k":""}}')
    size, warned = _warn(_obj("Deployment", spec={"k": "v" * (bounds.ETCD_REQUEST_BYTES - empty)}))
    assert size == bounds.ETCD_REQUEST_BYTES and [c for c, _ in warned] == ["k8s-object-too-large"]


def test_non_ascii_counts_in_utf8_bytes():
    # 100,000 three-byte characters: 300,000 bytes on the wire, 100,000 characters
    size, warned = _warn(_obj("Deployment", spec={"x": "\u20ac" * 100_000}))
    assert size > 300_000 and len(warned) == 1
