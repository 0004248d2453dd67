"""The HTML report's parts, from a report built here: the failing path highlighted in
pretty-printed JSON, adapter text escaped, secrets redacted, one script allowed by its hash."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from contracts.rules import Finding
from contracts.verify.html_report import as_html
from contracts.verify.options import Observation, Report, VerifyOptions
from contracts.verify.transport import Received, Sent

KEY = "html-report-signing-key-93"


def _report(body: object, path: str) -> Report:
    options = VerifyOptions("http://127.0.0.1:9/", signing_key=KEY, seed=7)
    raw = json.dumps(body).encode()
    finding = Finding("profile.field-types", "error", "name must be a string", path)
    sent = Sent("POST", options.url, {"Content-Type": "application/json"}, b'{"a":1}')
    received = Received(200, {"Content-Type": "application/json"}, raw, 0.01)
    return Report(options, [Observation(finding, "detailed lookup", sent, received)], {"x": False})


def test_the_failing_path_is_highlighted_in_pretty_json():
    body = {"results": [{"externalCustomerId": "1", "name": 7, "emails": [{"original": "a@b"}]}]}
    page = as_html(_report(body, "results[0].name"))
    marked = re.findall(r"<mark>(.*?)</mark>", page)
    assert marked == ["      &quot;name&quot;: 7,"]
    assert "&quot;externalCustomerId&quot;: &quot;1&quot;," in page  # pretty, one key a line
    nested = as_html(_report(body, "results[0].emails"))
    assert len(re.findall(r"<mark>", nested)) == 5  # the array and everything in it


def test_adapter_text_is_escaped_secrets_redacted_and_only_our_script_runs():
    body = {"results": [{"name": "<script>alert(1)</script>", "note": f"key={KEY}"}]}
    page = as_html(_report(body, "results[0].name"))
    assert "<script>alert" not in page
    assert KEY not in page
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page
