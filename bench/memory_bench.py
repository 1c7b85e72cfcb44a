#!/usr/bin/env python3
"""The writer's memory against the lines it holds: `--allocations` lines are allocated
through whole orders of `--lines` lines each; in the shipped runs 90 % of the orders ship as
they go, so that only a tenth of the lines stay live, and a last run has the same live lines
after twice the history (95 % of twice as many shipped). Reports the server's RSS at the start and at the end of each run, the RSS
per live allocation, and the database's size on disk (file and WAL). Retired lines should cost
no memory: the shipped runs should end far below `none`, and twice the history should not
cost more. Beyond live lines, RSS holds SQLite's page caches (PRAGMA cache_size, 64 MiB per
connection at most), which fill as the database grows and then stay.

    bench/memory_bench.py [--allocations 500000] [--lines 100] [--binary build/release/...]
"""

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_bench import ROOT, Server, post_all  # noqa: E402
from idle_connections import rss_kib  # noqa: E402

WORKERS = 8


def place_orders(server, orders, lines, ship_fraction):
    """Each worker places its orders one after the other and ships `ship_fraction` of them
    at once, so that shipped lines are retired while the run goes on."""
    failures = []

    def work(worker):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

        def post(path, body):
            connection.request("POST", path, body=json.dumps(body) if body else None,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                failures.append((path, response.status))

        for number in range(worker, orders, WORKERS):
            orderid = f"order-{number}"
            post("/orders", {"orderid": orderid,
                             "lines": [{"sku": f"sku-{i}", "qty": 1} for i in range(lines)]})
            if number % 100 < round(ship_fraction * 100):
                post(f"/orders/{orderid}/ship", None)
        connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"requests failed: {failures[:3]}")


def database_mib(directory):
    total = 0
    for name in ("bench.db", "bench.db-wal"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            total += os.path.getsize(path)
    return total / 2**20


def run(binary, allocations, lines, ship_fraction):
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as directory:
        server = Server(binary, directory)
        try:
            post_all(server.port, [("/add_batch", {"ref": f"batch-{i}", "sku": f"sku-{i}",
                                                   "qty": 1_000_000_000, "eta": None})
                                   for i in range(lines)])
            start_kib = rss_kib(server.process.pid)
            orders = allocations // lines
            place_orders(server, orders, lines, ship_fraction)
            end_kib = rss_kib(server.process.pid)
            shipped_orders = sum(1 for n in range(orders) if n % 100 < round(ship_fraction * 100))
            live = (orders - shipped_orders) * lines
            return {"start_mib": start_kib / 1024, "end_mib": end_kib / 1024, "live": live,
                    "bytes_per_live": (end_kib - start_kib) * 1024 / max(live, 1),
                    "database_mib": database_mib(directory)}
        finally:
            server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allocations", type=int, default=500_000)
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--binary",
                        default=os.path.join(ROOT, "build/release/src/entrypoints/allocation"))
    arguments = parser.parse_args()
    print(f"allocations in orders of {arguments.lines} lines\n")
    print("| shipped | allocations | live allocations | RSS at start (MiB) | RSS at end (MiB) "
          "| bytes per live allocation | database + WAL (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for fraction, allocations in ((0.0, arguments.allocations), (0.9, arguments.allocations),
                                  (0.95, 2 * arguments.allocations)):
        row = run(arguments.binary, allocations, arguments.lines, fraction)
        print(f"| {fraction:.0%} | {allocations:,} | {row['live']:,} | {row['start_mib']:.1f} "
              f"| {row['end_mib']:.1f} "
              f"| {row['bytes_per_live']:.0f} | {row['database_mib']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
