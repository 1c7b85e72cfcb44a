#include <benchmark/benchmark.h>

#include "entrypoints/http/request_decoding.hpp"

namespace allocation::entrypoints::http {
namespace {

void decode_allocate_request(benchmark::State& state) {
  const std::string body = R"({"orderid":"order-8f3a2c-000123","sku":"sku-4711","qty":3})";
  for (auto _ : state) benchmark::DoNotOptimize(decode_allocate(body));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decode_allocate_request);

}  // namespace
}  // namespace allocation::entrypoints::http
