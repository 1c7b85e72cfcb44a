#include "entrypoints/http/request_handler.hpp"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include "entrypoints/http/idempotency.hpp"

namespace allocation::entrypoints::http {

namespace {

std::string random_prefix() {
  std::random_device random;
  char text[9];
  std::snprintf(text, sizeof text, "%08x", random());
  return text;
}

}  // namespace

RequestHandler::RequestHandler(RouteTable routes, Access access, InputLimits input,
                               spdlog::level::level_enum access_log_level)
    : routes_{std::move(routes)},
      access_{std::move(access)},
      input_{input},
      access_log_level_{access_log_level},
      request_id_prefix_{random_prefix()} {}

void RequestHandler::handle(const HttpRequest& request, Respond respond) {
  std::shared_ptr<AccessEntry> entry;
  if (access_log_level_ != spdlog::level::off) {
    entry = std::make_shared<AccessEntry>(
        AccessEntry{std::string{request.method}, "-", "", std::chrono::steady_clock::now()});
  }
  std::string request_id = request_id_prefix_ + "-" + std::to_string(++requests_received_);
  if (request.request_id) {
    auto given = decode_request_id(*request.request_id, input_);
    if (const auto* invalid = std::get_if<InvalidInput>(&given)) {
      return respond(invalid_input_response(*invalid));
    }
    request_id = std::get<std::string>(std::move(given));
  }
  Respond respond_with_id = [this, respond = std::move(respond), request_id,
                             entry](Response response) {
    response.with_header("X-Request-Id", request_id);
    if (entry) log_access(*entry, response, request_id);
    respond(std::move(response));
  };
  if (routes_.open_to_anyone(request.method, request.target)) {
    return route(request, service_layer::Actor{"", std::move(request_id)}, std::nullopt,
                 entry.get(), std::move(respond_with_id));
  }
  auto admitted = access_.admit(request.authorization);
  if (auto* refusal = std::get_if<Response>(&admitted)) {
    return respond_with_id(std::move(*refusal));
  }
  const auto& identity = std::get<std::optional<service_layer::Identity>>(admitted);
  service_layer::Actor actor{identity ? identity->name : "", std::move(request_id)};
  if (entry) entry->token_name = actor.token_name;
  route(request, std::move(actor), identity, entry.get(), std::move(respond_with_id));
}

void RequestHandler::log_access(const AccessEntry& entry, const Response& response,
                                const std::string& request_id) const {
  auto microseconds = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - entry.received)
                          .count();
  spdlog::log(access_log_level_,
              "msg=\"request\" method={} route={} status={} us={} request_id={} token=\"{}\"",
              entry.method, entry.route, static_cast<unsigned>(response.status), microseconds,
              request_id, entry.token_name);
}

void RequestHandler::route(const HttpRequest& request, service_layer::Actor actor,
                           const std::optional<service_layer::Identity>& identity,
                           AccessEntry* entry, Respond respond) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return respond(message_response(Status::bad_request, "malformed request target"));
  std::string path = url->path();
  std::vector<std::string> segments(url->segments().begin(), url->segments().end());
  auto found = routes_.find(request.method, segments);
  if (const auto* no_route = std::get_if<RouteTable::NoRoute>(&found)) {
    return respond(no_route_response(*no_route, request.method, path));
  }
  auto& [route, parameters] = std::get<RouteTable::Found>(found);
  if (entry != nullptr) entry->route = route->pattern;
  if (route->role) {
    if (auto refusal = Access::refusal(identity, *route->role, request.method, path)) {
      return respond(std::move(*refusal));
    }
  }
  std::optional<std::string> idempotency_key;
  if (request.idempotency_key && request.method == "POST") {
    auto decoded = decode_idempotency_key(*request.idempotency_key);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    idempotency_key = std::get<std::string>(std::move(decoded));
  }
  bool accepts_json = request.accept.find("application/json") != std::string_view::npos;
  QueryParameters query;
  for (auto parameter : url->params()) {
    query.emplace_back(parameter.key, parameter.has_value ? parameter.value : "");
  }
  route->handler(
      RouteRequest{request.method, path, std::move(parameters), std::move(query), request.body,
                   std::move(actor), std::move(idempotency_key), accepts_json},
      std::move(respond));
}

}  // namespace allocation::entrypoints::http
