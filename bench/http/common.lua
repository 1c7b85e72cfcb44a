-- Shared by the scenarios: per-thread ids so order ids never repeat, and a `done` that prints
-- one JSON line the driver reads.
local M = {}
local threads = {}
local next_id = 0

function M.setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function M.done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end

M.run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
M.skus = tonumber(os.getenv("BENCH_SKUS") or "10000")
M.json_headers = { ["Content-Type"] = "application/json" }

return M
