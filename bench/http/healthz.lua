-- GET /healthz: the machine's HTTP ceiling for this server, measured with the same settings.
package.path = os.getenv("BENCH_LUA_PATH") .. "/?.lua;" .. package.path
local common = require("common")
setup, done = common.setup, common.done
wrk.path = "/healthz"
