#!/usr/bin/env python3
"""Where the server's CPU and a request's time go, under allocate load.

Starts a server on a fresh SQLite database, seeds the scenario, runs wrk for `--duration`
seconds and, over the middle of that run, reads each server thread's CPU time and time spent
waiting for a CPU (/proc/<pid>/task/*/schedstat), the whole machine's idle and I/O-wait
time (/proc/stat), and the server's own histograms of each command's stages (GET /metrics).
Each thread's CPU is then divided by the requests served meanwhile.

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


def histograms(server):
    """{name: ({upper bound: cumulative count}, sum, count)} from the server's /metrics."""
    status, body = server.request("GET", "/metrics")
    assert status == 200, status
    found = {}
    for line in body.decode().splitlines():
        if line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        if "_bucket{le=" in name:
            base, bound = name.split("_bucket{le=")
            found.setdefault(base, [{}, 0.0, 0])[0][float(bound.strip('"}'))] = int(value)
        elif name.endswith("_sum") or name.endswith("_count"):
            base, kind = name.rsplit("_", 1)
            if base in found:
                found[base][1 if kind == "sum" else 2] = float(value)
    return found


def stage(before, after, name):
    """Mean, and the bucket bounds under which half and 99 % fall, between two scrapes."""
    buckets_before, sum_before, count_before = before[name]
    buckets_after, sum_after, count_after = after[name]
    count = count_after - count_before
    if count == 0:
        return None
    bounds = sorted(buckets_after)

    def bound_of(share):
        for bound in bounds:
            if buckets_after[bound] - buckets_before.get(bound, 0) >= share * count:
                return bound
        return float("inf")

    return (sum_after - sum_before) / count, bound_of(0.5), bound_of(0.99), count


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
            stages_before = histograms(server)
            time.sleep(window)
            after, ticks_after, ended = (thread_times(server.process.pid), machine_ticks(),
                                         time.monotonic())
            stages_after = histograms(server)
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

    round_trip_ms = args.connections / result["rps"] * 1000
    print(f"\nWhere a command's time goes (mean round trip {round_trip_ms:.2f} ms at "
          f"{args.connections} connections, by Little's law):")
    print("| stage | mean ms | half within ms | 99 % within ms |")
    print("|---|---|---|---|")
    in_server_ms = 0.0
    for label, name in (("waiting for the writer", "allocation_command_waiting_seconds"),
                        ("handled, until its group is stored", "allocation_command_handling_seconds"),
                        ("stored, until durable", "allocation_command_durability_seconds")):
        mean, half, most, _ = stage(stages_before, stages_after, name)
        in_server_ms += mean * 1000
        print(f"| {label} | {mean * 1000:.2f} | {half * 1000:g} | {most * 1000:g} |")
    print(f"| the rest: HTTP both ways, event loop, client | {round_trip_ms - in_server_ms:.2f} | | |")
    mean, half, most, syncs = stage(stages_before, stages_after, "allocation_sync_seconds")
    groups = stage(stages_before, stages_after, "allocation_group_commands")
    print(f"\n{syncs / (ended - started):,.0f} syncs/s, each {mean * 1000:.2f} ms on average "
          f"(99 % within {most * 1000:g} ms); {groups[0]:.1f} commands per group on average.")


if __name__ == "__main__":
    sys.exit(main())
