#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap/bootstrap.hpp"
#include "entrypoints/http/server.hpp"
#include "entrypoints/redis/command_stream.hpp"
#include "entrypoints/redis/consumer.hpp"

namespace allocation::bootstrap {

// `allocation serve`: the service with its entrypoints wired in, the HTTP API and, with
// Redis, the consumers of the change_batch_quantity channel and of the command stream.
class Server {
 public:
  // Opens the database, starts the relays and binds the listening socket; throws
  // InvalidConfiguration or entrypoints::http::ListenError naming the problem.
  Server(const ServiceSettings& service, entrypoints::http::ServerSettings http);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // HOST:PORT actually bound (useful with port 0).
  [[nodiscard]] std::string local_address() const { return http_->local_address(); }

  // Serves until SIGINT or SIGTERM, lets in-flight requests finish, then stops consuming and
  // handles what was already submitted.
  void run();

 private:
  [[nodiscard]] entrypoints::http::ServiceFigures figures() const;
  [[nodiscard]] std::vector<std::string> broker_problems() const;

  Service service_;
  std::unique_ptr<entrypoints::http::HttpServer> http_;
  std::string redis_address_;
  std::optional<entrypoints::redis::RedisConsumer> consumer_;
  std::optional<entrypoints::redis::RedisCommandStream> command_stream_;
};

}  // namespace allocation::bootstrap
