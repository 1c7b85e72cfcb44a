#include "entrypoints/http/request_handler.hpp"

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

RequestHandler::RequestHandler(RouteTable routes, Access access, InputLimits input)
    : routes_{std::move(routes)},
      access_{std::move(access)},
      input_{input},
      request_id_prefix_{random_prefix()} {}

void RequestHandler::handle(const HttpRequest& request, Respond respond) {
  std::string request_id = request_id_prefix_ + "-" + std::to_string(++requests_received_);
  if (request.request_id) {
    auto given = decode_request_id(*request.request_id, input_);
    if (const auto* invalid = std::get_if<InvalidInput>(&given)) {
      return respond(invalid_input_response(*invalid));
    }
    request_id = std::get<std::string>(std::move(given));
  }
  Respond respond_with_id = [respond = std::move(respond), request_id](Response response) {
    response.with_header("X-Request-Id", request_id);
    respond(std::move(response));
  };
  if (routes_.open_to_anyone(request.method, request.target)) {
    return route(request, service_layer::Actor{"", std::move(request_id)}, std::nullopt,
                 std::move(respond_with_id));
  }
  auto admitted = access_.admit(request.authorization);
  if (auto* refusal = std::get_if<Response>(&admitted)) {
    return respond_with_id(std::move(*refusal));
  }
  const auto& identity = std::get<std::optional<service_layer::Identity>>(admitted);
  service_layer::Actor actor{identity ? identity->name : "", std::move(request_id)};
  route(request, std::move(actor), identity, std::move(respond_with_id));
}

void RequestHandler::route(const HttpRequest& request, service_layer::Actor actor,
                           const std::optional<service_layer::Identity>& identity,
                           Respond respond) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return respond(message_response(Status::bad_request, "malformed request target"));
  std::string path = url->path();
  std::vector<std::string> segments(url->segments().begin(), url->segments().end());
  auto found = routes_.find(request.method, segments);
  if (const auto* no_route = std::get_if<RouteTable::NoRoute>(&found)) {
    return respond(no_route_response(*no_route, request.method, path));
  }
  auto& [route, parameters] = std::get<RouteTable::Found>(found);
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
  route->handler(RouteRequest{request.method, path, std::move(parameters), request.body,
                              std::move(actor), std::move(idempotency_key)},
                 std::move(respond));
}

}  // namespace allocation::entrypoints::http
