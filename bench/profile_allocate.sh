#!/usr/bin/env bash
# Profiles `allocation serve` under the many-SKU allocate load (64 connections) with perf
# and writes a flame graph of the whole process to docs/flamegraph-allocate.svg.
# With a thread's name (`bench/profile_allocate.sh writer`), profiles only that thread and
# prints the share of its samples spent in each of the service's functions, callees included.
set -euo pipefail
cd "$(dirname "$0")/.."
thread=${1:-}
binary=build/release/src/entrypoints/allocation
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" serve --listen "127.0.0.1:$port" --database "sqlite:///$work/profile.db" --log-level warn &
server=$!
python3 - "$port" <<'PY'
import sys, time
sys.path.insert(0, "bench")
import http_bench
port = int(sys.argv[1])
for _ in range(100):
    try:
        http_bench.post_all(port, [("/add_batch", {"ref": f"batch-{i}", "sku": f"sku-{i}",
                                   "qty": 10**9, "eta": None}) for i in range(http_bench.SKUS)])
        break
    except OSError:
        time.sleep(0.1)
PY
BENCH_LUA_PATH=bench/http wrk -t2 -c64 -d8s -s bench/http/allocate_many_skus.lua \
  "http://127.0.0.1:$port" > "$work/wrk.txt" &
sleep 2
target=(-p "$server")
if [[ -n $thread ]]; then
  for task in /proc/"$server"/task/*; do
    [[ $(<"$task/comm") == "$thread" ]] && target=(-t "${task##*/}")
  done
  [[ ${target[0]} == -t ]] || { echo "no thread named $thread" >&2; exit 2; }
fi
perf record -F 499 --call-graph dwarf,16384 "${target[@]}" -o "$work/perf.data" -- sleep 4 2>/dev/null
wait %2 || true
if [[ -n $thread ]]; then
  perf report -i "$work/perf.data" --children --sort symbol -g none 2>/dev/null |
    grep -E '^ +[0-9.]+% +[0-9.]+% +\[\.\] (allocation::|sqlite3)' | grep -v '(inlined)' |
    cut -c1-160 | awk 'NR <= 40'
  grep RESULT "$work/wrk.txt"
  exit 0
fi
perf script -i "$work/perf.data" 2>/dev/null |
  bench/flamegraph.py --title "allocation serve: POST /allocate over 10,000 SKUs, 64 connections" \
  > docs/flamegraph-allocate.svg
grep RESULT "$work/wrk.txt"
echo "wrote docs/flamegraph-allocate.svg"
