#include "bootstrap/server.hpp"

#include <spdlog/spdlog.h>

namespace allocation::bootstrap {

Server::Server(const ServiceSettings& service, entrypoints::http::ServerSettings http)
    : service_{service} {
  http.authenticator = service_.authenticator();
  http_ = std::make_unique<entrypoints::http::HttpServer>(
      entrypoints::http::ServicePorts{
          service_.commands(), service_.clock(), service_.read_model(),
          [this] { return figures(); }, [this] { return broker_problems(); },
          [url = service.database_url](domain::Instant now) { return check_database(url, now); }},
      std::move(http));
  if (service.redis) {
    redis_address_ = service.redis->host + ":" + std::to_string(service.redis->port);
    consumer_.emplace(service.redis->host, service.redis->port, service_.commands());
    if (!service.redis_command_stream.empty()) {
      command_stream_.emplace(
          entrypoints::redis::RedisCommandStream::Settings{
              service.redis->host, service.redis->port, service.redis_command_stream,
              service.redis_command_group, service.redis_command_consumer,
              service.redis_dead_letter_stream},
          service_.commands());
    }
  }
}

Server::~Server() = default;

void Server::run() {
  http_->run();
  command_stream_.reset();
  consumer_.reset();
  service_.stop();
}

std::vector<std::string> Server::broker_problems() const {
  std::vector<std::string> problems = service_.broker_problems();
  bool consumer_down = consumer_ && !consumer_->connected();
  bool command_stream_down = command_stream_ && !command_stream_->connected();
  if (consumer_down || command_stream_down) {
    problems.push_back("Redis at " + redis_address_ + " is unreachable");
  }
  return problems;
}

entrypoints::http::ServiceFigures Server::figures() const {
  entrypoints::http::ServiceFigures figures = service_.figures();
  if (consumer_) {
    auto consumed = consumer_->statistics();
    figures.consumed.push_back({"channel=\"change_batch_quantity\"", consumed.received,
                                consumed.malformed, consumed.rejected});
    figures.brokers.push_back({"redis", "channel", consumer_->connected()});
  }
  if (command_stream_) {
    auto consumed = command_stream_->statistics();
    figures.consumed.push_back({"stream=\"" + command_stream_->settings().stream + "\"",
                                consumed.received, consumed.malformed, consumed.rejected});
    figures.brokers.push_back({"redis", "stream", command_stream_->connected()});
  }
  return figures;
}

}  // namespace allocation::bootstrap
