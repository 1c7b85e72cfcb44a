-- As allocate_many_skus, each request with an Idempotency-Key of its own: the cost of
-- recording every reply.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0

request = function()
  counter = counter + 1
  local id = string.format("%s-%d-%d", common.run_id, thread_id, counter)
  local body = string.format('{"orderid":"k-%s","sku":"sku-%d","qty":1}',
    id, math.random(0, common.skus - 1))
  local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "key-" .. id }
  return wrk.format("POST", "/allocate", headers, body)
end
