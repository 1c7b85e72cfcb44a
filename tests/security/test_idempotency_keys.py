"""Idempotency keys belong to the token that used them."""

import requests


def test_one_tokens_key_never_replays_another_tokens_reply(secured):
    admin, allocator = secured.headers("admin"), secured.headers("allocator")
    r = requests.post(f"{secured.url}/add_batch", headers=admin,
                      json={"ref": "b1", "sku": "LAMP", "qty": 10, "eta": None})
    assert r.status_code == 201
    order = {"orderid": "o1", "lines": [{"sku": "LAMP", "qty": 2}]}
    placed = requests.post(f"{secured.url}/orders", json=order,
                           headers=dict(allocator, **{"Idempotency-Key": "shared"}))
    assert placed.status_code == 201
    replayed = requests.post(f"{secured.url}/orders", json=order,
                             headers=dict(allocator, **{"Idempotency-Key": "shared"}))
    assert replayed.headers["Idempotent-Replayed"] == "true"
    # The same key and request from another token is handled as its own: the order exists.
    other = requests.post(f"{secured.url}/orders", json=order,
                          headers=dict(admin, **{"Idempotency-Key": "shared"}))
    assert other.status_code == 200
    assert "Idempotent-Replayed" not in other.headers
    # And a different request under the other token's key is no reuse of the first token's.
    changed = dict(order, orderid="o2")
    assert requests.post(f"{secured.url}/orders", json=changed,
                         headers=dict(admin, **{"Idempotency-Key": "fresh"})).status_code == 201


def test_a_request_refused_for_its_token_is_not_kept(secured):
    reader, allocator = secured.headers("reader"), secured.headers("allocator")
    requests.post(f"{secured.url}/add_batch", headers=secured.headers("admin"),
                  json={"ref": "b1", "sku": "LAMP", "qty": 10, "eta": None})
    line = {"orderid": "o1", "sku": "LAMP", "qty": 1}
    forbidden = requests.post(f"{secured.url}/allocate", json=line,
                              headers=dict(reader, **{"Idempotency-Key": "k"}))
    assert forbidden.status_code == 403
    allowed = requests.post(f"{secured.url}/allocate", json=line,
                            headers=dict(allocator, **{"Idempotency-Key": "k"}))
    assert (allowed.status_code, allowed.headers.get("Idempotent-Replayed")) == (202, None)
