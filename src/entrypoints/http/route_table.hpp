#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "entrypoints/http/request_decoding.hpp"
#include "entrypoints/http/responses.hpp"
#include "service_layer/identity.hpp"

namespace allocation::entrypoints::http {

// A request as a route's handler sees it: authenticated, authorised, its path matched.
struct RouteRequest {
  std::string_view method;
  std::string_view path;
  // The path's `{...}` segments, in order.
  std::vector<std::string> parameters;
  QueryParameters query;
  std::string_view body;
  service_layer::Actor actor;
  // A POST's Idempotency-Key, checked.
  std::optional<std::string> idempotency_key;
  // Whether its Accept header names application/json.
  bool accepts_json = false;
};

// Called once with the response, from any thread.
using Respond = std::function<void(Response)>;
// Handles a request; may respond before returning or later, from another thread. The request
// is valid only during the call: a handler that responds later copies what it needs.
using Handler = std::function<void(const RouteRequest&, Respond)>;

struct Route {
  std::string_view method;
  // Segments separated by `/`; a segment `{name}` matches any one segment.
  std::string_view pattern;
  // The least role a token needs, with authentication on; none: anyone, without a token
  // (liveness and readiness, for load balancers). A pattern without parameters, then.
  std::optional<service_layer::Role> role;
  Handler handler;
};

// The routes of the API, from which the answers to an unknown path (404) and to a method a
// path does not take (405, with the methods it does take in `Allow`) follow.
class RouteTable {
 public:
  struct Found {
    const Route* route;
    std::vector<std::string> parameters;
  };
  struct NoRoute {
    // The methods that the path takes, in the table's order; empty when no route has the path.
    std::vector<std::string_view> allowed_methods;
  };

  explicit RouteTable(std::vector<Route> routes) : routes_{std::move(routes)} {}

  // A HEAD request finds the GET route of its path.
  [[nodiscard]] std::variant<Found, NoRoute> find(std::string_view method,
                                                  const std::vector<std::string>& segments) const;
  // Whether `target` (a path and maybe a query) is a route that anyone may use.
  [[nodiscard]] bool open_to_anyone(std::string_view method, std::string_view target) const;
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The 404 or 405 answer for a request that `find` matched to no route.
Response no_route_response(const RouteTable::NoRoute& no_route, std::string_view method,
                           std::string_view path);

}  // namespace allocation::entrypoints::http
