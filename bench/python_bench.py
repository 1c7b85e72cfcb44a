#!/usr/bin/env python3
"""The Python package against the book's own Python, each in a process of its own.

    bench/python_bench.py --book PATH [--repeats 5] [--allocations 100000] [--only domain|service]

PATH is a checkout of the book's code (github.com/cosmicpython/code, branch master). Two
measurements, each repeated, reporting the median and the spread:

- domain: Product.allocate over 10 and over 1,000 batches, the book's pure-Python model
  against allocation.domain.model: microseconds per call (median, p99 of the calls of the
  median run).
- service: ALLOCATIONS allocations over 1,000 SKUs (a batch each, the lines in turn), stored
  on a SQLite file, through the book's message bus
  and SQLAlchemy unit of work (one caller; it has no other way) against allocation.Service
  (one calling thread) and allocation.AsyncService (256 coroutines awaiting at once);
  allocations a second.

The book's side needs Debian's python3-sqlalchemy and python3-psycopg2 (its configuration
makes a PostgreSQL engine at import, which connects to nothing).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, "..", "build", "release", "python")

DOMAIN_WORKER = r"""
import json, sys, time
from datetime import date, timedelta
from allocation.domain.model import Batch, OrderLine, Product
batches, calls = int(sys.argv[1]), int(sys.argv[2])
# Every batch is a shipment and the line fits only the last in preference, as when stock
# runs low: allocate() considers them all. A fresh product every 100 lines (not timed), so
# that no batch holds more than 100 (the book's sums its lines on every call).
start = date(2030, 1, 1)
def fresh_product():
    return Product("SKU", [Batch(f"b{n}", "SKU", 1 if n < batches - 1 else 10**9,
                                 eta=start + timedelta(days=n)) for n in range(batches)])
took = []
for n in range(calls):
    if n % 100 == 0:
        product = fresh_product()
    line = OrderLine(f"o{n}", "SKU", 2)
    t = time.perf_counter_ns()
    product.allocate(line)
    took.append(time.perf_counter_ns() - t)
    product.events.clear()
took.sort()
print(json.dumps({"median_us": took[len(took) // 2] / 1e3,
                  "p99_us": took[int(len(took) * 0.99)] / 1e3}))
"""

BOOK_SERVICE_WORKER = r"""
import json, sys, time
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from allocation import bootstrap
from allocation.adapters import orm
from allocation.domain import commands
from allocation.service_layer import unit_of_work
path, count = sys.argv[1], int(sys.argv[2])
SKUS = 1000
engine = create_engine(f"sqlite:///{path}")
orm.metadata.create_all(engine)
bus = bootstrap.bootstrap(start_orm=True,
                          uow=unit_of_work.SqlAlchemyUnitOfWork(sessionmaker(bind=engine)),
                          notifications=object(), publish=lambda *args: None)
for s in range(SKUS):
    bus.handle(commands.CreateBatch(f"b{s}", f"SKU-{s}", count, None))
t = time.perf_counter()
for n in range(count):
    bus.handle(commands.Allocate(f"o{n}", f"SKU-{n % SKUS}", 1))
print(json.dumps({"per_second": count / (time.perf_counter() - t)}))
"""

OUR_SERVICE_WORKER = r"""
import asyncio, json, sys, time
import allocation
path, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
SKUS = 1000
url = f"sqlite:///{path}"
if mode == "sync":
    with allocation.Service(url) as service:
        for s in range(SKUS):
            service.add_batch(f"b{s}", f"SKU-{s}", count)
        t = time.perf_counter()
        for n in range(count):
            service.allocate(f"o{n}", f"SKU-{n % SKUS}", 1)
        took = time.perf_counter() - t
else:
    async def main():
        async with allocation.AsyncService(url) as service:
            for s in range(SKUS):
                await service.add_batch(f"b{s}", f"SKU-{s}", count)
            waiting = asyncio.Semaphore(256)
            async def allocate(n):
                async with waiting:
                    await service.allocate(f"o{n}", f"SKU-{n % SKUS}", 1)
            t = time.perf_counter()
            await asyncio.gather(*(allocate(n) for n in range(count)))
            return time.perf_counter() - t
    took = asyncio.run(main())
print(json.dumps({"per_second": count / took}))
"""


def run(code, path, *args):
    env = dict(os.environ, PYTHONPATH=path)
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def spread(values, key):
    picked = sorted(v[key] for v in values)
    return statistics.median(picked), picked[0], picked[-1]


def domain(book_src, repeats):
    print("Product.allocate, microseconds per call: median of runs (min-max), p99 of the median run")
    for batches in (10, 1000):
        calls = 20000 if batches == 10 else 2000
        for name, path in (("book (pure Python)", book_src), ("allocation package", PACKAGE)):
            runs = [run(DOMAIN_WORKER, path, batches, calls) for _ in range(repeats)]
            median, low, high = spread(runs, "median_us")
            p99 = sorted(runs, key=lambda r: r["median_us"])[len(runs) // 2]["p99_us"]
            print(f"  {batches:>5} batches  {name:<20} {median:9.2f} ({low:.2f}-{high:.2f})"
                  f"  p99 {p99:9.2f}")


def service(book_src, repeats, count):
    print(f"{count:,} allocations stored on a SQLite file, allocations a second: median (min-max)")
    sides = (("book: message bus + SQLAlchemy UoW", BOOK_SERVICE_WORKER, book_src, ()),
             ("allocation.Service, one thread", OUR_SERVICE_WORKER, PACKAGE, ("sync",)),
             ("allocation.AsyncService, 256 awaiting", OUR_SERVICE_WORKER, PACKAGE, ("async",)))
    for name, code, path, extra in sides:
        runs = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as work:
                runs.append(run(code, path, os.path.join(work, "bench.db"), count, *extra))
        median, low, high = spread(runs, "per_second")
        print(f"  {name:<40} {median:10,.0f} ({low:,.0f}-{high:,.0f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", required=True, help="a checkout of cosmicpython/code")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--allocations", type=int, default=100_000)
    parser.add_argument("--only", choices=["domain", "service"])
    options = parser.parse_args()
    book_src = os.path.join(os.path.abspath(options.book), "src")
    if options.only != "service":
        domain(book_src, options.repeats)
    if options.only != "domain":
        service(book_src, options.repeats, options.allocations)


if __name__ == "__main__":
    main()
