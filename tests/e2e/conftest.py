"""Starts the real `allocation` binary on a free loopback port with a fresh database."""

import os
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

BINARY = os.path.abspath(os.environ.get("ALLOCATION_BINARY", "build/release/src/entrypoints/allocation"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_path, port=None, extra_env=None):
        self.database_path = database_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process = None
        self.log_path = f"{database_path}.{self.port}.log"

    def start(self):
        env = dict(os.environ, **self.extra_env)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}",
             "--database", f"sqlite:///{self.database_path}"],
            stdout=self.log, stderr=self.log, env=env)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.logs()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer in time: {self.logs()}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.terminate()
        self.log.close()


@pytest.fixture
def server(tmp_path):
    running = Server(str(tmp_path / "allocation.db")).start()
    yield running
    running.stop()


@pytest.fixture
def server_factory(tmp_path):
    servers = []

    def make(**kwargs):
        created = Server(str(tmp_path / "allocation.db"), **kwargs)
        servers.append(created)
        return created

    yield make
    for created in servers:
        created.stop()


def random_suffix():
    return uuid.uuid4().hex[:6]


def random_sku(name=""):
    return f"sku-{name}-{random_suffix()}"


def random_batchref(name=""):
    return f"batch-{name}-{random_suffix()}"


def random_orderid(name=""):
    return f"order-{name}-{random_suffix()}"
