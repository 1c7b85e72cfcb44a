"""The book's API client, unchanged but for the base URL it is given."""

import requests


class ApiClient:
    def __init__(self, url):
        self.url = url

    def post_to_add_batch(self, ref, sku, qty, eta):
        r = requests.post(f"{self.url}/add_batch",
                          json={"ref": ref, "sku": sku, "qty": qty, "eta": eta})
        assert r.status_code == 201

    def post_to_allocate(self, orderid, sku, qty, expect_success=True):
        r = requests.post(f"{self.url}/allocate",
                          json={"orderid": orderid, "sku": sku, "qty": qty})
        if expect_success:
            assert r.status_code == 202
        return r

    def get_allocation(self, orderid):
        return requests.get(f"{self.url}/allocations/{orderid}")
