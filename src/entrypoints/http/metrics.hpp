#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "service_layer/group_committer.hpp"

namespace allocation::entrypoints::http {

struct HttpStatistics {
  std::size_t connections_open = 0;
  std::size_t connections_max = 0;
  // Responses sent, by the first digit of their status: [0] is 1xx, ..., [4] is 5xx.
  std::array<std::uint64_t, 5> responses_by_class{};
};

// What `GET /metrics` answers: the writer's and the server's figures in the Prometheus text
// exposition format (version 0.0.4).
std::string prometheus_text(const service_layer::GroupCommitter::Statistics& writer,
                            const HttpStatistics& http);

}  // namespace allocation::entrypoints::http
