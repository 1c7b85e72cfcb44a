-- GET /allocations/<orderid> for orders seeded before the run.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local orders = tonumber(os.getenv("BENCH_SEEDED_ORDERS") or "10000")

request = function()
  return wrk.format("GET", string.format("/allocations/seed-%d", math.random(0, orders - 1)))
end
