#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "entrypoints/http/metrics.hpp"
#include "entrypoints/http/request_decoding.hpp"
#include "service_layer/clock.hpp"
#include "service_layer/consistency.hpp"
#include "service_layer/group_committer.hpp"
#include "service_layer/identity.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::entrypoints::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5005;
  std::size_t header_bytes_max = 8 * 1024;
  std::size_t body_bytes_max = 64 * 1024;
  std::size_t url_bytes_max = 2048;
  // Connections beyond this are answered 503 and closed.
  std::size_t connections_max = 16'000;
  // The response to a connection's last request closes it.
  std::size_t requests_per_connection_max = 10'000;
  // From the first byte of a request to the end of its header.
  std::chrono::milliseconds header_timeout{10'000};
  // From the end of a request's header to the end of its body.
  std::chrono::milliseconds body_timeout{10'000};
  // How long an open connection may wait for its next request (or its first).
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{15'000};
  // Per token, with authentication on: requests a second, and as many at once.
  double token_requests_per_second_max = 1000;
  // After SIGINT or SIGTERM, in-flight requests get this long to finish.
  std::chrono::milliseconds shutdown_grace{10'000};
  InputLimits input;
  // The level each request's access line is logged at (see RequestHandler); off: none.
  spdlog::level::level_enum access_log_level = spdlog::level::info;
  // With an authenticator, every request needs a bearer token of a sufficient role; without
  // one, the server listens on loopback addresses only.
  const service_layer::Authenticator* authenticator = nullptr;
};

class ListenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the server serves.
struct ServicePorts {
  service_layer::GroupCommitter& commands;
  const service_layer::Clock& clock;
  // Used from the server's reader thread only.
  service_layer::ReadModelReader& read_model;
  // The service's figures for `GET /metrics`, beside the server's own; thread-safe.
  std::function<ServiceFigures()> figures;
  // What of the configured brokers is unreachable, a sentence each; thread-safe.
  std::function<std::vector<std::string>()> broker_problems;
  // The consistency check at a time, for `GET /admin/check`; may wait on storage long. The
  // server runs one at a time, on a thread of their own.
  std::function<std::vector<service_layer::Drift>(domain::Instant)> check_consistency;
};

// The HTTP API's connections on one event-loop thread: reading each request under the
// limits, keep-alive, shutdown. What a request asks is answered by a RequestHandler, with
// queries on a reader thread of the server's own and commands handed to the group committer;
// the loop itself never waits on storage.
class HttpServer {
 public:
  // Binds the listening socket; throws ListenError naming the address and the reason, also
  // when asked to listen beyond loopback without authentication.
  HttpServer(ServicePorts service, ServerSettings settings);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // HOST:PORT actually bound (useful with port 0).
  [[nodiscard]] std::string local_address() const;

  // Serves until SIGINT or SIGTERM, lets in-flight requests finish, and returns.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allocation::entrypoints::http
