"""Start the app with its process-wide settings in place before the first request.

    python -m ui.serve [streamlit run options, e.g. --server.port 8080]

is `streamlit run app.py` plus what ui.runtime patches: app.py applies the same patches on its
first run, but a server started with plain `streamlit run` has not run app.py yet when the first
address arrives, so a two-segment address opened first (e.g. a mistyped /train/extra) would stay a
blank page. scripts/run.sh and the test and benchmark servers start the app this way.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def limit_malloc_arenas(n: int = 2) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX=n would), before any thread starts.

    Each training job runs in a new thread; by default glibc gives new threads their own heaps
    (up to 8 per core) and keeps their freed pages, so memory crept up by ~12 MB per run even
    once TensorFlow gave back its part (cnn_core.nn.runner.release_memory). False off glibc.
    """
    try:
        return ctypes.CDLL("libc.so.6").mallopt(-8, n) == 1  # M_ARENA_MAX
    except (OSError, AttributeError):
        return False


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    from cnn_core.teacher_key import announce_once
    from ui.runtime import keep_keras_state, redirect_nested_paths

    limit_malloc_arenas()
    announce_once()  # the teacher reads the key off the terminal that started the server
    redirect_nested_paths()
    keep_keras_state()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
