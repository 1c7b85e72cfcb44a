#include "entrypoints/http/access.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>

namespace allocation::entrypoints::http {

namespace {

Response unauthorized(std::string_view message) {
  return message_response(Status::unauthorized, message).with_header("WWW-Authenticate", "Bearer");
}

}  // namespace

std::variant<std::optional<service_layer::Identity>, Response> Access::admit(
    std::string_view authorization) {
  if (authenticator_ == nullptr) return std::nullopt;
  if (authorization.empty()) {
    return unauthorized("authentication required: send Authorization: Bearer <token>");
  }
  auto credentials = bearer_token(authorization);
  if (!credentials) {
    return unauthorized("unsupported authorization scheme: send Authorization: Bearer <token>");
  }
  auto identity = authenticator_->authenticate(*credentials);
  if (!identity) return unauthorized("invalid or revoked token");
  auto wait = rate_limiter_.admit(identity->name, RateLimiter::Clock::now());
  if (wait > RateLimiter::Clock::duration::zero()) {
    auto seconds = std::to_string(std::chrono::ceil<std::chrono::seconds>(wait).count());
    return message_response(
               Status::too_many_requests,
               "token " + identity->name + " is over its limit of " +
                   std::to_string(static_cast<std::int64_t>(token_requests_per_second_max_)) +
                   " requests a second; retry after " + seconds + " s")
        .with_header("Retry-After", seconds);
  }
  return identity;
}

std::optional<std::string_view> Access::bearer_token(std::string_view authorization) {
  // The scheme's name is case-insensitive (RFC 9110, 11.1).
  constexpr std::string_view scheme = "bearer";
  bool bearer = authorization.size() > scheme.size() && authorization[scheme.size()] == ' ' &&
                std::equal(scheme.begin(), scheme.end(), authorization.begin(), [](char a, char b) {
                  return a == std::tolower(static_cast<unsigned char>(b));
                });
  if (!bearer) return std::nullopt;
  auto credentials = authorization.substr(scheme.size());
  credentials.remove_prefix(std::min(credentials.find_first_not_of(' '), credentials.size()));
  return credentials;
}

bool Access::presents_unknown_token(std::string_view authorization) const {
  if (authenticator_ == nullptr) return false;
  auto credentials = bearer_token(authorization);
  return credentials && !credentials->empty() && !authenticator_->authenticate(*credentials);
}

std::optional<Response> Access::refusal(const std::optional<service_layer::Identity>& identity,
                                        service_layer::Role needed, std::string_view method,
                                        std::string_view path) {
  if (!identity || identity->role >= needed) return std::nullopt;
  return message_response(Status::forbidden,
                          "a token of role " +
                              std::string{service_layer::role_name(identity->role)} + " may not " +
                              std::string{method} + " " + std::string{path} + "; it needs role " +
                              std::string{service_layer::role_name(needed)});
}

}  // namespace allocation::entrypoints::http
