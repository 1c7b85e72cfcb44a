-- POST /allocate, one unit of a SKU drawn at random from BENCH_SKUS seeded SKUs.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0
-- A script that runs this one may name SKUs differently.
local prefix = sku_prefix or "sku-"

request = function()
  counter = counter + 1
  local body = string.format('{"orderid":"o-%s-%d-%d","sku":"%s%d","qty":1}',
    common.run_id, thread_id, counter, prefix, math.random(0, common.skus - 1))
  return wrk.format("POST", "/allocate", common.json_headers, body)
end
