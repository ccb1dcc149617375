"""Process-wide Streamlit settings the app needs, applied once from app.py."""

from __future__ import annotations

from urllib.parse import quote, unquote


def _keep_keras_state() -> None:
    """Nothing to clean: the app's Keras models are built once and shared."""


def keep_keras_state() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Once Keras is imported, Streamlit's script runner clears Keras' global state at the end of
    every rerun of every session (`script_runner._clean_problem_modules`). Here that cost about
    200 ms of CPU per Draw-page rerun (235 -> 34 ms, bench/bench_server.py), dropped the compiled
    kernels so the next model call was slow again, and reset Keras' state under training threads.
    The app builds its models once (st.cache_resource) and never relies on that cleanup.
    """
    from streamlit.runtime.scriptrunner import script_runner

    current = getattr(script_runner, "_clean_problem_modules", None)
    if current is not None and current is not _keep_keras_state:
        script_runner._streamlit_clean_problem_modules = current  # kept for the benchmark's baseline
        script_runner._clean_problem_modules = _keep_keras_state


def _one_segment(raw_path: bytes, query: bytes) -> str | None:
    """Relative address of the one-segment page for a page address of two or more segments, else None.

    "/train/extra" -> "../train%2Fextra": the slashes are encoded, so the browser stays one level
    deep (where Streamlit's page assets resolve) and Streamlit says "Page not found" for it,
    as for any unknown one-segment address.
    """
    path = raw_path.decode("latin-1").split("?", 1)[0]
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] == "static" or parts[0].startswith("_"):
        return None  # one segment, or one of Streamlit's own asset and endpoint paths
    target = "../" * (len(parts) - 1) + quote("/".join(unquote(p) for p in parts), safe="")
    return target + ("?" + query.decode("latin-1") if query else "")


def redirect_nested_paths() -> None:
    """Answer an unknown address of two or more segments with a redirect instead of a blank page.

    Streamlit answers every unknown path with its index.html, whose scripts are relative
    ("./static/js/..."). Under "/train/extra" they resolve to "/train/static/...", which is
    index.html again, so the browser never starts the app and the page stays blank forever.
    Streamlit's static files (a Starlette `StaticFiles` subclass) call this class method before
    they fall back to index.html, so a redirect returned here reaches the browser. It takes effect
    once app.py has run in this server process (the first visit to any page).
    """
    from starlette.exceptions import HTTPException
    from starlette.responses import RedirectResponse
    from starlette.staticfiles import StaticFiles

    original = StaticFiles.get_response
    if getattr(original, "_redirects_nested_paths", False):
        return

    async def get_response(self, path, scope):
        try:
            return await original(self, path, scope)
        except HTTPException as e:
            target = None
            if e.status_code == 404 and scope.get("method") in ("GET", "HEAD"):
                raw = scope.get("raw_path") or scope.get("path", "").encode("latin-1")
                target = _one_segment(raw, scope.get("query_string", b""))
            if target is None:
                raise
            return RedirectResponse(target, status_code=307)

    get_response._redirects_nested_paths = True
    StaticFiles.get_response = get_response
