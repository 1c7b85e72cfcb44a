#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "entrypoints/http/access.hpp"
#include "entrypoints/http/request_decoding.hpp"
#include "entrypoints/http/route_table.hpp"

namespace allocation::entrypoints::http {

// A request as read from a connection, valid only during RequestHandler::handle.
struct HttpRequest {
  std::string_view method;
  std::string_view target;
  std::string_view authorization;
  std::optional<std::string_view> request_id;       // X-Request-Id, when the client sent one
  std::optional<std::string_view> idempotency_key;  // Idempotency-Key, likewise
  std::string_view body;
  std::string_view accept;  // the Accept header; empty when none
};

// Everything between reading a request and writing its response, knowing no socket: the
// request id, authentication and rate limits, the route, the role, the handler. Used from the
// event loop's thread.
class RequestHandler {
 public:
  // With an `access_log_level` other than off, each response is logged at that level: its
  // request's method, route, status, microseconds to answer, request id and token name.
  RequestHandler(RouteTable routes, Access access, InputLimits input,
                 spdlog::level::level_enum access_log_level = spdlog::level::off);

  // Answers through `respond`, once, from any thread; the response names the request's id
  // in X-Request-Id.
  void handle(const HttpRequest& request, Respond respond);

  [[nodiscard]] const RouteTable& routes() const { return routes_; }

  // Whether `request` presents a bearer token that is not known, on a route that needs one:
  // it may be one created since the tokens were last read, worth a wait for a refresh.
  [[nodiscard]] bool presents_unknown_token(const HttpRequest& request) const {
    return access_.authenticates() && !routes_.open_to_anyone(request.method, request.target) &&
           access_.presents_unknown_token(request.authorization);
  }

 private:
  // What the access log says of a request, filled in as it is handled.
  struct AccessEntry {
    std::string method;
    std::string route = "-";
    std::string token_name;
    std::chrono::steady_clock::time_point received;
  };

  // `route` notes the route matched in `entry`, if any.
  void route(const HttpRequest& request, service_layer::Actor actor,
             const std::optional<service_layer::Identity>& identity, AccessEntry* entry,
             Respond respond);
  void log_access(const AccessEntry& entry, const Response& response,
                  const std::string& request_id) const;

  RouteTable routes_;
  Access access_;
  InputLimits input_;
  spdlog::level::level_enum access_log_level_;
  // Makes request ids unique across restarts and processes.
  std::string request_id_prefix_;
  std::uint64_t requests_received_ = 0;
};

}  // namespace allocation::entrypoints::http
