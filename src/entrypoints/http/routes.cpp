#include "entrypoints/http/routes.hpp"

#include <boost/json.hpp>

namespace allocation::entrypoints::http {

namespace json = boost::json;
using service_layer::Role;

namespace {

// Hands `command` to the writer: a rejection is answered with its status, and once the change
// is durable `then` answers, given the command's result.
template <class Command, class Then>
void submit(const ApiPorts& ports, Command command, const service_layer::Actor& actor,
            Respond respond, Then then) {
  ports.commands.submit(
      std::move(command),
      [respond = std::move(respond), then = std::move(then)](service_layer::Outcome outcome) {
        if (const auto* rejection = std::get_if<service_layer::Rejection>(&outcome)) {
          return respond(rejection_response(*rejection));
        }
        then(respond, std::get<service_layer::CommandResult>(outcome));
      },
      actor);
}

// Decodes the body into a command and answers `success` once the change is durable.
template <class Command>
Handler command_route(const ApiPorts& ports,
                      Decoded<Command> (*decode)(std::string_view, const InputLimits&),
                      Status success) {
  return [ports, decode, success](const RouteRequest& request, Respond respond) {
    auto decoded = decode(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    submit(ports, std::get<Command>(std::move(decoded)), request.actor, std::move(respond),
           [success](const Respond& answer, const service_layer::CommandResult& /*result*/) {
             answer(text_response(success, "OK"));
           });
  };
}

// Runs `answer` for `identifier` where queries run, at the time it runs, and responds with what
// it answers.
template <class Answer>
void answer_query(const ApiPorts& ports, std::string identifier, Answer answer, Respond respond) {
  ports.query([identifier = std::move(identifier), answer, &clock = ports.clock,
               respond = std::move(respond)](service_layer::ReadModelReader& read_model) {
    try {
      respond(answer(read_model, identifier, clock.now()));
    } catch (const service_layer::ServiceError& error) {
      respond(rejection_response({error.kind(), error.what()}));
    }
  });
}

// Checks the path's identifier, then answers the query.
template <class Answer>
Handler query_route(const ApiPorts& ports, std::string_view identifier_name, Answer answer) {
  return [ports, identifier_name, answer](const RouteRequest& request, Respond respond) {
    auto checked = decode_identifier(identifier_name, request.parameters.at(0), ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&checked)) {
      return respond(invalid_input_response(*invalid));
    }
    answer_query(ports, std::get<std::string>(std::move(checked)), answer, std::move(respond));
  };
}

Response allocations_of_order(service_layer::ReadModelReader& read_model,
                              const std::string& orderid, domain::Instant /*now*/) {
  auto rows = read_model.allocations_for_order(orderid);
  if (rows.empty()) return text_response(Status::not_found, "not found");
  json::array body;
  body.reserve(rows.size());
  for (const auto& row : rows) {
    body.push_back(json::object{{"sku", row.sku}, {"batchref", row.batchref}});
  }
  return json_response(Status::ok, json::serialize(body));
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

json::value text_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::string{*text};
}

// `partial` when its lines are in different states, else their state.
std::string_view order_status(const std::vector<service_layer::OrderLineView>& lines) {
  for (const auto& line : lines) {
    if (line.state != lines.front().state) return "partial";
  }
  return lines.front().state;
}

std::string order_json(const std::string& orderid,
                       const std::vector<service_layer::OrderLineView>& lines) {
  json::object body{{"orderid", orderid}, {"status", order_status(lines)}};
  json::array body_lines;
  body_lines.reserve(lines.size());
  for (const auto& line : lines) {
    if (line.expires_at && !body.contains("expires_at")) {
      body.emplace("expires_at", domain::rfc3339(*line.expires_at));
    }
    body_lines.push_back(json::object{{"sku", line.sku},
                                      {"qty", line.qty},
                                      {"batchref", text_or_null(line.batchref)},
                                      {"eta", text_or_null(line.eta)},
                                      {"state", line.state}});
  }
  body.emplace("lines", std::move(body_lines));
  return json::serialize(body);
}

// The order as it is, answered with `status`.
auto order_with(Status status) {
  return [status](service_layer::ReadModelReader& read_model, const std::string& orderid,
                  domain::Instant now) {
    auto lines = read_model.order_lines(orderid, now);
    if (lines.empty()) return message_response(Status::not_found, "Unknown order " + orderid);
    return json_response(status, order_json(orderid, lines));
  };
}

Response refused_order(const std::string& orderid,
                       const std::vector<service_layer::Shortfall>& unavailable) {
  json::array lines;
  std::string skus;
  for (const auto& shortfall : unavailable) {
    lines.push_back(json::object{{"sku", shortfall.sku},
                                 {"requested", shortfall.requested},
                                 {"available", shortfall.available}});
    skus += (skus.empty() ? "" : ", ") + shortfall.sku;
  }
  std::string message = "order " + orderid + " cannot be placed whole: not enough stock of " + skus;
  return json_response(Status::conflict,
                       json::serialize(json::object{{"message", message}, {"unavailable", lines}}));
}

// Answers a placed order as it is now (201; 200 when it was there already), a refused one
// with what is missing, and a dry run with what would happen.
Handler place_order_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& request, Respond respond) {
    auto decoded = decode_place_order(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    auto command = std::get<domain::commands::PlaceOrder>(std::move(decoded));
    std::string orderid = command.orderid;
    bool dry_run = command.dry_run;
    submit(ports, std::move(command), request.actor, std::move(respond),
           [ports, orderid = std::move(orderid), dry_run](
               const Respond& answer, const service_layer::CommandResult& result) {
             const auto& placement = result.placement;
             if (!placement.unavailable.empty()) {
               return answer(refused_order(orderid, placement.unavailable));
             }
             if (dry_run && !placement.already_placed) {
               return answer(json_response(Status::ok, order_json(orderid, placement.lines)));
             }
             if (placement.already_placed) {
               return answer_query(ports, orderid, order_with(Status::ok), answer);
             }
             answer_query(ports, orderid, order_with(Status::created), answer);
           });
  };
}

// Decodes the order's command from the path and the body, hands it to the writer, and answers
// with the order as it is once the change is durable.
template <class Command>
Handler order_command_route(const ApiPorts& ports,
                            Decoded<Command> (*decode)(std::string_view, std::string_view,
                                                       const InputLimits&)) {
  return [ports, decode](const RouteRequest& request, Respond respond) {
    auto decoded = decode(request.parameters.at(0), request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    auto command = std::get<Command>(std::move(decoded));
    std::string orderid = command.orderid;
    submit(ports, std::move(command), request.actor, std::move(respond),
           [ports, orderid = std::move(orderid)](const Respond& answer,
                                                 const service_layer::CommandResult& /*result*/) {
             answer_query(ports, orderid, order_with(Status::ok), answer);
           });
  };
}

void health(const RouteRequest& /*request*/, const Respond& respond) {
  respond(json_response(Status::ok, R"({"status":"ok"})"));
}

Handler metrics_route(const ApiPorts& ports) {
  return [ports](const RouteRequest&, const Respond& respond) {
    Response response{
        Status::ok, "text/plain; version=0.0.4; charset=utf-8", ports.metrics_text(), {}};
    respond(std::move(response));
  };
}

}  // namespace

RouteTable api_routes(const ApiPorts& ports) {
  return RouteTable{{
      {"POST", "/add_batch", Role::admin,
       command_route(ports, decode_create_batch, Status::created)},
      {"POST", "/allocate", Role::allocator,
       command_route(ports, decode_allocate, Status::accepted)},
      {"POST", "/change_batch_quantity", Role::admin,
       command_route(ports, decode_change_batch_quantity, Status::ok)},
      {"POST", "/change_batch_eta", Role::admin,
       command_route(ports, decode_change_batch_eta, Status::ok)},
      {"GET", "/allocations/{orderid}", Role::reader,
       query_route(ports, "orderid", allocations_of_order)},
      {"GET", "/products/{sku}", Role::reader, query_route(ports, "sku", batches_of_product)},
      {"POST", "/orders", Role::allocator, place_order_route(ports)},
      {"GET", "/orders/{orderid}", Role::reader,
       query_route(ports, "orderid", order_with(Status::ok))},
      {"POST", "/orders/{orderid}/confirm", Role::allocator,
       order_command_route(ports, decode_confirm_order)},
      {"POST", "/orders/{orderid}/cancel", Role::allocator,
       order_command_route(ports, decode_cancel_order)},
      {"POST", "/orders/{orderid}/ship", Role::admin,
       order_command_route(ports, decode_ship_order)},
      {"GET", "/healthz", Role::reader, health},
      {"GET", "/metrics", Role::reader, metrics_route(ports)},
  }};
}

}  // namespace allocation::entrypoints::http
