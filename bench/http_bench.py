#!/usr/bin/env python3
"""HTTP benchmarks of `allocation serve` driven by wrk.

For each scenario a fresh server and database are started and seeded; then, for each
connection count, wrk runs the server's own GET /healthz and the scenario with the same
settings, `--repeats` times each. The report gives medians over the repeats of requests per
second and of the p50/p99/p99.9 latencies, the non-2xx count, the server's peak RSS, and the
ratio of the scenario's rate to /healthz's. `allocate_unknown_sku` is answered 400 by design:
its requests cross the whole write path (queue, writer, transaction, sync) but store nothing,
so its rate is the ceiling of that path without storage.

    bench/http_bench.py [--duration 5] [--repeats 3] [--connections 1,64,256]
                        [--postgres URL] [--redis URL] [--log-level info]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "bench", "http")
SCENARIOS = ["allocate_many_skus", "allocate_many_skus_keyed", "allocate_hot_sku",
             "get_allocations", "mix", "allocate_unknown_sku", "place_order", "hold_order"]
SKUS = 10_000
SEEDED_ORDERS = 10_000
HUGE_STOCK = 1_000_000_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, directory, extra_arguments=(), database_url=None, log_level="warn"):
        self.port = free_port()
        self.log = open(os.path.join(directory, "server.log"), "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}",
             "--database", database_url or f"sqlite:///{directory}/bench.db", "--log-level", log_level,
             *extra_arguments],
            stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=json.dumps(body) if body else None,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def peak_rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def post_all(port, requests_to_send, workers=32):
    """Sends (path, body) pairs over `workers` keep-alive connections; fails on non-2xx."""
    chunks = [requests_to_send[i::workers] for i in range(workers)]
    failures = []

    def send(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path, body in chunk:
            connection.request("POST", path, body=json.dumps(body),
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                failures.append((path, body, response.status))
        connection.close()

    threads = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"seeding failed: {failures[:3]}")


def seed(server, scenario):
    if scenario == "allocate_unknown_sku":
        return
    if scenario == "allocate_hot_sku":
        post_all(server.port, [("/add_batch", {"ref": "hot-batch", "sku": "hot",
                                               "qty": HUGE_STOCK, "eta": None})], workers=1)
        return
    post_all(server.port, [("/add_batch", {"ref": f"batch-{i}", "sku": f"sku-{i}",
                                           "qty": HUGE_STOCK, "eta": None}) for i in range(SKUS)])
    if scenario == "get_allocations":
        post_all(server.port, [("/allocate", {"orderid": f"seed-{i}", "sku": f"sku-{i % SKUS}",
                                              "qty": 1}) for i in range(SEEDED_ORDERS)])


def wrk(port, script, connections, duration):
    threads = min(2, connections)
    env = dict(os.environ, BENCH_LUA_PATH=LUA, BENCH_RUN_ID=uuid.uuid4().hex[:8],
               BENCH_SKUS=str(SKUS), BENCH_SEEDED_ORDERS=str(SEEDED_ORDERS))
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
         "--timeout", "10s", "-s", os.path.join(LUA, f"{script}.lua"), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, env=env, check=True).stdout
    for line in output.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            return result
    raise RuntimeError(f"wrk printed no result:\n{output}")


def hot_sku_consistency(directory, acknowledged):
    """Every acknowledged line of one unit is stored, and the batch is not oversold."""
    with sqlite3.connect(f"{directory}/bench.db") as db:
        (allocated,) = db.execute("SELECT sum(qty) FROM allocations WHERE sku = 'hot'").fetchone()
        (purchased,) = db.execute(
            "SELECT purchased_quantity FROM batches WHERE reference = 'hot-batch'").fetchone()
    ok = acknowledged <= allocated <= purchased
    return (f"  hot SKU check ({'ok' if ok else 'FAILED'}): {acknowledged} acknowledged by wrk, "
            f"{allocated} allocated, {purchased} purchased")


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def fresh_postgres_database(server_url):
    """A new database on the PostgreSQL server of `server_url`, as a URL."""
    parsed = urllib.parse.urlparse(server_url)
    name = f"bench_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", parsed.hostname, "-p", str(parsed.port or 5432),
                    "-U", parsed.username or "postgres", name], check=True)
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def run_scenario(binary, scenario, connection_counts, duration, repeats, postgres=None,
                 log_level="warn", redis=None):
    rows = []
    with tempfile.TemporaryDirectory(prefix="allocation-bench-") as directory:
        database_url = fresh_postgres_database(postgres) if postgres else None
        server = Server(binary, directory, database_url=database_url, log_level=log_level,
                        extra_arguments=("--redis", redis) if redis else ())
        try:
            seed(server, scenario)
            acknowledged = 0
            for connections in connection_counts:
                ceiling, runs = [], []
                for _ in range(repeats):
                    ceiling.append(wrk(server.port, "healthz", connections, duration))
                    runs.append(wrk(server.port, scenario, connections, duration))
                    acknowledged += runs[-1]["requests"] - runs[-1]["non_2xx"]
                row = {
                    "scenario": scenario,
                    "connections": connections,
                    "rps": median(runs, "rps"),
                    "p50_ms": median(runs, "p50_us") / 1000,
                    "p99_ms": median(runs, "p99_us") / 1000,
                    "p999_ms": median(runs, "p999_us") / 1000,
                    "non_2xx": sum(run["non_2xx"] for run in runs),
                    "socket_errors": sum(run["socket_errors"] for run in runs),
                    "healthz_rps": median(ceiling, "rps"),
                    "peak_rss_mib": server.peak_rss_kib() / 1024,
                }
                row["ratio_to_healthz"] = row["rps"] / row["healthz_rps"]
                rows.append(row)
                print(format_row(row), flush=True)
        finally:
            server.stop()
        if scenario == "allocate_hot_sku" and not postgres:
            print(hot_sku_consistency(directory, acknowledged), flush=True)
    return rows


HEADER = ("| scenario | conns | req/s | p50 ms | p99 ms | p99.9 ms | non-2xx | /healthz req/s "
          "| ratio | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|")


def format_row(row):
    return (f"| {row['scenario']} | {row['connections']} | {row['rps']:,.0f} | {row['p50_ms']:.2f} "
            f"| {row['p99_ms']:.2f} | {row['p999_ms']:.2f} | {row['non_2xx'] + row['socket_errors']} "
            f"| {row['healthz_rps']:,.0f} | {row['ratio_to_healthz']:.2f} | {row['peak_rss_mib']:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/release/src/entrypoints/allocation"))
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", default="1,64,256")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--postgres", metavar="URL",
                        help="run on fresh databases of this PostgreSQL server instead of SQLite")
    parser.add_argument("--log-level", default="warn",
                        help="the server's --log-level: info writes an access line per request")
    parser.add_argument("--redis", metavar="URL",
                        help="relay every event to this Redis (channels and stream) while measuring")
    args = parser.parse_args()

    connection_counts = [int(c) for c in args.connections.split(",")]
    print(f"# {os.cpu_count()} cores, {args.duration}s x {args.repeats} runs per figure (medians)")
    print(HEADER, flush=True)
    rows = []
    for scenario in args.scenarios.split(","):
        rows += run_scenario(args.binary, scenario, connection_counts, args.duration, args.repeats,
                             args.postgres, args.log_level, args.redis)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
