"""Starts the real `allocation` binary on a free loopback port with a fresh database."""

import os
import signal
import socket
import subprocess
import time
import urllib.parse
import uuid

import pytest
import requests

from openapi_validation import OpenApiValidation

BINARY = os.path.abspath(os.environ.get("ALLOCATION_BINARY", "build/release/src/entrypoints/allocation"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_openapi = OpenApiValidation()
_send = requests.Session.send


@pytest.fixture(autouse=True)
def responses_follow_the_openapi_document():
    """Every response a test receives is checked against the document, after the test."""
    _openapi.problems.clear()

    def send(session, request, **kwargs):
        response = _send(session, request, **kwargs)
        _openapi.check(response)
        return response

    requests.Session.send = send
    yield
    requests.Session.send = _send
    assert not _openapi.problems, "\n".join(_openapi.problems)


class Server:
    def __init__(self, database_path, port=None, extra_env=None, database_url=None,
                 health_headers=None):
        self.database_path = database_path
        self.health_headers = health_headers or {}
        self.database_url = database_url or f"sqlite:///{database_path}"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process = None
        self.log_path = f"{database_path}.{self.port}.{uuid.uuid4().hex[:6]}.log"

    def start(self):
        env = dict(os.environ, **self.extra_env)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}",
             "--database", self.database_url],
            stdout=self.log, stderr=self.log, env=env)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.logs()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1,
                                headers=self.health_headers).status_code == 200:
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


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    """A server on a fresh database of each storage engine."""
    url = fresh_postgres_database() if request.param == "postgresql" else None
    running = Server(str(tmp_path / "allocation.db"), database_url=url).start()
    yield running
    running.stop()
    assert_consistent(running.database_url)


def assert_consistent(database_url):
    """Whatever a test did through the API, the database still agrees with itself."""
    check = subprocess.run([BINARY, "check", "--database", database_url], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


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


OWNER_ROLE, SERVING_ROLE = "allocation_owner", "allocation_service"


def fresh_postgres_database():
    """A new database on the test server (scripts/with-test-servers), owned by OWNER_ROLE and
    migrated by it, as a URL for SERVING_ROLE: the service runs with only what serving needs."""
    server_url = os.environ.get("ALLOCATION_TEST_POSTGRES_URL")
    if not server_url:
        raise RuntimeError("ALLOCATION_TEST_POSTGRES_URL is not set: run the tests through scripts/test")
    parsed = urllib.parse.urlparse(server_url)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", server_url, "-c", f"""
        DO $$ BEGIN
          CREATE ROLE {OWNER_ROLE} LOGIN;
        EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN
          CREATE ROLE {SERVING_ROLE} LOGIN;
        EXCEPTION WHEN duplicate_object THEN NULL; END $$;"""], check=True)
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", parsed.hostname, "-p", str(parsed.port),
                    "-U", parsed.username, "-O", OWNER_ROLE, name], check=True)
    address = f"{parsed.hostname}:{parsed.port}"
    subprocess.run([BINARY, "migrate", "--database", f"postgresql://{OWNER_ROLE}@{address}/{name}",
                    "--grant-to", SERVING_ROLE], check=True, capture_output=True)
    return f"postgresql://{SERVING_ROLE}@{address}/{name}"


def postgres_superuser_url(url):
    """The URL of the same database for the test server's superuser, for what only an owner
    or a superuser may do (ALTER DATABASE, ending other sessions)."""
    return f"{os.environ['ALLOCATION_TEST_POSTGRES_URL'].rsplit('/', 1)[0]}/{url.rsplit('/', 1)[1]}"
