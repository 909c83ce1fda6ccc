"""Benchmark: edit latency in a real browser (headless Debian chromium), as a user sees it.

Starts the packaged app as ``spreiding app`` does, opens it in headless
chromium at 1280x720 and times, from the click to the changed figures on
the page:

- the first view (cold server, then warm: a fresh session on the running server);
- closing the selected branch on Kaart (``close_ms=``);
- reopening it again (``reopen_ms=``; the undo button when no reopen action is offered);
- changing the norm in the sidebar (``norm_ms=``).

Prints one ``name_ms=`` line per figure (median of ``--rounds``). Target: every
edit at most 1 s on a 2-core machine. Needs the data folder, Debian's
chromium (``/usr/bin/chromium``) and the ``playwright`` package (dev extra).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
FIGURES = "[data-testid=stCaptionContainer]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server() -> Iterator[str]:
    sys.path.insert(0, str(REPO))
    from spreiding.app.launch import streamlit_command

    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        streamlit_command(port, address="127.0.0.1"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _figures_text(page: Any) -> str:
    return str(page.evaluate(f"() => [...document.querySelectorAll('{FIGURES}')].map((e) => e.innerText).join('|')"))


def _timed_change(page: Any, action: Callable[[], None]) -> float:
    """Milliseconds from ``action`` to the page's figures (captions) having changed and the app idle."""
    before = _figures_text(page)
    t0 = time.perf_counter()
    action()
    page.wait_for_function(
        f"(old) => [...document.querySelectorAll('{FIGURES}')].map((e) => e.innerText).join('|') !== old",
        arg=before,
        timeout=60_000,
    )
    page.locator("[data-testid=stStatusWidget]").wait_for(state="hidden", timeout=60_000)
    return 1000 * (time.perf_counter() - t0)


def _first_view(page: Any, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.frame_locator('iframe[title*="spreiding_map"]').locator("path.spreiding-facility").first.wait_for(
        state="attached", timeout=120_000
    )
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=120_000)
    return 1000 * (time.perf_counter() - t0)


def _reopen(page: Any) -> None:
    reopen = page.get_by_role("button", name="Heropenen").or_(page.get_by_role("button", name="Ongedaan maken"))
    reopen.first.wait_for(timeout=30_000)  # the page may still be drawing the actions after the figures changed
    for name in ("Heropenen", "Ongedaan maken"):
        button = page.get_by_role("button", name=name)
        if button.count():
            button.first.click()
            return
    raise SystemExit("no reopen or undo button on Kaart")


def _type_km(page: Any, value: str) -> None:
    field = page.get_by_role("textbox", name="Redelijke afstand over de weg (km)")
    field.fill(value)
    field.press("Enter")


def measure(rounds: int) -> dict[str, float]:
    """Run the rounds and return the median figures in milliseconds."""
    from playwright.sync_api import sync_playwright

    found: dict[str, list[float]] = {"first_view_cold_ms": [], "first_view_warm_ms": [], "close_ms": [],
                                     "reopen_ms": [], "norm_ms": []}  # fmt: skip
    with _server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            found["first_view_cold_ms"].append(_first_view(page, url))
            for i in range(rounds):
                found["first_view_warm_ms"].append(_first_view(page, url))
                found["close_ms"].append(
                    _timed_change(page, lambda: page.get_by_role("button", name="Sluiten").click())
                )
                found["reopen_ms"].append(_timed_change(page, lambda: _reopen(page)))
                value = "7,5" if i % 2 == 0 else "5"
                found["norm_ms"].append(_timed_change(page, lambda v=value: _type_km(page, v)))
        finally:
            browser.close()
    return {k: statistics.median(v) for k, v in found.items() if v}


def main(argv: list[str] | None = None) -> int:
    """Print the figures (``name_ms=value`` lines)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="edit rounds (median is printed)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("bench_browser: /usr/bin/chromium is absent (apt-get install chromium)")
        return 1
    figures = measure(args.rounds)
    print(f"cores={os.cpu_count()} rounds={args.rounds}")
    for name, value in figures.items():
        print(f"{name}={value:.0f}")
    edits = [figures[k] for k in ("close_ms", "reopen_ms", "norm_ms") if k in figures]
    print(f"target_edit_ms=1000 worst_edit_ms={max(edits):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
