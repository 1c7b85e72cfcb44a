"""Each test is an attack, named after what it tries; each must fail for the attacker."""

import socket
import sqlite3

import time

import pytest
import requests

from conftest import allocation, create_token, e2e_support

ROUTES = [
    ("POST", "/add_batch", {"ref": "b-attack", "sku": "S", "qty": 10, "eta": None}),
    ("POST", "/batches", {"batches": [{"ref": "b-attack", "sku": "S", "qty": 10}]}),
    ("POST", "/allocate", {"orderid": "o-attack", "sku": "S", "qty": 1}),
    ("POST", "/change_batch_quantity", {"ref": "b-attack", "qty": 1}),
    ("POST", "/change_batch_eta", {"ref": "b-attack", "eta": None}),
    ("GET", "/allocations/o-attack", None),
    ("GET", "/products", None),
    ("GET", "/products/S", None),
    ("GET", "/orders/o-attack", None),
    ("POST", "/orders/o-attack/cancel", None),
    ("POST", "/orders/o-attack/ship", None),
    ("GET", "/metrics", None),
    ("GET", "/admin/check", None),
    ("POST", "/healthz", None),
    ("GET", "/no/such/route", None),
]


def call(secured, method, path, body=None, headers=None):
    return requests.request(method, f"{secured.url}{path}", json=body, headers=headers or {})


@pytest.mark.parametrize("method,path,body", ROUTES)
def test_no_route_is_reachable_without_a_token(secured, method, path, body):
    r = call(secured, method, path, body)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json()["message"].startswith("authentication required")


def test_liveness_is_open_to_a_load_balancer_without_a_token_and_answers_head(secured):
    r = call(secured, "GET", "/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
    head = call(secured, "HEAD", "/healthz")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(r.content))
    # A forged token changes nothing for an open route, and opens nothing else.
    assert call(secured, "GET", "/healthz", headers={"Authorization": "Bearer forged"}).ok
    assert call(secured, "GET", "/metrics", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert call(secured, "HEAD", "/metrics").status_code == 401


def test_allocator_token_cannot_add_batch(secured):
    r = call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5},
             secured.headers("allocator"))
    assert r.status_code == 403
    assert "needs role admin" in r.json()["message"]
    assert call(secured, "GET", "/products/S", headers=secured.headers("reader")).status_code == 404


def test_allocator_token_cannot_import_batches(secured):
    r = call(secured, "POST", "/batches", {"batches": [{"ref": "b1", "sku": "S", "qty": 5}]},
             secured.headers("allocator"))
    assert r.status_code == 403
    assert "needs role admin" in r.json()["message"]
    assert call(secured, "GET", "/products/S", headers=secured.headers("reader")).status_code == 404


def test_allocator_token_cannot_change_batch_quantity(secured):
    assert call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5},
                secured.headers("admin")).status_code == 201
    r = call(secured, "POST", "/change_batch_quantity", {"ref": "b1", "qty": 0},
             secured.headers("allocator"))
    assert r.status_code == 403
    product = call(secured, "GET", "/products/S", headers=secured.headers("reader")).json()
    assert product["batches"][0]["purchased"] == 5


def test_reader_token_cannot_allocate(secured):
    call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, secured.headers("admin"))
    r = call(secured, "POST", "/allocate", {"orderid": "o1", "sku": "S", "qty": 1},
             secured.headers("reader"))
    assert r.status_code == 403
    assert call(secured, "GET", "/allocations/o1", headers=secured.headers("reader")).status_code == 404


def test_each_role_can_do_what_it_is_for(secured):
    assert call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5},
                secured.headers("admin")).status_code == 201
    assert call(secured, "POST", "/allocate", {"orderid": "o1", "sku": "S", "qty": 1},
                secured.headers("allocator")).status_code == 202
    assert call(secured, "GET", "/allocations/o1", headers=secured.headers("reader")).json() == [
        {"sku": "S", "batchref": "b1"}]
    assert call(secured, "POST", "/allocate", {"orderid": "o2", "sku": "S", "qty": 1},
                secured.headers("admin")).status_code == 202
    assert call(secured, "GET", "/metrics", headers=secured.headers("reader")).status_code == 200


@pytest.mark.parametrize("authorization", [
    "Bearer alloc_0000000000000000000000000000000000000000000000000000000000000000",
    "Bearer ",
    "Basic YWRtaW46YWRtaW4=",
    "Bearer{admin}",
    "Bearerx {admin}",
    "Bearer {admin}x",
])
def test_forged_or_malformed_tokens_are_refused_alike(secured, authorization):
    header = authorization.replace("{admin}", secured.tokens["admin"])
    r = call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5},
             {"Authorization": header})
    assert r.status_code == 401
    message = r.json()["message"]
    for token in secured.tokens.values():
        assert token not in message
    assert "token" in message or "authorization" in message


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_case_insensitive(secured, scheme):
    r = call(secured, "GET", "/metrics", headers={"Authorization": f"{scheme} {secured.tokens['reader']}"})
    assert r.status_code == 200


def test_the_token_list_shows_when_each_token_was_last_used(secured):
    before = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
    assert call(secured, "GET", "/metrics", headers=secured.headers("reader")).status_code == 200

    def last_used():
        listed = allocation("token", "list", "--database", secured.server.database_url).stdout
        return {row.split()[0]: row.split()[3] for row in listed.splitlines()[1:]}
    for _ in range(50):
        if last_used()["reader-token"] != "-":
            break
        time.sleep(0.1)
    used = last_used()
    assert used["reader-token"] >= before
    assert used["allocator-token"] == used["admin-token"] == "-"


def test_a_token_just_created_works_at_once(secured):
    url = secured.server.database_url
    for number in range(5):
        token = create_token(url, "reader", f"fresh-{number}")
        r = call(secured, "GET", "/products/S", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 404, r.text  # authenticated: the SKU is unknown


def test_unknown_tokens_are_refused_once_the_tokens_are_read_again(secured):
    with requests.Session() as session:
        answers = [session.get(f"{secured.url}/metrics",
                               headers={"Authorization": f"Bearer forged-{n}"}) for n in range(20)]
    assert [r.status_code for r in answers] == [401] * 20
    assert {r.json()["message"] for r in answers} == {"invalid or revoked token"}


def test_revoked_token_stops_working(secured):
    url = secured.server.database_url
    spare = create_token(url, "admin", "spare")
    import time
    for _ in range(50):
        if call(secured, "GET", "/metrics", headers={"Authorization": f"Bearer {spare}"}).ok:
            break
        time.sleep(0.1)
    result = allocation("token", "revoke", "spare", "--database", url)
    assert result.returncode == 0, result.stderr
    for _ in range(50):
        r = call(secured, "GET", "/metrics", headers={"Authorization": f"Bearer {spare}"})
        if r.status_code == 401:
            break
        time.sleep(0.1)
    assert r.status_code == 401
    assert r.json()["message"] == "invalid or revoked token"


def test_tokens_never_appear_in_logs(secured):
    call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, secured.headers("admin"))
    call(secured, "POST", "/add_batch", {"ref": "b1", "sku": "S", "qty": 5}, secured.headers("allocator"))
    logs = secured.server.logs()
    for token in secured.tokens.values():
        assert token not in logs


def test_tokens_are_stored_only_as_hashes(tmp_path):
    database = tmp_path / "tokens.db"
    token = create_token(f"sqlite:///{database}", "admin", "ops")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT name, role, token_hash FROM tokens").fetchall()
    assert rows and rows[0][:2] == ("ops", "admin")
    assert token not in repr(rows)
    for path in tmp_path.iterdir():
        assert token.encode() not in path.read_bytes()


def test_a_token_name_cannot_be_taken_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    create_token(url, "reader", "shop")
    result = allocation("token", "create", "--database", url, "--role", "admin", "--name", "shop")
    assert result.returncode != 0
    assert "already exists" in result.stderr
    listed = allocation("token", "list", "--database", url).stdout.splitlines()
    assert [line.split()[:2] for line in listed] == [["NAME", "ROLE"], ["shop", "reader"]]


@pytest.mark.parametrize("name", ["", "web\tshop", "web shop", "x" * 65, "caf\u00e9", "a\nb"])
def test_a_token_name_that_would_not_read_back_is_refused(tmp_path, name):
    result = allocation("token", "create", "--database", f"sqlite:///{tmp_path / 't.db'}",
                        "--role", "reader", "--name", name)
    assert result.returncode == 2
    assert "a token name is 1 to 64 letters, digits and -_.:@" in result.stderr


def test_the_token_list_shows_revoked_tokens_and_when(tmp_path):
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    create_token(url, "reader", "kept")
    create_token(url, "admin", "gone")
    assert allocation("token", "revoke", "gone", "--database", url).returncode == 0
    rows = [line.split() for line in allocation("token", "list", "--database", url).stdout.splitlines()]
    assert rows[0] == ["NAME", "ROLE", "CREATED", "LAST", "USED", "REVOKED"]
    assert [row[0] for row in rows[1:]] == ["gone", "kept"]
    assert rows[1][4].endswith("Z") and rows[2][4] == "-"


def test_listening_beyond_loopback_without_authentication_is_refused(tmp_path):
    result = allocation("serve", "--listen", f"0.0.0.0:{e2e_support.free_port()}",
                        "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "refusing to listen on 0.0.0.0" in result.stderr
    assert "--auth on" in result.stderr


def test_sql_in_sku_is_just_a_string(secured):
    sku = "S'; DROP TABLE batches; --"
    assert call(secured, "POST", "/add_batch", {"ref": "b1'--", "sku": sku, "qty": 5},
                secured.headers("admin")).status_code == 201
    assert call(secured, "POST", "/allocate", {"orderid": "o1\" OR 1=1", "sku": sku, "qty": 1},
                secured.headers("allocator")).status_code == 202
    r = call(secured, "GET", "/allocations/o1%22%20OR%201=1", headers=secured.headers("reader"))
    assert r.json() == [{"sku": sku, "batchref": "b1'--"}]
    r = call(secured, "GET", "/products/S'%3B%20DROP%20TABLE%20batches%3B%20--",
             headers=secured.headers("reader"))
    assert r.json()["batches"][0]["available"] == 4


def test_a_header_flood_without_a_token_gets_nothing(secured):
    with socket.create_connection(("127.0.0.1", secured.server.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-A: " + b"a" * 9000 + b"\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 431")
