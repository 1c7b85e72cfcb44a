#!/usr/bin/env python3
"""Where the server's CPU goes per request, thread by thread, under allocate load.

Starts a server on a fresh SQLite database, seeds the scenario, runs wrk for `--duration`
seconds and, over the middle of that run, reads each server thread's CPU time and time spent
waiting for a CPU (/proc/<pid>/task/*/schedstat), and the whole machine's idle and I/O-wait
time (/proc/stat). Each thread's CPU is then divided by the requests served meanwhile.

    bench/thread_cpu.py [--scenario allocate_many_skus] [--connections 64] [--duration 8]
"""

import argparse
import os
import sys
import tempfile
import threading
import time

import http_bench


def thread_times(pid):
    times = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                running_ns, waiting_ns, _ = (int(v) for v in f.read().split())
        except FileNotFoundError:
            continue
        label = "event loop" if tid == str(pid) else name
        times[f"{label} ({tid})"] = (running_ns, waiting_ns)
    return times


def machine_ticks():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return {"total": sum(fields[:8]), "idle": fields[3], "iowait": fields[4]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(http_bench.ROOT,
                                                         "build/release/src/entrypoints/allocation"))
    parser.add_argument("--scenario", default="allocate_many_skus")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        server = http_bench.Server(args.binary, directory)
        try:
            http_bench.seed(server, args.scenario)
            result = {}
            load = threading.Thread(target=lambda: result.update(http_bench.wrk(
                server.port, args.scenario, args.connections, args.duration)))
            load.start()
            window = args.duration / 2
            time.sleep(args.duration / 4)
            before, ticks_before, started = (thread_times(server.process.pid), machine_ticks(),
                                             time.monotonic())
            time.sleep(window)
            after, ticks_after, ended = (thread_times(server.process.pid), machine_ticks(),
                                         time.monotonic())
            load.join()
        finally:
            server.stop()

    requests = result["rps"] * (ended - started)
    print(f"# {args.scenario}, {args.connections} connections: {result['rps']:,.0f} req/s, "
          f"p99 {result['p99_us'] / 1000:.2f} ms; threads over {ended - started:.1f} s")
    print("| thread | CPU µs per request | busy | waiting for a CPU |")
    print("|---|---|---|---|")
    rows = []
    for thread, (running, waiting) in after.items():
        running_before, waiting_before = before.get(thread, (0, 0))
        rows.append((running - running_before, waiting - waiting_before, thread))
    for running, waiting, thread in sorted(rows, reverse=True):
        if running == 0:
            continue
        print(f"| {thread} | {running / 1000 / requests:.1f} | "
              f"{running / 1e9 / (ended - started):.0%} | {waiting / 1e9 / (ended - started):.0%} |")
    total = ticks_after["total"] - ticks_before["total"]
    print(f"\nmachine: {(ticks_after['idle'] - ticks_before['idle']) / total:.0%} idle, "
          f"{(ticks_after['iowait'] - ticks_before['iowait']) / total:.0%} waiting for I/O "
          f"({os.cpu_count()} cores)")


if __name__ == "__main__":
    sys.exit(main())
