#include "entrypoints/http/responses.hpp"

#include <boost/json.hpp>

namespace allocation::entrypoints::http {

using service_layer::ErrorKind;

std::string_view Response::header(std::string_view name) const {
  for (const auto& [header_name, value] : headers) {
    if (header_name == name) return value;
  }
  return {};
}

Response text_response(Status status, std::string body) {
  return Response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

Response json_response(Status status, std::string body) {
  return Response{status, "application/json", std::move(body), {}};
}

Response message_response(Status status, std::string_view message) {
  return json_response(status, boost::json::serialize(boost::json::object{{"message", message}}));
}

Response invalid_input_response(const InvalidInput& invalid) {
  return message_response(Status::bad_request, invalid.message);
}

Response rejection_response(const service_layer::Rejection& rejection) {
  switch (rejection.kind) {
    case ErrorKind::invalid_sku:
      return message_response(Status::bad_request, rejection.message);
    case ErrorKind::unknown_batch:
    case ErrorKind::unknown_order:
      return message_response(Status::not_found, rejection.message);
    case ErrorKind::duplicate_batch:
    case ErrorKind::refused:
      return message_response(Status::conflict, rejection.message);
    case ErrorKind::key_in_flight:
      return message_response(Status::conflict, rejection.message).with_header("Retry-After", "1");
    case ErrorKind::key_reused:
      return message_response(Status::unprocessable_entity, rejection.message);
    case ErrorKind::conflict:
    case ErrorKind::unavailable:
    case ErrorKind::overloaded:
      break;
  }
  return message_response(Status::service_unavailable, rejection.message)
      .with_header("Retry-After", "1");
}

}  // namespace allocation::entrypoints::http
