-- POST /allocate naming a SKU that does not exist (400 by design): each request crosses the
-- writer's queue, a transaction and a sync, and stores nothing.
sku_prefix = "unknown-"
dofile(os.getenv("BENCH_LUA_PATH") .. "/allocate_many_skus.lua")
