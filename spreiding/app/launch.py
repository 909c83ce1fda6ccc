"""How ``spreiding app`` starts Streamlit: the packaged entry script and every setting as a flag.

Streamlit reads ``.streamlit/config.toml`` only from the folder it is started
in, so an installed ``spreiding app`` started anywhere passes its settings on
the command line: no usage statistics leave the machine, the upload cap
matches :data:`spreiding.app.uploads.MAX_UPLOAD_MB`, no static file serving
(Leaflet comes through the map component), a minimal toolbar and the light theme.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["MAIN_SCRIPT", "STREAMLIT_FLAGS", "streamlit_command"]

MAIN_SCRIPT = Path(__file__).resolve().parent / "main.py"
"""The app's entry script inside the installed package."""

STREAMLIT_FLAGS: tuple[str, ...] = (
    "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
    "--server.maxUploadSize", "20",
    "--server.enableStaticServing", "false",
    "--client.toolbarMode", "minimal",
    "--theme.base", "light",
)  # fmt: skip


def streamlit_command(port: int, *, address: str | None = None) -> list[str]:
    """The command that serves the packaged app on ``port`` (``python -m streamlit run <package>/app/main.py``)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(MAIN_SCRIPT), *STREAMLIT_FLAGS, "--server.port", str(port)]
    if address:
        cmd += ["--server.address", address]
    return cmd
