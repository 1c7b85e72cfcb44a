-- 90 % POST /allocate over the seeded SKUs, 10 % POST /add_batch of a new batch.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0

request = function()
  counter = counter + 1
  local sku = math.random(0, common.skus - 1)
  if counter % 10 == 0 then
    local body = string.format('{"ref":"m-%s-%d-%d","sku":"sku-%d","qty":1000000,"eta":null}',
      common.run_id, thread_id, counter, sku)
    return wrk.format("POST", "/add_batch", common.json_headers, body)
  end
  local body = string.format('{"orderid":"m-%s-%d-%d","sku":"sku-%d","qty":1}',
    common.run_id, thread_id, counter, sku)
  return wrk.format("POST", "/allocate", common.json_headers, body)
end
