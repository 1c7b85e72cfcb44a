#!/usr/bin/env python3
"""Holds many idle keep-alive connections to `allocation serve` and reports the server's
memory per connection and the latency of requests made meanwhile.

    bench/idle_connections.py [--connections 10000] [--probes 500]
"""

import argparse
import os
import resource
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tempfile  # noqa: E402

from http_bench import ROOT, Server, post_all  # noqa: E402

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def ask(sock):
    sock.sendall(REQUEST)
    reply = b""
    while b"\r\n\r\n" not in reply or not reply.endswith(b"}"):
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed")
        reply += chunk
    if not reply.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(reply[:100])


def probe_latencies_ms(port, count):
    latencies = []
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for _ in range(count):
            started = time.perf_counter()
            ask(sock)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/release/src/entrypoints/allocation"))
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=500)
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.connections + 100:
        sys.exit(f"the open-files limit ({hard}) is too low for {args.connections} connections")

    with tempfile.TemporaryDirectory(prefix="allocation-idle-") as directory:
        server = Server(args.binary, directory, ["--idle-timeout-ms", "3600000"])
        try:
            post_all(server.port, [("/add_batch", {"ref": "b", "sku": "s", "qty": 1, "eta": None})], 1)
            probe_latencies_ms(server.port, 100)
            before_kib = rss_kib(server.process.pid)
            before = probe_latencies_ms(server.port, args.probes)

            held = []
            for _ in range(args.connections):
                sock = socket.create_connection(("127.0.0.1", server.port))
                ask(sock)
                held.append(sock)
            time.sleep(1)
            after_kib = rss_kib(server.process.pid)
            during = probe_latencies_ms(server.port, args.probes)
            alive = 0
            for sock in held[:: max(1, len(held) // 100)]:
                ask(sock)
                alive += 1
            for sock in held:
                sock.close()
        finally:
            server.stop()

    per_connection = (after_kib - before_kib) * 1024 / args.connections
    print(f"idle keep-alive connections held: {args.connections} (sampled {alive} still answering)")
    print(f"server RSS: {before_kib / 1024:.1f} MiB before, {after_kib / 1024:.1f} MiB with them held: "
          f"{per_connection / 1024:.2f} KiB per connection")
    for name, values in (("before", before), ("while held", during)):
        print(f"request latency {name}: p50 {statistics.median(values):.3f} ms, "
              f"p99 {percentile(values, 0.99):.3f} ms, max {max(values):.3f} ms ({len(values)} requests)")


if __name__ == "__main__":
    main()
