#include "entrypoints/http/query_routes.hpp"

#include <boost/json.hpp>

#include "entrypoints/http/order_representation.hpp"

namespace allocation::entrypoints::http {

namespace json = boost::json;

namespace {

// Checks the path's identifier, then runs `query` for it where queries run, at the time it
// runs, and responds with what it answers.
template <class Query>
Handler query_route(const ApiPorts& ports, std::string_view identifier_name, Query query) {
  return [ports, identifier_name, query](const RouteRequest& request, Respond respond) {
    auto checked = decode_identifier(identifier_name, request.parameters.at(0), ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&checked)) {
      return respond(invalid_input_response(*invalid));
    }
    ports.query([identifier = std::get<std::string>(std::move(checked)), query,
                 &clock = ports.clock,
                 respond = std::move(respond)](service_layer::ReadModelReader& read_model) {
      try {
        respond(query(read_model, identifier, clock.now()));
      } catch (const service_layer::ServiceError& error) {
        respond(rejection_response({error.kind(), error.what()}));
      }
    });
  };
}

Response batches_of_product(service_layer::ReadModelReader& read_model, const std::string& sku,
                            domain::Instant now) {
  auto rows = read_model.batches_for_sku(sku, now);
  if (rows.empty()) return message_response(Status::not_found, "Unknown sku " + sku);
  json::array batches;
  batches.reserve(rows.size());
  for (const auto& row : rows) {
    json::value eta = nullptr;
    if (row.eta) eta = json::string{*row.eta};
    batches.push_back(json::object{{"ref", row.reference},
                                   {"eta", eta},
                                   {"purchased", row.purchased_quantity},
                                   {"allocated", row.allocated_quantity},
                                   {"held", row.held_quantity},
                                   {"available", row.available_quantity}});
  }
  return json_response(Status::ok,
                       json::serialize(json::object{{"sku", sku}, {"batches", batches}}));
}

}  // namespace

// The book's `not found` for an order without allocations: as text, or as a JSON message to a
// client that asks for JSON.
Handler allocations_route(const ApiPorts& ports) {
  auto answering = [&ports](bool json_not_found) {
    return query_route(
        ports, "orderid",
        [json_not_found](service_layer::ReadModelReader& read_model, const std::string& orderid,
                         domain::Instant /*now*/) {
          auto rows = read_model.allocations_for_order(orderid);
          if (rows.empty()) {
            return json_not_found ? message_response(Status::not_found, "not found")
                                  : text_response(Status::not_found, "not found");
          }
          json::array body;
          body.reserve(rows.size());
          for (const auto& row : rows) {
            body.push_back(json::object{{"sku", row.sku}, {"batchref", row.batchref}});
          }
          return json_response(Status::ok, json::serialize(body));
        });
  };
  return [as_text = answering(false), as_json = answering(true)](const RouteRequest& request,
                                                                 Respond respond) {
    (request.accepts_json ? as_json : as_text)(request, std::move(respond));
  };
}

Handler product_route(const ApiPorts& ports) {
  return query_route(ports, "sku", batches_of_product);
}

// A page of the SKU list, with `next` to ask for the one after it (null: this is the last).
Handler products_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& request, Respond respond) {
    auto decoded = decode_product_page(request.query, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    ports.query([page = std::get<ProductPage>(std::move(decoded)), &clock = ports.clock,
                 respond = std::move(respond)](service_layer::ReadModelReader& read_model) {
      try {
        // One more than asked tells whether another page follows.
        auto rows = read_model.products(page.after, page.limit + 1, clock.now());
        json::value next = nullptr;
        if (rows.size() > page.limit) {
          rows.resize(page.limit);
          next = json::string{rows.back().sku};
        }
        json::array products;
        products.reserve(rows.size());
        for (const auto& row : rows) {
          products.push_back(json::object{{"sku", row.sku},
                                          {"purchased", row.purchased_quantity},
                                          {"allocated", row.allocated_quantity},
                                          {"held", row.held_quantity},
                                          {"available", row.available_quantity}});
        }
        respond(json_response(
            Status::ok, json::serialize(json::object{{"products", products}, {"next", next}})));
      } catch (const service_layer::ServiceError& error) {
        respond(rejection_response({error.kind(), error.what()}));
      }
    });
  };
}

// 200 with what the check found, `consistent` when nothing.
Handler consistency_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& /*request*/, Respond respond) {
    ports.run_check(
        [check = ports.check_consistency, &clock = ports.clock, respond = std::move(respond)] {
          try {
            json::array drifts;
            for (const auto& drift : check(clock.now())) {
              drifts.push_back(json::object{{"kind", drift.kind}, {"detail", drift.detail}});
            }
            bool consistent = drifts.empty();
            respond(json_response(Status::ok,
                                  json::serialize(json::object{{"consistent", consistent},
                                                               {"drifts", std::move(drifts)}})));
          } catch (const service_layer::ServiceError& error) {
            respond(rejection_response({error.kind(), error.what()}));
          }
        });
  };
}

Handler order_route(const ApiPorts& ports) {
  return query_route(ports, "orderid",
                     [](service_layer::ReadModelReader& read_model, const std::string& orderid,
                        domain::Instant now) {
                       auto lines = read_model.order_lines(orderid, now);
                       if (lines.empty()) return unknown_order(orderid);
                       return json_response(Status::ok, order_json(orderid, lines));
                     });
}

}  // namespace allocation::entrypoints::http
