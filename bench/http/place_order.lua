-- POST /orders, a whole order of three lines of one unit each, of SKUs drawn at random from
-- BENCH_SKUS seeded SKUs; a script that runs this one may set `hold_seconds` to place holds.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0
local hold = hold_seconds and string.format(',"hold_seconds":%d', hold_seconds) or ""

request = function()
  counter = counter + 1
  local first = math.random(0, common.skus - 3)
  local body = string.format(
    '{"orderid":"o-%s-%d-%d","lines":[{"sku":"sku-%d","qty":1},{"sku":"sku-%d","qty":1},' ..
    '{"sku":"sku-%d","qty":1}]%s}',
    common.run_id, thread_id, counter, first, first + 1, first + 2, hold)
  return wrk.format("POST", "/orders", common.json_headers, body)
end
