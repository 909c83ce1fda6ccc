"""How the app tells a user that something went wrong: a Dutch message that says what to fix, never a traceback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from spreiding.app.labels import error_text
from spreiding.errors import SpreidingError

__all__ = ["user_errors"]

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Show package errors as a message that says what to fix, never a traceback (names in it as text)."""
    try:
        yield
    except SpreidingError as exc:
        st.error(error_text(exc))
        st.stop()
    except Exception as exc:  # never a traceback: a Dutch notice, the details in the log
        logger.exception("onverwachte fout in de app")
        st.error(error_text(exc))
        st.stop()
