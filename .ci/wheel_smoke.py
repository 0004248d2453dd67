"""The wheel as users get it: build it, install it into a clean venv outside the source tree, and
use it there. A missing package-data file, an import of the tests from library code, or a build
warning fails this script (exit 1), with the step that failed.

Run by `make wheel-smoke` (and so by .ci/run); it needs the registry only for the locked deps.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / ".ci" / "constraints.txt"
KEY = "wheel-smoke-signing-key-0123"
BUILD_WARNINGS = re.compile(r"Warning|DEPRECATION|is deprecated")


def step(name: str) -> None:
    print(f"wheel-smoke: {name}", flush=True)


def run(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"wheel-smoke: {args[0]} {args[1] if len(args) > 1 else ''} failed "
                 f"(exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")  # fmt: skip
    return result.stdout + result.stderr


def build(tmp: Path) -> Path:
    step("building the wheel")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # stale build/lib files would be packaged
    output = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "dist", ROOT, cwd=tmp
    )
    warnings = [line for line in output.splitlines() if BUILD_WARNINGS.search(line)]
    if warnings:
        sys.exit("wheel-smoke: the build warns:\n" + "\n".join(warnings))
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    (wheel,) = (tmp / "dist").glob("gladly_lookup_kit-*.whl")
    return wheel


def install(tmp: Path, wheel: Path) -> Path:
    step(f"installing {wheel.name} into a clean venv")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp)
    run(venv / "bin" / "pip", "install", "--quiet", "-c", LOCK, wheel, cwd=tmp)
    return venv / "bin"


def serve(bin_dir: Path, tmp: Path) -> tuple[subprocess.Popen[str], dict[str, str], list[str]]:
    step("lookupkit serve all")
    proc = subprocess.Popen(
        [str(bin_dir / "lookupkit"), "serve", "all", "--port", "0", "--db", ":memory:",
         "--signing-key", KEY, "--no-rate-limit", "--customers", "10"],
        cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if "Press Ctrl-C" in line:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(60) or proc.poll() is not None:
        sys.exit("wheel-smoke: serve did not start:\n" + "\n".join(lines))
    urls = {
        m[1]: m[2].rstrip("/")
        for line in lines
        if (m := re.match(r"^(Fake OMS|Adapter|Fake Gladly)\s+(http://\S+)", line))
    }
    return proc, urls, lines


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lookupkit-wheel-") as name:
        tmp = Path(name)
        bin_dir = install(tmp, build(tmp))
        python = bin_dir / "python"
        step("imports come from the wheel, not the source tree")
        where = run(
            python,
            "-c",
            "import contracts, generators, mockserver; print(mockserver.__file__)",
            cwd=tmp,
        )
        if str(ROOT) in where or "site-packages" not in where:
            sys.exit(f"wheel-smoke: mockserver imported from {where.strip()}")
        step("lookupkit --version")
        if not run(bin_dir / "lookupkit", "--version", cwd=tmp).startswith("lookupkit, version"):
            sys.exit("wheel-smoke: --version printed something else")
        step("lookupkit check on a shipped example")
        example = tmp / "minimal-response.json"
        script = (
            "import json, sys; from contracts.spec import load_examples; "
            "json.dump(load_examples()['minimal-response']['value'], open(sys.argv[1], 'w'))"
        )
        run(python, "-c", script, example, cwd=tmp)
        if "No findings" not in run(bin_dir / "lookupkit", "check", example, cwd=tmp):
            sys.exit("wheel-smoke: check found something in the shipped example")
        step("the pytest plugin loads")
        if "--lookup-url" not in run(bin_dir / "pytest", "--help", cwd=tmp):
            sys.exit("wheel-smoke: pytest --help does not list --lookup-url")
        proc, urls, lines = serve(bin_dir, tmp)
        try:
            step("the fake Gladly serves its page and assets")
            status, page = get(urls["Fake Gladly"] + "/")
            assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', page)
            if status != 200 or not assets:
                sys.exit("wheel-smoke: the fake Gladly page is missing its assets")
            for asset in assets:
                get(urls["Fake Gladly"] + asset.decode())
            step("lookupkit verify against the served adapter")
            email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
            report = tmp / "report.json"
            run(bin_dir / "lookupkit", "verify", urls["Adapter"] + "/", "--signing-key", KEY,
                "--known", f"email={email}", "--max-examples", "5", "--time-budget", "90",
                "--report", f"json:{report}", cwd=tmp, timeout=180)  # fmt: skip
            summary = json.loads(report.read_text())["summary"]
            if summary != {"errors": 0, "warnings": 0}:
                sys.exit(f"wheel-smoke: verify found {summary}")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        step(f"passed in {time.monotonic() - STARTED:.0f} s")


STARTED = time.monotonic()

if __name__ == "__main__":
    main()
