"""The package as built (ALLOCATION_PYTHON_PATH, build/release/python by default) and the real
`allocation` binary (ALLOCATION_BINARY), started on a free loopback port when a test asks."""

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.environ.get("ALLOCATION_PYTHON_PATH",
                                  os.path.join(ROOT, "build", "release", "python")))
BINARY = os.environ.get("ALLOCATION_BINARY",
                        os.path.join(ROOT, "build", "release", "src", "entrypoints", "allocation"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    def __init__(self, database_path, *flags):
        self.database_url = f"sqlite:///{database_path}"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = open(f"{database_path}.log", "ab")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--listen", self.url.removeprefix("http://"), "--database",
             self.database_url, *flags], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'allocation.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_url(request, tmp_path):
    """A fresh database of each engine: a SQLite file, or a new database on the test server of
    scripts/with-test-servers (ALLOCATION_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'allocation.db'}"
    server_url = os.environ.get("ALLOCATION_TEST_POSTGRES_URL")
    if not server_url:
        raise RuntimeError("ALLOCATION_TEST_POSTGRES_URL is not set: run the tests through scripts/test")
    parsed = urllib.parse.urlparse(server_url)
    name = f"python_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", parsed.hostname, "-p", str(parsed.port), "-U",
                    parsed.username, name], check=True)
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture
def server(tmp_path):
    running = RunningServer(tmp_path / "server.db")
    yield running
    running.stop()
