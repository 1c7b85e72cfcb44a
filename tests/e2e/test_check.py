"""The consistency check: each kind of drift, planted in a copy of a database, is reported."""

import shutil
import sqlite3
import subprocess
import uuid

import pytest
import requests

from api_client import ApiClient
from conftest import BINARY, fresh_postgres_database, postgres_superuser_url

# Each drift: the SQL that plants it, and what the check's line for it says.
DRIFTS = {
    "overcommitted_batch": (
        "UPDATE batches SET purchased_quantity = 1 WHERE reference = 'lamps'",
        "overcommitted_batch: batch lamps of LAMP has 8 allocated and 2 held, more than its "
        "quantity 1"),
    "misplaced_line": (
        "INSERT INTO allocations (sku, orderid, qty, batchref) VALUES ('LAMP', 'o-9', 1, 'rugs')",
        "misplaced_line: line o-9 LAMP x1 is allocated in batch rugs, a batch of RUG"),
    "allocations_view": (
        "DELETE FROM allocations_view WHERE orderid = 'o-1'",
        "read_model: allocations_view lacks the allocation of line o-1 LAMP x3 to batch lamps"),
    "batches_view": (
        "UPDATE batches_view SET available_quantity = 99 WHERE reference = 'rugs'",
        "read_model: batches_view says batch rugs has sku RUG, eta none, quantity 5, available "
        "99; the write tables say sku RUG, eta none, quantity 5, available 5"),
    "order_line_states": (
        "DELETE FROM order_line_states WHERE orderid = 'o-held'",
        "read_model: order_line_states lacks the hold of line o-held LAMP x2 in batch lamps"),
}
OUTBOX_GAP = ("DELETE FROM outbox WHERE id = (SELECT min(id) + 1 FROM outbox)",
              "outbox_gap: the outbox has no entry ")


def write_some_history(url):
    api = ApiClient(url)
    api.post_to_add_batch("lamps", "LAMP", 10, None)
    api.post_to_add_batch("later-lamps", "LAMP", 10, "2030-01-01")
    api.post_to_add_batch("rugs", "RUG", 5, None)
    api.post_to_allocate("o-1", "LAMP", 3)
    api.post_to_allocate("o-2", "LAMP", 4)
    r = requests.post(f"{url}/orders", json={"orderid": "o-held", "lines": [
        {"sku": "LAMP", "qty": 2}], "hold_seconds": 600})
    assert r.status_code == 201
    r = requests.post(f"{url}/orders", json={"orderid": "o-split", "lines": [
        {"sku": "LAMP", "qty": 8, "split": True}]})
    assert r.status_code == 201


def check(database_url):
    return subprocess.run([BINARY, "check", "--database", database_url], capture_output=True,
                          text=True, timeout=60)


class SqliteCopies:
    def __init__(self, path, tmp_path):
        self.path, self.tmp_path = path, tmp_path

    def planted(self, sql):
        copy = self.tmp_path / f"copy-{uuid.uuid4().hex[:6]}.db"
        with sqlite3.connect(self.path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
            target.execute(sql)
        return f"sqlite:///{copy}"


class PostgresCopies:
    def __init__(self, url):
        self.superuser_url = postgres_superuser_url(url)
        self.name = url.rsplit("/", 1)[1]

    def planted(self, sql):
        copy = f"{self.name}_copy_{uuid.uuid4().hex[:6]}"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.superuser_url, "-c",
                        f"CREATE DATABASE {copy} TEMPLATE {self.name}"], check=True)
        url = f"{self.superuser_url.rsplit('/', 1)[0]}/{copy}"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True)
        return url


@pytest.fixture(params=["sqlite", "postgresql"])
def written(request, server_factory, tmp_path):
    """A database with some history, its server stopped, and a way to copy it with a drift."""
    url = fresh_postgres_database() if request.param == "postgresql" else None
    server = server_factory(database_url=url).start()
    write_some_history(server.url)
    server.stop()
    if request.param == "postgresql":
        return request.param, server.database_url, PostgresCopies(server.database_url)
    return request.param, server.database_url, SqliteCopies(server.database_path, tmp_path)


def test_a_database_written_through_the_api_has_no_drift(written):
    _, url, _ = written
    result = check(url)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "No drift found: batches, lines, read models and the outbox agree.\n"


@pytest.mark.parametrize("drift", DRIFTS)
def test_each_planted_drift_is_reported_on_a_line_of_its_own_with_exit_code_1(written, drift):
    _, _, copies = written
    sql, reported = DRIFTS[drift]
    result = check(copies.planted(sql))
    assert result.returncode == 1
    assert reported in result.stdout.splitlines(), result.stdout
    assert result.stderr.startswith("allocation: ") and "found" in result.stderr


# PostgreSQL's outbox ids come from a sequence, which skips those of rolled-back transactions.
@pytest.mark.parametrize("written", ["sqlite"], indirect=True)
def test_a_gap_in_the_outbox_is_reported_on_sqlite(written):
    _, _, copies = written
    result = check(copies.planted(OUTBOX_GAP[0]))
    assert result.returncode == 1
    assert any(line.startswith(OUTBOX_GAP[1]) for line in result.stdout.splitlines())


def test_admin_check_answers_what_the_check_finds(server_factory, tmp_path):
    server = server_factory().start()
    write_some_history(server.url)
    r = requests.get(f"{server.url}/admin/check")
    assert r.status_code == 200
    assert r.json() == {"consistent": True, "drifts": []}
    with sqlite3.connect(server.database_path) as db:
        db.execute(DRIFTS["batches_view"][0])
    r = requests.get(f"{server.url}/admin/check")
    assert r.json() == {"consistent": False, "drifts": [
        {"kind": "read_model", "detail": DRIFTS["batches_view"][1].removeprefix("read_model: ")}]}
