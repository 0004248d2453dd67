"""lookupkit serve as users run it: a subprocess, real ports, SIGTERM, restarts on the same file."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
import urllib.request
from typing import Any

from contracts.gladly import gladly_request
from tests.helpers import serving

KEY = "serve-test-key"
TOKEN = "shpat_serve_test"


def call(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = (
        body
        if isinstance(body, bytes)
        else (json.dumps(body).encode() if body is not None else None)
    )
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_serve_all_answers_persists_and_stops_cleanly(lookupkit, tmp_path):
    db = str(tmp_path / "oms.sqlite3")
    args = [
        "all",
        "--port",
        "0",
        "--db",
        db,
        "--signing-key",
        KEY,
        "--oms-token",
        TOKEN,
        "--customers",
        "12",
        "--reference-date",
        "2026-11-28",
    ]
    with serving(lookupkit, *args) as (proc, urls, lines):
        assert set(urls) == {"oms", "adapter", "gladly"}
        customers = [line for line in lines if "externalCustomerId" in line]
        assert len(customers) == 5
        customer_id = re.search(r"externalCustomerId (\d+)", customers[0]).group(1)  # type: ignore[union-attr]
        lookup = {
            "lookupLevel": "DETAILED",
            "query": {"externalCustomerId": customer_id},
            "uniqueMatchRequired": True,
        }
        raw, headers = gladly_request("POST", urls["adapter"] + "/", lookup, key=KEY)
        status, body = call(urls["adapter"] + "/", "POST", raw, headers)
        assert status == 200
        order_link = body["results"][0]["transactions"][0]["orderLink"]
        order_id = order_link.rsplit("/", 1)[1]
        shopify = f"{urls['oms']}/admin/api/2025-01/orders/{order_id}.json"
        auth = {"X-Shopify-Access-Token": TOKEN, "Content-Type": "application/json"}
        assert call(shopify, "PUT", {"order": {"note": "kept across restarts"}}, auth)[0] == 200
        assert call(urls["adapter"] + "/", "POST", raw, {})[0] == 401
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert "Stopping..." in "\n".join(lines)
    with serving(lookupkit, *args[:-4], "--customers", "3") as (_, urls, _lines):
        status, body = call(shopify.replace(shopify.split("/admin")[0], urls["oms"]), headers=auth)
        assert (status, body["order"]["note"]) == (200, "kept across restarts")
        _, counted = call(urls["oms"] + "/_mock/customers")
        assert len(counted["customers"]) == 12  # not reseeded


def test_serve_oms_alone_serves_all_three_platforms(lookupkit, tmp_path):
    with serving(lookupkit, "oms", "--port", "0", "--db", ":memory:", "--oms-token", TOKEN) as (
        _,
        urls,
        lines,
    ):
        assert set(urls) == {"oms"}
        base = urls["oms"]
        assert (
            call(
                f"{base}/admin/api/2024-10/orders/count.json",
                headers={"X-Shopify-Access-Token": TOKEN},
            )[0]
            == 200
        )
        assert (
            call(f"{base}/stores/abc/v2/order_statuses", headers={"X-Auth-Token": TOKEN})[0] == 200
        )
        assert (
            call(
                f"{base}/rest/V1/orders?searchCriteria[pageSize]=1",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )[0]
            == 200
        )
        assert any("BigCommerce" in line for line in lines)


def test_serve_refuses_a_port_in_use_with_one_line(lookupkit):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [lookupkit, "serve", "oms", "--port", str(port), "--db", ":memory:"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"lookupkit: error: port {port} on 127.0.0.1 is in use; pick another with --port"
    )


def test_serve_rejects_an_unknown_mutant(lookupkit):
    started = time.monotonic()
    result = subprocess.run(
        [lookupkit, "serve", "--mutant", "gremlin"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "lookupkit mutants" in result.stderr
    assert result.stderr.count("\n") == 1
    assert time.monotonic() - started < 30


def _token(lines: list[str]) -> str:
    return next(line.split(": ", 1)[1].strip() for line in lines if "Lookupkit-Admin-Token" in line)


def test_admin_writes_need_the_printed_token_and_no_admin_serves_none(lookupkit):
    json_type = {"Content-Type": "application/json"}
    tokens = []
    for _ in range(2):
        with serving(lookupkit, "oms", "--port", "0", "--db", ":memory:") as (_, urls, lines):
            token = _token(lines)
            tokens.append(token)
            assert call(urls["oms"] + "/_mock/reset", "POST", {}, json_type)[0] == 401
            signed = json_type | {"Lookupkit-Admin-Token": token}
            assert call(urls["oms"] + "/_mock/reset", "POST", {}, signed) == (200, {"ok": True})
    assert tokens[0] != tokens[1]  # a new one each run
    assert len(tokens[0]) >= 20
    args = ["oms", "--port", "0", "--db", ":memory:", "--admin-token", "chosen-token-1"]
    with serving(lookupkit, *args) as (_, urls, lines):
        assert _token(lines) == "chosen-token-1"
    with serving(lookupkit, "oms", "--port", "0", "--db", ":memory:", "--no-admin") as (
        _,
        urls,
        lines,
    ):
        assert not [line for line in lines if "_mock" in line or "Admin-Token" in line]
        assert call(urls["oms"] + "/_mock/health")[0] == 404
        status, _ = call(urls["oms"] + "/_mock/reset", "POST", {}, json_type)
        assert status in (404, 405)


def test_serve_gladly_or_adapter_alone_creates_no_oms_database(lookupkit, tmp_path):
    for role, kept in (
        (("adapter",), []),
        (("gladly", "--adapter", "http://127.0.0.1:9/"), ["lookupkit-gladly.sqlite3"]),
    ):
        with serving(lookupkit, *role, "--port", "0", cwd=tmp_path) as (_, urls, lines):
            assert set(urls) == {role[0]}, lines
        # no lookupkit.sqlite3 and no lock file; the fake Gladly keeps only its own file
        assert sorted(p.name for p in tmp_path.iterdir()) == kept, role


ALL_TYPES = "ORDER,FLIGHT,STAY,SUBSCRIPTION,GENERIC"


def test_serve_all_with_data_shows_every_card_type(lookupkit, tmp_path):
    data = tmp_path / "customers.json"
    generated = subprocess.run(
        [lookupkit, "generate", "--customers", "3", "--types", ALL_TYPES, "--view", "gladly",
         "--reference-date", "2026-11-28", "--out", str(data)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    profile = json.loads(data.read_text())["customers"][1]["gladly"]
    email = profile["emails"][0]["original"]
    args = ["all", "--port", "0", "--db", ":memory:", "--data", str(data)]
    with serving(lookupkit, *args) as (_, urls, lines):
        assert any(email in line for line in lines), lines  # the file's customers to try
        status, created = call(urls["gladly"] + "/api/profiles", "POST", {"name": "Card Check", "emails": [email.upper()]}, {"Content-Type": "application/json"})  # fmt: skip
        assert status == 201, created
        status, linked = call(f"{urls['gladly']}/api/profiles/{created['id']}/autolink", "POST", {}, {"Content-Type": "application/json"})  # fmt: skip
    assert status == 200, linked
    assert linked["profile"]["linkedTo"] == profile["externalCustomerId"]
    shown = {card["type"] for card in linked["profile"]["cards"]}
    assert shown == set(ALL_TYPES.split(","))


def test_serve_with_a_bad_data_file_is_one_line_and_exit_2(lookupkit, tmp_path):
    broken = tmp_path / "broken.ndjson"
    broken.write_text('{"gladly": {"externalCustomerId": "1"}}\n{not json\n')
    for path, needle in ((broken, "broken.ndjson:2"), (tmp_path / "missing.json", "cannot read")):
        result = subprocess.run(
            [lookupkit, "serve", "adapter", "--port", "0", "--data", str(path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert needle in result.stderr
        assert "lookupkit generate --view gladly" in result.stderr  # the hint
        assert "Traceback" not in result.stderr
