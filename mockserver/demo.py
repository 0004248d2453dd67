"""``make demo``: the kit's main job, end to end, on the embedded defaults.

For now this checks the documented examples and reproduces the documented signature; once the
fake OMS and reference adapter exist it starts them and verifies the adapter.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from contracts.spec import load_examples


def _run(*args: str) -> int:
    print(f"\n$ lookupkit {shlex.join(args)}", flush=True)
    return subprocess.call([sys.executable, "-m", "mockserver", *args])


def main() -> int:
    examples = load_examples()
    with tempfile.TemporaryDirectory(prefix="lookupkit-demo-") as tmp:
        folder = Path(tmp)
        transactions = [
            examples[n]["value"]
            for n in ("order", "flight", "stay", "subscription", "generic-res-1")
        ]
        response = {
            "results": [
                {
                    "externalCustomerId": "abc",
                    "name": "Martha Williams",
                    "emails": [{"original": "martha.williams@gmail.com"}],
                    "phones": [{"original": "+15013299800", "type": "MOBILE"}],
                    "transactions": transactions,
                }
            ]
        }
        (folder / "response.json").write_text(json.dumps(response, indent=2))
        (folder / "request.json").write_text(json.dumps(examples["detailed-request"]["value"]))
        body = json.dumps(
            examples["detailed-request"]["value"], separators=(",", ":"), sort_keys=True
        )
        (folder / "body.json").write_text(body)
        print("The documented transaction examples, as one detailed lookup response:")
        agent = _run(
            "check", str(folder / "response.json"), "--request", str(folder / "request.json")
        )
        sidekick = _run(
            "check",
            str(folder / "response.json"),
            "--request",
            str(folder / "request.json"),
            "--profile",
            "sidekick",
        )
        print(
            "\nThe documentation's signing example, re-signed (expect Signature=4c633fca...278c):"
        )
        signed = _run(
            "sign",
            "--key",
            "test-apikey-1",
            "--time",
            "20190213T214016Z",
            "--url",
            "https://example.organization.com/api/v2/customer/lookup",
            "--body-file",
            str(folder / "body.json"),
            "--header",
            "Gladly-Correlation-Id: vXmSEPjVSWCaCMzvjufxZg",
            "--header",
            "X-B3-Traceid: bd799210f8d549609a08ccef8ee7f166",
        )
    ok = agent == 0 and sidekick == 1 and signed == 0
    print("\nDemo", "finished as expected." if ok else "did NOT behave as expected.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
