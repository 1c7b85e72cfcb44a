#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entrypoints/http/request_decoding.hpp"
#include "service_layer/group_committer.hpp"

namespace allocation::entrypoints::http {

enum class Status : unsigned {
  ok = 200,
  created = 201,
  accepted = 202,
  bad_request = 400,
  unauthorized = 401,
  forbidden = 403,
  not_found = 404,
  method_not_allowed = 405,
  conflict = 409,
  payload_too_large = 413,
  uri_too_long = 414,
  unprocessable_entity = 422,
  too_many_requests = 429,
  request_header_fields_too_large = 431,
  service_unavailable = 503,
};

// What the server sends back, before it is written to a connection.
struct Response {
  Status status = Status::ok;
  std::string content_type;
  std::string body;
  // Besides Content-Type and Content-Length.
  std::vector<std::pair<std::string, std::string>> headers;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

Response text_response(Status status, std::string body);
// `body` is serialised JSON.
Response json_response(Status status, std::string body);
// `{"message": ...}`: how every refusal explains itself.
Response message_response(Status status, std::string_view message);
Response invalid_input_response(const InvalidInput& invalid);
// The status of each kind of command failure; storage that failed or is busy says when to
// try again.
Response rejection_response(const service_layer::Rejection& rejection);

}  // namespace allocation::entrypoints::http
