#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "adapters/sqlite/tables.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation {
namespace {

namespace fs = std::filesystem;

// One durable group (BEGIN IMMEDIATE ... COMMIT, then fdatasync of the WAL) holding
// `range(0)` allocations: the fixed cost of an fsync shared by the commands of a group.
void durable_group_commit(benchmark::State& state) {
  fs::path directory =
      fs::current_path() / ("allocation-bench-" + std::to_string(std::random_device{}()));
  fs::create_directories(directory);
  {
    auto owned = adapters::sqlite::open_unit_of_work((directory / "bench.db").string());
    auto& uow = *owned;
    const service_layer::SystemClock clock;
    service_layer::MessageBus bus{uow, service_layer::default_handlers(clock)};
    uow.begin_group();
    bus.handle(domain::commands::CreateBatch{"batch", "BENCH", 1'000'000'000, std::nullopt});
    uow.store_group();
    std::int64_t order = 0;
    for (auto _ : state) {
      uow.begin_group();
      for (std::int64_t i = 0; i < state.range(0); ++i) {
        bus.handle(domain::commands::Allocate{"order-" + std::to_string(order++), "BENCH", 1});
      }
      uow.store_group();
      uow.make_durable();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
  }
  fs::remove_all(directory);
}
BENCHMARK(durable_group_commit)->Arg(1)->Arg(64)->Arg(1024)->UseRealTime();

}  // namespace
}  // namespace allocation
