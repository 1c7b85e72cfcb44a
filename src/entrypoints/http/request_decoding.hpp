#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/commands.hpp"
#include "service_layer/handlers.hpp"

namespace allocation::entrypoints::http {

struct InputLimits {
  std::size_t identifier_bytes_max = 255;
  std::size_t json_depth_max = 16;
  // Values in a request body, counting every nested array element and object member: enough
  // for an order of lines_max lines.
  std::size_t json_elements_max = 512;
  std::size_t lines_max = 100;
  std::int64_t quantity_max = 2147483647;  // fits 32 bits
  std::size_t request_id_bytes_max = 128;
  std::size_t page_size_max = 1000;
  // Batches in one `POST /batches` request.
  std::size_t batches_max = 1000;
};

// What a client got wrong, in words meant for that client.
struct InvalidInput {
  std::string message;
  friend bool operator==(const InvalidInput&, const InvalidInput&) = default;
};

// A URL's query parameters, percent-decoded, in the order given.
using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// Where a page of the SKU list starts (after `after`; "": at the first) and how long it is.
struct ProductPage {
  std::string after;
  std::size_t limit = 100;
  friend bool operator==(const ProductPage&, const ProductPage&) = default;
};

template <class Command>
using Decoded = std::variant<Command, InvalidInput>;

// `{"ref","sku","qty","eta"}`; `eta` an ISO date, null or absent.
Decoded<domain::commands::CreateBatch> decode_create_batch(std::string_view body,
                                                           const InputLimits& limits = {});
// `POST /batches`: the batches that are batches, and those that are not, by their place in
// the request.
struct BatchesRequest {
  domain::commands::CreateBatches command;
  // The place in the request of each of the command's batches.
  std::vector<std::size_t> places;
  std::vector<service_layer::RefusedBatch> invalid;
};

// `{"batches": [{"ref","sku","qty","eta"?}], "on_error"?: "refuse"|"skip", "dry_run"?}`, 1 to
// batches_max batches. A batch that is not one is `invalid` (the rest of the request is read);
// anything else wrong refuses the whole request.
Decoded<BatchesRequest> decode_create_batches(std::string_view body,
                                              const InputLimits& limits = {});
// `{"orderid","sku","qty"}`.
Decoded<domain::commands::Allocate> decode_allocate(std::string_view body,
                                                    const InputLimits& limits = {});
// `{"ref","qty","expected_qty"?}`; `qty` may be zero.
Decoded<domain::commands::ChangeBatchQuantity> decode_change_batch_quantity(
    std::string_view body, const InputLimits& limits = {});

// `{"ref","eta"}`; `eta` an ISO date, or null for a batch now in the warehouse.
Decoded<domain::commands::ChangeBatchEta> decode_change_batch_eta(std::string_view body,
                                                                  const InputLimits& limits = {});

// The order named in the path; the body is empty (every line), or `{"skus": [...]}`.
Decoded<domain::commands::CancelOrder> decode_cancel_order(std::string_view orderid,
                                                           std::string_view body,
                                                           const InputLimits& limits = {});

// As decode_cancel_order.
Decoded<domain::commands::ShipOrder> decode_ship_order(std::string_view orderid,
                                                       std::string_view body,
                                                       const InputLimits& limits = {});

// `{"orderid", "lines": [{"sku", "qty", "split"?}], "hold_seconds"?, "dry_run"?}`;
// `hold_seconds` from 1 to 86,400.
Decoded<domain::commands::PlaceOrder> decode_place_order(std::string_view body,
                                                         const InputLimits& limits = {});

// The order named in the path; the body is empty (the whole hold), or
// `{"lines": [{"sku", "qty"}]}`.
Decoded<domain::commands::ConfirmOrder> decode_confirm_order(std::string_view orderid,
                                                             std::string_view body,
                                                             const InputLimits& limits = {});

// A `change_batch_quantity` message from Redis: `{"batchref","qty","expected_qty"?}`; `qty`
// may be zero.
Decoded<domain::commands::ChangeBatchQuantity> decode_change_batch_quantity_message(
    std::string_view body, const InputLimits& limits = {});

// An identifier taken from a URL path, checked like one in a body.
std::variant<std::string, InvalidInput> decode_identifier(std::string_view name,
                                                          std::string_view value,
                                                          const InputLimits& limits = {});

// `?after=SKU&limit=N`, each optional, `N` from 1 to page_size_max; any other parameter, or
// one given twice, is refused.
std::variant<ProductPage, InvalidInput> decode_product_page(const QueryParameters& query,
                                                            const InputLimits& limits = {});

// A client's X-Request-Id: letters, digits and `-_.:` only, so that it is safe in any log line.
std::variant<std::string, InvalidInput> decode_request_id(std::string_view value,
                                                          const InputLimits& limits = {});

}  // namespace allocation::entrypoints::http
