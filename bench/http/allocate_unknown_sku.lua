-- POST /allocate naming a SKU that does not exist (400 by design): each request crosses the
-- writer's queue, a transaction and a sync, and stores nothing.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"orderid":"o-%s-%d-%d","sku":"unknown-%d","qty":1}',
    common.run_id, thread_id, counter, math.random(0, common.skus - 1))
  return wrk.format("POST", "/allocate", common.json_headers, body)
end
