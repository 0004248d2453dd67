"""Secrets are masked in every form they travel in, whatever their length."""

from __future__ import annotations

import base64
import json
import math
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.redact import REDACTED, Redactor, encodings


def test_short_secrets_and_their_encodings_are_masked():
    redact = Redactor(["pw", "a b/c?"])
    text = "user=pw&q=a%20b%2Fc%3F&r=a+b%2fc%3f&s=" + base64.b64encode(b"pw").decode()
    assert redact.text(text) == f"user={REDACTED}&q={REDACTED}&r={REDACTED}&s={REDACTED}"


def test_json_and_html_escaped_forms_are_masked():
    secret = 'k"e\\y<é>'
    redact = Redactor([secret])
    for shown in (json.dumps(secret), json.dumps(secret, ensure_ascii=False), "&lt;é&gt;"):
        assert secret not in redact.text(shown)
    assert redact.text(json.dumps({"echo": secret})) == json.dumps({"echo": REDACTED})


def test_an_echoed_basic_header_is_masked():
    header = "Basic " + base64.b64encode(b"lookupkit:hunter2-but-longer").decode()
    redact = Redactor(["lookupkit:hunter2-but-longer", "hunter2-but-longer"])
    assert redact.text(f'{{"you sent": "{header}"}}') == f'{{"you sent": "Basic {REDACTED}"}}'


@settings(max_examples=300, deadline=None)
@given(
    secret=st.binary(min_size=9, max_size=40).map(lambda b: b.hex()[: len(b)]),
    before=st.binary(max_size=10),
    after=st.binary(max_size=10),
    urlsafe=st.booleans(),
)
def test_base64_of_any_text_holding_the_secret_exposes_at_most_two_bytes_per_side(
    secret, before, after, urlsafe
):
    """Inside a longer base64 text, at any offset, only the secret's bytes that share a 3-byte
    group with its neighbours can stay readable: at most two at each end."""
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    plain = before + secret.encode() + after
    text = encode(plain).decode()
    masked = Redactor([secret]).text(text)
    assert masked != text
    left, _, right = masked.partition(REDACTED)
    start = len(text) - len(right)  # where the untouched right part begins in the original
    readable_left = len(left) // 4 * 3  # plaintext bytes the left part still decodes to
    readable_right = math.ceil(start / 4) * 3
    first, end = len(before), len(before) + len(secret)
    exposed_left = max(0, min(readable_left, end) - first)
    exposed_right = max(0, end - max(readable_right, first))
    assert exposed_left <= 2
    assert exposed_right <= 2


def test_every_encoding_listed_is_masked_in_running_text():
    secret = "s3cr:et/key+=="
    redact = Redactor([secret])
    for form in encodings(secret):
        assert form not in redact.text(f"before {form} after"), form
    assert urllib.parse.quote(secret, safe="") in encodings(secret)
