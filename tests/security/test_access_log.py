"""A line per request in the log: who asked what, and what they got."""

import re
import time

import requests


def access_lines(server, request_id):
    pattern = re.compile(r'msg="request" method=(\S+) route=(\S+) status=(\d+) us=(\d+) '
                         r'request_id=' + re.escape(request_id) + r' token="([^"]*)"')
    for _ in range(50):
        found = [m.groups() for m in pattern.finditer(server.logs())]
        if found:
            return found
        time.sleep(0.05)
    return []


def test_each_request_is_logged_with_its_route_status_time_request_id_and_token(secured):
    r = requests.post(f"{secured.url}/add_batch", headers=secured.headers("admin"),
                      json={"ref": "b1", "sku": "LAMP", "qty": 10, "eta": None})
    [(method, route, status, micros, token)] = access_lines(secured.server, r.headers["X-Request-Id"])
    assert (method, route, status, token) == ("POST", "/add_batch", "201", "admin-token")
    assert int(micros) > 0
    r = requests.get(f"{secured.url}/orders/o-9", headers=secured.headers("reader"))
    assert access_lines(secured.server, r.headers["X-Request-Id"])[0][:3] == (
        "GET", "/orders/{orderid}", "404")
    refused = requests.get(f"{secured.url}/metrics", headers={"Authorization": "Bearer forged"})
    assert access_lines(secured.server, refused.headers["X-Request-Id"])[0][:3] == (
        "GET", "-", "401")
    # The token itself never appears, only its name.
    assert secured.tokens["admin"] not in secured.server.logs()
