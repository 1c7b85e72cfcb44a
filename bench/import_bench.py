#!/usr/bin/env python3
"""`allocation import` of a file of `--rows` batches (the book's columns, a third without an
ETA, `--skus` SKUs) into a fresh server and database, `--repeats` times. Each run times the
whole command (reading the file, checking every row with the server, then importing) and,
from its progress lines, the check and the import apart. Reports the median and the spread
(min, max) of the seconds and of the rows per second, the server's peak RSS, and checks that
the server holds every row once.

    bench/import_bench.py [--rows 1000000] [--skus 20000] [--repeats 3] [--connections 4]
                          [--postgres URL] [--binary build/release/src/entrypoints/allocation]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_bench import ROOT, Server, fresh_postgres_database  # noqa: E402

PHASE = re.compile(r"^(checking|importing): (\d+)/(\d+) rows \(100%\), \d+ rows/s, ([\d.]+) s in all$")


def write_file(path, rows, skus):
    with open(path, "w") as out:
        out.write("ref,sku,qty,eta\n")
        for i in range(rows):
            eta = "" if i % 3 == 0 else f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"
            out.write(f"batch-{i:07d},SKU-{i % skus:05d},{1 + i % 500},{eta}\n")
    return sum(1 + i % 500 for i in range(rows))


def purchased_on(server):
    """The purchased quantity of every SKU, from GET /products page by page."""
    total, query = 0, "limit=1000"
    while query is not None:
        status, body = server.request("GET", f"/products?{query}")
        page = json.loads(body)
        total += sum(product["purchased"] for product in page["products"])
        query = page["next"] and f"limit=1000&after={page['next']}"
    return total


def run(binary, path, directory, rows, purchased, connections, postgres):
    database_url = fresh_postgres_database(postgres) if postgres else None
    server = Server(binary, directory, database_url=database_url)
    try:
        started = time.monotonic()
        result = subprocess.run([binary, "import", "--url", f"http://127.0.0.1:{server.port}",
                                 path, "--progress", "lines", "--connections", str(connections)],
                                capture_output=True, text=True, timeout=900)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        phases = {m.group(1): float(m.group(4))
                  for m in map(PHASE.match, result.stderr.splitlines()) if m}
        expected = f"{path}: {rows} rows, {rows} created, 0 already there\n"
        if result.stdout != expected:
            raise RuntimeError(f"unexpected outcome: {result.stdout!r}")
        if purchased_on(server) != purchased:
            raise RuntimeError("the server does not hold every row once")
        return {"seconds": seconds, "checking": phases.get("checking", 0.0),
                "importing": phases.get("importing", 0.0), "rss_kib": server.peak_rss_kib()}
    finally:
        server.stop()
        if not postgres:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{directory}/bench.db{suffix}"):
                    os.remove(f"{directory}/bench.db{suffix}")


def spread(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f} .. {max(values):.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--postgres", help="postgresql://... of a server to create databases on")
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/release/src/entrypoints/allocation"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "batches.csv")
        purchased = write_file(path, arguments.rows, arguments.skus)
        runs = [run(arguments.binary, path, directory, arguments.rows, purchased,
                    arguments.connections, arguments.postgres) for _ in range(arguments.repeats)]
    engine = "PostgreSQL" if arguments.postgres else "SQLite"
    print(f"{arguments.rows} rows, {arguments.skus} SKUs, {engine}, {arguments.connections} "
          f"connections, {arguments.repeats} runs: median (min .. max)")
    print(f"  whole command  {spread([r['seconds'] for r in runs])} s, "
          f"{spread([arguments.rows / r['seconds'] for r in runs])} rows/s")
    print(f"  check          {spread([r['checking'] for r in runs])} s")
    print(f"  import         {spread([r['importing'] for r in runs])} s")
    print(f"  server peak RSS {statistics.median(r['rss_kib'] for r in runs) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
