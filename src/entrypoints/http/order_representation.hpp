#pragma once

#include <string>
#include <vector>

#include "entrypoints/http/responses.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::entrypoints::http {

// An order's JSON body, `{"orderid","status","expires_at"?,"lines":[...]}`, from its lines (at
// least one), as both queries and commands answer with it.
std::string order_json(const std::string& orderid,
                       const std::vector<service_layer::OrderLineView>& lines);

// The 404 of an order id nobody placed.
Response unknown_order(const std::string& orderid);

}  // namespace allocation::entrypoints::http
