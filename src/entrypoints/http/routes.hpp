#pragma once

#include <functional>
#include <string>
#include <vector>

#include "entrypoints/http/request_decoding.hpp"
#include "entrypoints/http/route_table.hpp"
#include "service_layer/clock.hpp"
#include "service_layer/consistency.hpp"
#include "service_layer/group_committer.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::entrypoints::http {

// What the API's handlers reach; each handler keeps a copy.
struct ApiPorts {
  service_layer::GroupCommitter& commands;
  // The time queries are answered at (holds expire by it).
  const service_layer::Clock& clock;
  // Runs a query where it may wait on storage: never on the event loop.
  std::function<void(std::function<void(service_layer::ReadModelReader&)>)> query;
  // The `GET /metrics` text.
  std::function<std::string()> metrics_text;
  // What of the configured brokers is unreachable, for `GET /readyz`.
  std::function<std::vector<std::string>()> broker_problems;
  // `GET /admin/check`: the drifts found at a time.
  std::function<std::vector<service_layer::Drift>(domain::Instant)> check_consistency;
  // Runs a check where it may take long: neither on the event loop nor where queries run.
  std::function<void(std::function<void()>)> run_check;
  InputLimits input;
};

// Every route of the HTTP API: one line each, with its handler beside it in routes.cpp.
RouteTable api_routes(const ApiPorts& ports);

}  // namespace allocation::entrypoints::http
