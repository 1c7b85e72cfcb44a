#pragma once

#include <boost/json/fwd.hpp>
#include <iosfwd>

namespace allocation::cli::client {

// Answers of the API as tables for a reader; `--json` prints them as they came instead.

// `{"batchref"}` of `POST /allocate`: `allocated to BATCH`, or `out of stock` for null.
void show_allocated(std::ostream& out, const boost::json::value& answer);
// `[{"sku","batchref"}]`
void show_allocations(std::ostream& out, const boost::json::value& answer);
// `{"orderid","status","expires_at"?,"lines":[...]}`
void show_order(std::ostream& out, const boost::json::value& answer);
// `{"sku","batches":[...]}`
void show_product(std::ostream& out, const boost::json::value& answer);
// `{"products":[...],"next"}`
void show_products(std::ostream& out, const boost::json::value& answer);
// `{"consistent","drifts":[{"kind","detail"}]}`, as `allocation check` prints it.
void show_consistency(std::ostream& out, const boost::json::value& answer);
// Whether a consistency report found drifts: the check's refusal (exit 1).
bool found_drifts(const boost::json::value& answer);
// `{"status","problems"?}`
void show_status(std::ostream& out, const boost::json::value& answer);

}  // namespace allocation::cli::client
