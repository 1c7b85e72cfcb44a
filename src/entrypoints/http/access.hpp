#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "entrypoints/http/rate_limiter.hpp"
#include "entrypoints/http/responses.hpp"
#include "service_layer/identity.hpp"

namespace allocation::entrypoints::http {

// Who may make a request: with an authenticator, a bearer token that is valid, within its
// token's rate, and of a role a route allows; without one, anyone (the server then listens on
// loopback only). Used from the event loop's thread.
class Access {
 public:
  Access(const service_layer::Authenticator* authenticator, double token_requests_per_second_max)
      : authenticator_{authenticator},
        rate_limiter_{token_requests_per_second_max},
        token_requests_per_second_max_{token_requests_per_second_max} {}

  // Who presents the `Authorization` header (nullopt when authentication is off), or the
  // answer that refuses them: 401, or 429 once their token is over its rate.
  std::variant<std::optional<service_layer::Identity>, Response> admit(
      std::string_view authorization);

  [[nodiscard]] bool authenticates() const { return authenticator_ != nullptr; }

  // Whether `authorization` presents a bearer token that is not known (yet: it may have been
  // created since the tokens were last read).
  [[nodiscard]] bool presents_unknown_token(std::string_view authorization) const;

  // The 403 for `identity` on a route of role `needed`; nullopt when it may.
  static std::optional<Response> refusal(const std::optional<service_layer::Identity>& identity,
                                         service_layer::Role needed, std::string_view method,
                                         std::string_view path);

 private:
  // The token of a `Bearer` header, in any case; nullopt for another scheme.
  static std::optional<std::string_view> bearer_token(std::string_view authorization);

  const service_layer::Authenticator* authenticator_;
  RateLimiter rate_limiter_;
  double token_requests_per_second_max_;
};

}  // namespace allocation::entrypoints::http
