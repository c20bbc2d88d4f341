"""tools/serve.py: the local server sends what Pyodide and the Stop button need."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
import repo_files

REPO = Path(__file__).resolve().parents[2]
serve = repo_files.load("tools/serve.py", "serve")


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "404.html").write_text("<h1>not here</h1>")
    (tmp_path / "pyodide" / "0.27.7").mkdir(parents=True)
    (tmp_path / "pyodide" / "0.27.7" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (tmp_path / "pyodide" / "0.27.7" / "pyodide.mjs").write_text("export {}")
    return tmp_path


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_isolation_headers_mime_types_and_cache(site):
    running = serve.start_server(site)
    try:
        status, headers, body = _get(running.url)
        assert (status, body) == (200, b"<h1>home</h1>")
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
        assert headers["Cache-Control"] == "no-cache"
        _, headers, _ = _get(running.url + "pyodide/0.27.7/pyodide.asm.wasm")
        assert headers["Content-type"] == "application/wasm"
        assert "immutable" in headers["Cache-Control"]
        _, headers, _ = _get(running.url + "pyodide/0.27.7/pyodide.mjs")
        assert headers["Content-type"] == "text/javascript"
        status, _, body = _get(running.url + "missing/page/")
        assert (status, body) == (404, b"<h1>not here</h1>")
    finally:
        running.stop()


def test_no_isolation_flag_drops_the_headers(site):
    running = serve.start_server(site, isolation=False)
    try:
        _, headers, _ = _get(running.url)
        assert "Cross-Origin-Opener-Policy" not in headers
    finally:
        running.stop()


def test_refuses_a_directory_without_a_site(tmp_path):
    with pytest.raises(FileNotFoundError, match="build the site first"):
        serve.make_server(tmp_path)


def test_a_reader_leaving_mid_download_leaves_no_traceback(site, capfd):
    """Closing a tab while Pyodide downloads resets the connection: the server says nothing
    (a traceback per closed tab would bury the log of `make serve`), and serves on."""
    import socket
    import struct

    (site / "pyodide" / "0.27.7" / "big.wasm").write_bytes(b"\0" * 20_000_000)
    running = serve.start_server(site, quiet=True)
    try:
        host, port = running.server.server_address[:2]
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(b"GET /pyodide/0.27.7/big.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.recv(1024)  # the server is sending
            # Close with a reset (SO_LINGER 0), as a browser dropping the request does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        status, _, body = _get(running.url)  # still serving, after the send failed
        assert (status, body) == (200, b"<h1>home</h1>")
    finally:
        running.stop()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "ConnectionResetError" not in err, err
