#include "entrypoints/http/routes.hpp"

#include <boost/json.hpp>

namespace allocation::entrypoints::http {

namespace json = boost::json;
using service_layer::Role;

namespace {

// Hands `command` to the writer: a rejection is answered with its status, and once the change
// is durable `then` answers.
template <class Command, class Then>
void submit(const ApiPorts& ports, Command command, const service_layer::Actor& actor,
            Respond respond, Then then) {
  ports.commands.submit(
      std::move(command),
      [respond = std::move(respond), then = std::move(then)](service_layer::Outcome outcome) {
        if (const auto* rejection = std::get_if<service_layer::Rejection>(&outcome)) {
          return respond(rejection_response(*rejection));
        }
        then(respond);
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
           [success](const Respond& answer) { answer(text_response(success, "OK")); });
  };
}

// Runs `answer` for `identifier` where queries run, and responds with what it answers.
template <class Answer>
void answer_query(const ApiPorts& ports, std::string identifier, Answer answer, Respond respond) {
  ports.query([identifier = std::move(identifier), answer,
               respond = std::move(respond)](service_layer::ReadModelReader& read_model) {
    try {
      respond(answer(read_model, identifier));
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
                              const std::string& orderid) {
  auto rows = read_model.allocations_for_order(orderid);
  if (rows.empty()) return text_response(Status::not_found, "not found");
  json::array body;
  body.reserve(rows.size());
  for (const auto& row : rows) {
    body.push_back(json::object{{"sku", row.sku}, {"batchref", row.batchref}});
  }
  return json_response(Status::ok, json::serialize(body));
}

Response batches_of_product(service_layer::ReadModelReader& read_model, const std::string& sku) {
  auto rows = read_model.batches_for_sku(sku);
  if (rows.empty()) return message_response(Status::not_found, "Unknown sku " + sku);
  json::array batches;
  batches.reserve(rows.size());
  for (const auto& row : rows) {
    json::value eta = nullptr;
    if (row.eta) eta = json::string{*row.eta};
    batches.push_back(json::object{{"ref", row.reference},
                                   {"eta", eta},
                                   {"purchased", row.purchased_quantity},
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

Response order(service_layer::ReadModelReader& read_model, const std::string& orderid) {
  auto lines = read_model.order_lines(orderid);
  if (lines.empty()) return message_response(Status::not_found, "Unknown order " + orderid);
  json::array body_lines;
  body_lines.reserve(lines.size());
  for (const auto& line : lines) {
    body_lines.push_back(json::object{{"sku", line.sku},
                                      {"qty", line.qty},
                                      {"batchref", text_or_null(line.batchref)},
                                      {"eta", text_or_null(line.eta)},
                                      {"state", line.state}});
  }
  return json_response(Status::ok, json::serialize(json::object{{"orderid", orderid},
                                                                {"status", order_status(lines)},
                                                                {"lines", body_lines}}));
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
           [ports, orderid = std::move(orderid)](const Respond& answer) {
             answer_query(ports, orderid, order, answer);
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
      {"GET", "/orders/{orderid}", Role::reader, query_route(ports, "orderid", order)},
      {"POST", "/orders/{orderid}/cancel", Role::allocator,
       order_command_route(ports, decode_cancel_order)},
      {"POST", "/orders/{orderid}/ship", Role::admin,
       order_command_route(ports, decode_ship_order)},
      {"GET", "/healthz", Role::reader, health},
      {"GET", "/metrics", Role::reader, metrics_route(ports)},
  }};
}

}  // namespace allocation::entrypoints::http
