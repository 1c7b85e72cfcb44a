#include <benchmark/benchmark.h>

#include <string>

#include "domain/product.hpp"

namespace allocation::domain {
namespace {

constexpr Instant now{};

// The worst case for the policy: every batch but the last is empty, so each allocation
// looks at all of them.
Product product_with_batches(int batch_count) {
  Product product{"BENCH"};
  for (int i = 0; i < batch_count - 1; ++i) {
    product.add_batch("empty-" + std::to_string(i), 0, std::nullopt);
  }
  product.add_batch("z-last", 1'000'000'000, Date::parse_iso("2030-01-01"));
  product.take_events();
  return product;
}

void allocate(benchmark::State& state) {
  Product product = product_with_batches(static_cast<int>(state.range(0)));
  std::int64_t order = 0;
  OrderLine line{"", "BENCH", 1};
  for (auto _ : state) {
    line.orderid = "order-" + std::to_string(order++);
    benchmark::DoNotOptimize(product.allocate(line, now));
    benchmark::DoNotOptimize(product.take_events());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(allocate)->Arg(10)->Arg(1000);

}  // namespace
}  // namespace allocation::domain
