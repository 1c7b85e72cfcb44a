#include "bootstrap/server.hpp"

#include <spdlog/spdlog.h>

namespace allocation::bootstrap {

Server::Server(const ServiceSettings& service, entrypoints::http::ServerSettings http)
    : service_{service} {
  http.authenticator = service_.authenticator();
  http_ = std::make_unique<entrypoints::http::HttpServer>(
      entrypoints::http::ServicePorts{service_.commands(), service_.clock(), service_.read_model(),
                                      [this] { return figures(); },
                                      [this] { return broker_problems(); }},
      std::move(http));
  if (service.redis) {
    redis_address_ = service.redis->host + ":" + std::to_string(service.redis->port);
    consumer_.emplace(service.redis->host, service.redis->port, service_.commands());
  }
}

Server::~Server() = default;

void Server::run() {
  http_->run();
  consumer_.reset();
  service_.stop();
}

std::vector<std::string> Server::broker_problems() const {
  if (!consumer_ || consumer_->connected()) return {};
  return {"Redis at " + redis_address_ + " is unreachable"};
}

entrypoints::http::ServiceFigures Server::figures() const {
  entrypoints::http::ServiceFigures figures = service_.figures();
  if (consumer_) {
    auto consumed = consumer_->statistics();
    figures.consumed = {consumed.received, consumed.malformed, consumed.rejected};
  }
  return figures;
}

}  // namespace allocation::bootstrap
