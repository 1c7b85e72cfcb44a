"""Attack cases run against the real binary, started with authentication on."""

import importlib.util
import os
import subprocess
import sys

import pytest

_e2e = os.path.join(os.path.dirname(__file__), "..", "e2e")
sys.path.insert(0, _e2e)  # what the end-to-end suite's conftest imports
_spec = importlib.util.spec_from_file_location("e2e_support", os.path.join(_e2e, "conftest.py"))
e2e_support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e_support)

BINARY = e2e_support.BINARY
Server = e2e_support.Server


def allocation(*args, env=None, cwd=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, **(env or {})), cwd=cwd)


def create_token(database_url, role, name):
    result = allocation("token", "create", "--database", database_url, "--role", role,
                        "--name", name)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


class SecuredServer:
    def __init__(self, server, tokens):
        self.server = server
        self.url = server.url
        self.tokens = tokens

    def headers(self, role):
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def secured(request, tmp_path):
    database_path = str(tmp_path / "allocation.db")
    url = (e2e_support.fresh_postgres_database() if request.param == "postgresql"
           else f"sqlite:///{database_path}")
    tokens = {role: create_token(url, role, f"{role}-token")
              for role in ("reader", "allocator", "admin")}
    running = Server(database_path, database_url=url, extra_env={"ALLOCATION_AUTH": "on"},
                     health_headers={"Authorization": f"Bearer {tokens['reader']}"}).start()
    yield SecuredServer(running, tokens)
    running.stop()
