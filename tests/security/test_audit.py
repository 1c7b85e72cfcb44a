"""Attacks on accountability: every change of stock or tokens must be traceable to a token and
a request, and nobody may rewrite that record."""

import json
import sqlite3

import pytest
import requests

from conftest import allocation, create_token


def audit(database_url, *extra):
    result = allocation("audit", "--database", database_url, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def post(secured, path, body, role, request_id=None):
    headers = secured.headers(role)
    if request_id:
        headers["X-Request-Id"] = request_id
    return requests.post(f"{secured.url}{path}", json=body, headers=headers)


def test_every_change_of_stock_is_traced_to_a_token_and_a_request(secured):
    created = post(secured, "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, "admin",
                   request_id="deploy-42")
    allocated = post(secured, "/allocate", {"orderid": "o1", "sku": "S", "qty": 2}, "allocator")
    changed = post(secured, "/change_batch_quantity", {"ref": "b1", "qty": 1}, "admin")
    assert created.headers["X-Request-Id"] == "deploy-42"
    assert allocated.status_code == 202 and changed.status_code == 200

    stock = [(e["token"], e["request_id"], e["action"], e["details"])
             for e in audit(secured.server.database_url) if not e["action"].startswith("Token")]
    assert stock == [
        ("admin-token", "deploy-42", "BatchCreated",
         {"ref": "b1", "sku": "S", "qty": 5, "eta": None}),
        ("allocator-token", allocated.headers["X-Request-Id"], "Allocated",
         {"orderid": "o1", "sku": "S", "qty": 2, "batchref": "b1"}),
        ("admin-token", changed.headers["X-Request-Id"], "BatchQuantityChanged",
         {"ref": "b1", "sku": "S", "qty": 1}),
        ("admin-token", changed.headers["X-Request-Id"], "Deallocated",
         {"orderid": "o1", "sku": "S", "qty": 2, "batchref": "b1", "reason": "quantity_changed"}),
        ("admin-token", changed.headers["X-Request-Id"], "LineUnallocated",
         {"orderid": "o1", "sku": "S", "qty": 2}),
    ]


def test_token_changes_are_traced_to_whoever_ran_the_command(secured):
    url = secured.server.database_url
    create_token(url, "admin", "intruder")
    assert allocation("token", "revoke", "intruder", "--database", url).returncode == 0
    tokens = [(e["action"], e["details"], e["request_id"].startswith("cli:"))
              for e in audit(url) if e["details"].get("name") == "intruder"]
    assert tokens == [("TokenCreated", {"name": "intruder", "role": "admin"}, True),
                      ("TokenRevoked", {"name": "intruder"}, True)]


def test_refused_requests_change_nothing_and_leave_no_stock_record(secured):
    post(secured, "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, "allocator")
    post(secured, "/allocate", {"orderid": "o1", "sku": "S", "qty": 1}, "reader")
    requests.post(f"{secured.url}/add_batch", json={"ref": "b2", "sku": "S", "qty": 5})
    assert [e for e in audit(secured.server.database_url)
            if not e["action"].startswith("Token")] == []


def test_audit_trail_cannot_be_rewritten_in_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    create_token(url, "admin", "ops")
    with sqlite3.connect(tmp_path / "audit.db") as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit SET token_name = 'someone-else'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit")
    assert [e["action"] for e in audit(url)] == ["TokenCreated"]


@pytest.mark.parametrize("request_id", ["a b", "x" * 129, "id\"; DROP TABLE audit; --",
                                        "level=error msg=forged"])
def test_forged_request_id_cannot_reach_the_audit_trail(secured, request_id):
    r = post(secured, "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, "admin",
             request_id=request_id)
    assert r.status_code == 400
    assert "X-Request-Id" in r.json()["message"]
    assert [e for e in audit(secured.server.database_url)
            if not e["action"].startswith("Token")] == []


def test_audit_shows_the_newest_entries_oldest_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    for name in ("a", "b", "c"):
        create_token(url, "reader", name)
    assert [e["details"]["name"] for e in audit(url, "--limit", "2")] == ["b", "c"]
    table = allocation("audit", "--database", url).stdout.splitlines()
    assert table[0].split() == ["TIME", "TOKEN", "REQUEST", "ACTION", "DETAILS"]
    fields = table[1].split(None, 4)
    assert fields[1] == "-" and fields[2].startswith("cli:") and fields[3] == "TokenCreated"
    # Aligned: each column starts where its heading does.
    for heading in ("TOKEN", "REQUEST", "ACTION", "DETAILS"):
        column = table[0].index(heading)
        assert all(line[column - 2:column] == "  " and line[column] != " " for line in table[1:])
