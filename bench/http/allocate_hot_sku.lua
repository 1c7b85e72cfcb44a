-- POST /allocate, one unit each, all on the same SKU.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"orderid":"h-%s-%d-%d","sku":"hot","qty":1}',
    common.run_id, thread_id, counter)
  return wrk.format("POST", "/allocate", common.json_headers, body)
end
