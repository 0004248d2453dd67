"""Gladly request signing: known answers, round trips, both query forms, rejection cases."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.errors import SignatureError
from contracts.signing import (
    QueryForm,
    canonical_request,
    format_time,
    gladly_headers,
    new_correlation_id,
    parse_authorization,
    sign,
    sign_headers,
    verify,
)

KEY = "test-apikey-1"


def _vector_headers(vector: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = dict(vector["headers"])
    headers["Gladly-Authorization"] = (
        f"SigningAlgorithm=hmac-sha256, SignedHeaders={vector['signedHeaders']}, "
        f"Signature={vector['expectedSignature']}"
    )
    return headers


def test_sign_reproduces_every_known_answer_vector(signing_vectors):
    assert len(signing_vectors) == 5
    for vector in signing_vectors:
        value = sign(
            vector["signingKey"],
            vector["method"],
            vector["path"],
            vector["headers"],
            vector["body"].encode(),
        )
        algorithm, names, signature = parse_authorization(value)
        assert (vector["name"], signature) == (vector["name"], vector["expectedSignature"])
        assert ";".join(names) == vector["signedHeaders"]
        assert algorithm == "hmac-sha256"


def test_verify_accepts_every_known_answer_vector(signing_vectors):
    for vector in signing_vectors:
        verify(
            vector["signingKey"],
            vector["method"],
            vector["path"],
            _vector_headers(vector),
            vector["body"].encode(),
        )


def test_verify_rejects_v1_under_another_key(signing_vectors):
    v1 = signing_vectors[0]
    with pytest.raises(SignatureError) as info:
        verify("test-apikey-2", v1["method"], v1["path"], _vector_headers(v1), v1["body"].encode())
    assert info.value.reason == "mismatch"
    assert "test-apikey" not in str(info.value)


def test_canonical_request_matches_documented_intermediates(signing_vectors):
    v1 = signing_vectors[0]
    canonical = canonical_request(
        "POST", v1["path"], v1["headers"], v1["signedHeaders"].split(";"), v1["body"].encode()
    )
    assert canonical.endswith("f187462a1d8e09bc86ea4b4ff8c022e5e4ed23ae783b3b1b5baee4b8d69e02ca")
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    assert digest == "f96c13077adb3c06df1fa5fda8a6f32d7067735f63aa58d47e45fd6429d3cad3"


def test_canonical_request_matches_the_normaliser_vector():
    headers = {"a": "value/a", "b": "value/b", "c": "value/c", "d": "value/d"}
    canonical = canonical_request("get", "/", headers, ["a", "b", "d"], b"body")
    assert canonical == (
        "GET\n/\n\na:value/a\nb:value/b\nd:value/d\n\na;b;d\n"
        "230d8358dc8e8890b4c58deeb62912ee2f20357ae92a5cc861b98e68fe31acb5"
    )


def test_query_forms_differ_as_documented():
    headers = {"gladly-time": "20240501T120000Z"}
    documented = canonical_request("GET", "/action?order=2&b=a+b", headers, ["gladly-time"], b"")
    node = canonical_request(
        "GET",
        "/action?order=2&b=a+b",
        headers,
        ["gladly-time"],
        b"",
        query_form=QueryForm.PATH_WITH_QUERY,
    )
    assert documented.splitlines()[1:3] == ["/action", "b=a+b&order=2"]
    assert node.splitlines()[1:3] == ["/action?order=2&b=a+b", "order=2&b=a+b"]


def test_root_url_signs_slash_as_path():
    headers = {"gladly-time": "20240501T120000Z"}
    assert canonical_request("POST", "", headers, ["gladly-time"], b"").splitlines()[1] == "/"


def _signed(
    method: str,
    target: str,
    body: bytes,
    *,
    form: QueryForm = QueryForm.DOCUMENTED,
    time: datetime | None = None,
    key: str = KEY,
) -> dict[str, str]:
    headers = gladly_headers(body=bool(body), time=time)
    return sign_headers(key, method, target, headers, body, query_form=form)


@pytest.mark.parametrize("form", list(QueryForm))
def test_verify_accepts_either_query_form_by_default(form):
    headers = _signed("GET", "/actions/form?z=1&a=2", b"", form=form)
    verify(KEY, "GET", "/actions/form?z=1&a=2", headers, b"")
    other = next(f for f in QueryForm if f is not form)
    with pytest.raises(SignatureError, match="does not match"):
        verify(KEY, "GET", "/actions/form?z=1&a=2", headers, b"", query_forms=[other])


def test_verify_rejects_a_stale_time_outside_the_window():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    headers = _signed("POST", "/", b"{}", time=now - timedelta(minutes=6))
    with pytest.raises(SignatureError) as info:
        verify(KEY, "POST", "/", headers, b"{}", max_age=300, now=now)
    assert info.value.reason == "stale"
    verify(KEY, "POST", "/", headers, b"{}", max_age=600, now=now)
    verify(KEY, "POST", "/", headers, b"{}", now=now)  # no window configured: accepted


def test_verify_rejects_a_time_too_far_in_the_future():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    headers = _signed("POST", "/", b"{}", time=now + timedelta(minutes=10))
    with pytest.raises(SignatureError, match="window"):
        verify(KEY, "POST", "/", headers, b"{}", max_age=300, now=now)


def test_verify_reads_header_names_case_insensitively():
    headers = _signed("POST", "/", b"{}")
    verify(KEY, "POST", "/", {k.lower(): v for k, v in headers.items()}, b"{}")
    verify(KEY, "POST", "/", {k.upper(): v for k, v in headers.items()}, b"{}")


def test_verify_ignores_headers_that_are_not_signed():
    headers = _signed("POST", "/", b"{}")
    headers["X-Forwarded-For"] = "127.0.0.1"
    headers["Content-Length"] = "2"
    verify(KEY, "POST", "/", headers, b"{}")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h: h.pop("Gladly-Authorization"), "missing"),
        (lambda h: h.update({"Gladly-Authorization": "Bearer abc"}), "malformed"),
        (
            lambda h: h.update(
                {
                    "Gladly-Authorization": h["Gladly-Authorization"].replace(
                        "hmac-sha256", "hmac-sha1"
                    )
                }
            ),
            "algorithm",
        ),
        (lambda h: h.update({"X-B3-Traceid": "0" * 32}), "mismatch"),
        (lambda h: h.pop("Gladly-Correlation-Id"), "missing-header"),
        (lambda h: h.update({"Gladly-Time": "yesterday"}), "time"),
    ],
)
def test_verify_names_what_is_wrong(change, reason):
    headers = _signed("POST", "/", b"{}")
    change(headers)
    with pytest.raises(SignatureError) as info:
        verify(KEY, "POST", "/", headers, b"{}")
    assert info.value.reason == reason
    assert KEY not in str(info.value)


def test_verify_requires_gladly_time_to_be_signed():
    headers = gladly_headers()
    headers["Gladly-Authorization"] = sign(
        KEY, "POST", "/", headers, b"{}", signed_headers=["accept", "content-type"]
    )
    with pytest.raises(SignatureError) as info:
        verify(KEY, "POST", "/", headers, b"{}")
    assert info.value.reason == "unsigned-time"


def test_sign_needs_a_gladly_time():
    with pytest.raises(ValueError, match="Gladly-Time"):
        sign(KEY, "POST", "/", {"Accept": "application/json"}, b"{}")


def test_correlation_id_and_trace_id_encode_the_same_bytes():
    correlation, trace = new_correlation_id()
    assert len(correlation) == 22
    assert "=" not in correlation
    assert base64.urlsafe_b64decode(correlation + "==").hex() == trace


def test_gladly_headers_match_what_gladly_sends():
    headers = gladly_headers(
        time="20240501T120000Z", basic_auth=("e", "e", "e"), custom={"X-Api-Key": "k"}
    )
    assert headers["Authorization"] == "Basic ZTpl"
    assert headers["WWW-Authenticate"] == 'Basic realm="e"'
    assert headers["User-Agent"] == "Go-http-client/1.1"
    signed = parse_authorization(
        sign_headers(KEY, "POST", "/", headers, b"{}")["Gladly-Authorization"]
    )[1]
    assert signed == [
        "accept",
        "authorization",
        "content-type",
        "gladly-correlation-id",
        "gladly-time",
        "www-authenticate",
        "x-api-key",
        "x-b3-traceid",
    ]


def test_format_time_rejects_naive_datetimes():
    assert format_time(datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC)) == "20240501T120005Z"
    with pytest.raises(ValueError, match="aware"):
        format_time(datetime(2024, 5, 1))


header_names = st.from_regex(r"\AX-[A-Za-z][A-Za-z0-9-]{0,15}\Z")
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
paths = st.from_regex(r"\A/[a-z0-9/_-]{0,20}\Z")
queries = st.lists(st.tuples(st.from_regex(r"\A[a-z]{1,5}\Z"), st.text(max_size=8)), max_size=4)


@given(
    body=st.binary(max_size=512),
    custom=st.dictionaries(header_names, header_values, max_size=4),
    path=paths,
    query=queries,
    form=st.sampled_from(list(QueryForm)),
    method=st.sampled_from(["GET", "POST"]),
)
def test_sign_then_verify_round_trips(body, custom, path, query, form, method):
    from urllib.parse import urlencode

    target = path + (f"?{urlencode(query)}" if query else "")
    headers = gladly_headers(custom=custom)
    signed = sign_headers(KEY, method, target, headers, body, query_form=form)
    verify(KEY, method, target, signed, body)
    with pytest.raises(SignatureError):
        verify(KEY, method, target, signed, body + b"x")
    with pytest.raises(SignatureError):
        verify("another-key", method, target, signed, body)
