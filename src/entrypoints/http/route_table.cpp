#include "entrypoints/http/route_table.hpp"

#include <algorithm>
#include <optional>

namespace allocation::entrypoints::http {

namespace {

// The parameters of `segments` when they match `pattern`.
std::optional<std::vector<std::string>> match(std::string_view pattern,
                                              const std::vector<std::string>& segments) {
  std::vector<std::string> parameters;
  std::size_t index = 0;
  pattern.remove_prefix(1);  // the leading `/`
  while (!pattern.empty() || index < segments.size()) {
    if (pattern.empty() || index == segments.size()) return std::nullopt;
    auto slash = pattern.find('/');
    std::string_view part = pattern.substr(0, slash);
    pattern.remove_prefix(slash == std::string_view::npos ? pattern.size() : slash + 1);
    const std::string& segment = segments[index++];
    if (part.starts_with('{')) {
      parameters.push_back(segment);
    } else if (part != segment) {
      return std::nullopt;
    }
  }
  return parameters;
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::string_view word : words) {
    if (!text.empty()) text += ", ";
    text += word;
  }
  return text;
}

}  // namespace

std::variant<RouteTable::Found, RouteTable::NoRoute> RouteTable::find(
    std::string_view method, const std::vector<std::string>& segments) const {
  NoRoute no_route;
  for (const Route& route : routes_) {
    auto parameters = match(route.pattern, segments);
    if (!parameters) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      return Found{&route, std::move(*parameters)};
    }
    no_route.allowed_methods.push_back(route.method);
  }
  return no_route;
}

bool RouteTable::open_to_anyone(std::string_view method, std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  return std::any_of(routes_.begin(), routes_.end(), [&](const Route& route) {
    bool same_method = route.method == method || (method == "HEAD" && route.method == "GET");
    return !route.role && same_method && route.pattern == path;
  });
}

Response no_route_response(const RouteTable::NoRoute& no_route, std::string_view method,
                           std::string_view path) {
  if (no_route.allowed_methods.empty()) {
    return message_response(Status::not_found,
                            "no route for " + std::string{method} + " " + std::string{path});
  }
  std::string allowed = joined(no_route.allowed_methods);
  return message_response(Status::method_not_allowed, "method " + std::string{method} +
                                                          " is not allowed on " +
                                                          std::string{path} + "; use " + allowed)
      .with_header("Allow", allowed);
}

}  // namespace allocation::entrypoints::http
