-- As place_order.lua, each order held for 15 minutes.
hold_seconds = 900
dofile(os.getenv("BENCH_LUA_PATH") .. "/place_order.lua")
