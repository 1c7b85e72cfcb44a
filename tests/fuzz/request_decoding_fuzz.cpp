// Feeds arbitrary bytes to every decoder of client input. A decoder must either refuse with a
// message or produce a command whose every field is within the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>

#include "entrypoints/http/request_decoding.hpp"

namespace {

using namespace allocation;
using namespace allocation::entrypoints::http;

const InputLimits limits;

void check(bool holds, const char* invariant, std::string_view input) {
  if (holds) return;
  std::cerr << "invariant broken: " << invariant << "\ninput: " << input << "\n";
  std::abort();
}

void check_identifier(const std::string& value, std::string_view input) {
  check(!value.empty() && value.size() <= limits.identifier_bytes_max,
        "identifiers are non-empty and bounded", input);
  for (unsigned char c : value) {
    check(c >= 0x20 && c != 0x7f, "identifiers have no control characters", input);
  }
}

void check_quantity(std::int64_t quantity, std::int64_t minimum, std::string_view input) {
  check(quantity >= minimum && quantity <= limits.quantity_max, "quantities are in range", input);
}

template <class Command, class Check>
void decode_and_check(const Decoded<Command>& decoded, std::string_view input,
                      Check&& check_command) {
  if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
    check(!invalid->message.empty(), "a refusal says why", input);
    return;
  }
  check_command(std::get<Command>(decoded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  decode_and_check(decode_create_batch(input, limits), input, [&](const auto& command) {
    check_identifier(command.ref, input);
    check_identifier(command.sku, input);
    check_quantity(command.qty, 1, input);
  });
  decode_and_check(decode_allocate(input, limits), input, [&](const auto& command) {
    check_identifier(command.orderid, input);
    check_identifier(command.sku, input);
    check_quantity(command.qty, 1, input);
  });
  auto check_change = [&](const auto& command) {
    check_identifier(command.ref, input);
    check_quantity(command.qty, 0, input);
  };
  decode_and_check(decode_change_batch_quantity(input, limits), input, check_change);
  decode_and_check(decode_change_batch_quantity_message(input, limits), input, check_change);
  decode_and_check(decode_change_batch_eta(input, limits), input,
                   [&](const auto& command) { check_identifier(command.ref, input); });
  decode_and_check(decode_cancel_order("o1", input, limits), input, [&](const auto& command) {
    check_identifier(command.orderid, input);
    for (const std::string& sku : command.skus) check_identifier(sku, input);
  });
  decode_and_check(decode_identifier("sku", input, limits), input,
                   [&](const std::string& value) { check_identifier(value, input); });
  decode_and_check(decode_request_id(input, limits), input, [&](const std::string& value) {
    check(value.size() <= limits.request_id_bytes_max, "request ids are bounded", input);
  });
  return 0;
}
