#include "entrypoints/http/routes.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "common/overloaded.hpp"
#include "entrypoints/http/docs_page.hpp"
#include "entrypoints/http/idempotency.hpp"
#include "entrypoints/http/openapi_document.hpp"
#include "entrypoints/http/order_representation.hpp"
#include "entrypoints/http/query_routes.hpp"

namespace allocation::entrypoints::http {

namespace json = boost::json;
using service_layer::Role;

namespace {

// The response to a handled command's result.
using Answer = std::function<Response(const service_layer::CommandResult&)>;

// The response to `outcome`: a result as `answer` has it, a rejection by its kind, a recorded
// reply as it was recorded.
Response response_to(const service_layer::Outcome& outcome, const Answer& answer) {
  return std::visit(
      Overloaded{
          [&](const service_layer::CommandResult& result) { return answer(result); },
          [](const service_layer::Rejection& rejection) { return rejection_response(rejection); },
          [](const service_layer::Replied& replied) {
            Response response{static_cast<Status>(replied.reply.status),
                              replied.reply.content_type,
                              replied.reply.body,
                              {}};
            if (replied.replayed) response.with_header("Idempotent-Replayed", "true");
            return response;
          }},
      outcome);
}

// Hands `command` to the writer and, once its outcome is final (a change durable), responds
// with it. With an Idempotency-Key the response is recorded with the change, for retries.
template <class Command>
void submit(const ApiPorts& ports, const RouteRequest& request, Command command, Respond respond,
            Answer answer) {
  std::optional<service_layer::Idempotency> idempotency;
  if (request.idempotency_key) {
    service_layer::IdempotencyKey key{request.actor.token_name, *request.idempotency_key,
                                      request_digest(request.method, request.path, request.body)};
    idempotency = service_layer::Idempotency{
        std::move(key), [answer](const service_layer::Outcome& outcome) {
          Response response = response_to(outcome, answer);
          return service_layer::RecordedReply{static_cast<int>(response.status),
                                              std::move(response.content_type),
                                              std::move(response.body)};
        }};
  }
  ports.commands.submit(
      std::move(command),
      [respond = std::move(respond), answer = std::move(answer)](service_layer::Outcome outcome) {
        respond(response_to(outcome, answer));
      },
      request.actor, std::move(idempotency));
}

Answer ok_with(Status success) {
  return [success](const service_layer::CommandResult& /*result*/) {
    return text_response(success, "OK");
  };
}

// `{"batchref": ...}`, null when out of stock: for a client of `POST /allocate` that accepts
// JSON; the others are answered "OK", as the book's service answers.
Response allocated_batch(const service_layer::CommandResult& result) {
  json::object body{{"batchref", nullptr}};
  if (result.allocated_batchref) body["batchref"] = *result.allocated_batchref;
  return json_response(Status::accepted, json::serialize(body));
}

// Decodes the body into a command, hands it to the writer, and answers with `answer`, or
// with `json_answer` when there is one and the client accepts JSON.
template <class Command>
Handler command_route(const ApiPorts& ports,
                      Decoded<Command> (*decode)(std::string_view, const InputLimits&),
                      Answer answer, Answer json_answer = nullptr) {
  return [ports, decode, answer, json_answer](const RouteRequest& request, Respond respond) {
    auto decoded = decode(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    submit(ports, request, std::get<Command>(std::move(decoded)), std::move(respond),
           json_answer && request.accepts_json ? json_answer : answer);
  };
}

// What became of the batches of a `POST /batches` request: with batches refused and none to
// be created without them, a 422 that says nothing was changed.
Response batches_created(const service_layer::BatchesCreation& creation,
                         std::vector<service_layer::RefusedBatch> refused, bool skip_refused,
                         bool dry_run, std::size_t requested) {
  std::sort(refused.begin(), refused.end(),
            [](const auto& left, const auto& right) { return left.index < right.index; });
  json::array listed;
  for (const auto& batch : refused) {
    listed.push_back(json::object{{"index", batch.index}, {"message", batch.message}});
  }
  bool refusing = !refused.empty() && !skip_refused;
  json::object body{{"created", refusing ? 0 : creation.created},
                    {"unchanged", creation.unchanged},
                    {"refused", std::move(listed)},
                    {"dry_run", dry_run}};
  if (!refusing) return json_response(Status::ok, json::serialize(body));
  body.emplace("message", std::to_string(refused.size()) + " of " + std::to_string(requested) +
                              " batches refused; nothing was changed");
  return json_response(Status::unprocessable_entity, json::serialize(body));
}

// Batches that are not batches are refused with those that cannot be created; when nothing is
// to be created without them, the others are still looked at (and not stored), so that one
// answer names every batch refused.
Handler create_batches_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& request, Respond respond) {
    auto decoded = decode_create_batches(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    auto batches = std::get<BatchesRequest>(std::move(decoded));
    bool dry_run = batches.command.dry_run;
    bool skip_refused = batches.command.skip_refused;
    if (!batches.invalid.empty() && !skip_refused) batches.command.dry_run = true;
    auto answer = [places = std::move(batches.places), invalid = std::move(batches.invalid),
                   skip_refused, dry_run](const service_layer::CommandResult& result) {
      const auto& creation = result.batches_creation;
      std::vector<service_layer::RefusedBatch> refused = invalid;
      for (const auto& batch : creation.refused) {
        refused.push_back({places.at(batch.index), batch.message});
      }
      return batches_created(creation, std::move(refused), skip_refused, dry_run,
                             places.size() + invalid.size());
    };
    submit(ports, request, std::move(batches.command), std::move(respond), std::move(answer));
  };
}

// A quantity set (200), or refused because the batch's quantity was not the expected one
// (409, with the quantity it has).
Handler change_batch_quantity_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& request, Respond respond) {
    auto decoded = decode_change_batch_quantity(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    auto command = std::get<domain::commands::ChangeBatchQuantity>(std::move(decoded));
    auto answer = [ref = command.ref,
                   expected = command.expected_qty](const service_layer::CommandResult& result) {
      if (!result.current_qty) return text_response(Status::ok, "OK");
      std::string message = "batch " + ref + " has qty " + std::to_string(*result.current_qty) +
                            ", not the expected " + std::to_string(*expected) +
                            "; nothing was changed";
      return json_response(Status::conflict,
                           json::serialize(json::object{{"message", message},
                                                        {"ref", ref},
                                                        {"expected_qty", *expected},
                                                        {"current_qty", *result.current_qty}}));
    };
    submit(ports, request, std::move(command), std::move(respond), std::move(answer));
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

// Answers a placed order (201; 200 when it was there already) and a dry run (200) with the
// order's lines, and a refused one with what is missing.
Handler place_order_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& request, Respond respond) {
    auto decoded = decode_place_order(request.body, ports.input);
    if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
      return respond(invalid_input_response(*invalid));
    }
    auto command = std::get<domain::commands::PlaceOrder>(std::move(decoded));
    auto answer = [orderid = command.orderid,
                   dry_run = command.dry_run](const service_layer::CommandResult& result) {
      const auto& placement = result.placement;
      if (!placement.unavailable.empty()) return refused_order(orderid, placement.unavailable);
      bool created = !dry_run && !placement.already_placed;
      return json_response(created ? Status::created : Status::ok,
                           order_json(orderid, result.order));
    };
    submit(ports, request, std::move(command), std::move(respond), std::move(answer));
  };
}

// Decodes the order's command from the path and the body, hands it to the writer, and answers
// with the order as the command left it.
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
    auto answer = [orderid = command.orderid](const service_layer::CommandResult& result) {
      if (result.order.empty()) return unknown_order(orderid);
      return json_response(Status::ok, order_json(orderid, result.order));
    };
    submit(ports, request, std::move(command), std::move(respond), std::move(answer));
  };
}

void openapi(const RouteRequest& /*request*/, const Respond& respond) {
  respond(json_response(Status::ok, std::string{openapi_document()}));
}

// Redoc styles its page inline and runs its search in a worker made from a blob; nothing else
// is loaded, and nothing from elsewhere.
constexpr const char* docs_policy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void docs(const RouteRequest& /*request*/, const Respond& respond) {
  respond(
      Response{Status::ok, "text/html; charset=utf-8", std::string{docs_page()}, {}}.with_header(
          "Content-Security-Policy", docs_policy));
}

void docs_renderer_script(const RouteRequest& /*request*/, const Respond& respond) {
  respond(Response{Status::ok, "text/javascript; charset=utf-8", std::string{docs_renderer()}, {}}
              .with_header("Cache-Control", "public, max-age=86400")
              .with_header("ETag", "\"" + std::string{docs_renderer_digest()} + "\""));
}

void health(const RouteRequest& /*request*/, const Respond& respond) {
  respond(json_response(Status::ok, R"({"status":"ok"})"));
}

// 200 once a write is durable and every broker is reachable; else 503 naming what is not.
Handler readiness_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& /*request*/, Respond respond) {
    ports.commands.check_writes([respond = std::move(respond),
                                 brokers = ports.broker_problems](service_layer::Outcome outcome) {
      std::vector<std::string> problems;
      if (const auto* rejection = std::get_if<service_layer::Rejection>(&outcome)) {
        problems.push_back("storage does not accept writes: " + rejection->message);
      }
      for (std::string& problem : brokers()) problems.push_back(std::move(problem));
      if (problems.empty()) return respond(json_response(Status::ok, R"({"status":"ready"})"));
      json::array listed(problems.begin(), problems.end());
      std::string message = "not ready: " + problems.front();
      for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
      respond(json_response(Status::service_unavailable,
                            json::serialize(json::object{{"status", "not ready"},
                                                         {"message", message},
                                                         {"problems", std::move(listed)}}))
                  .with_header("Retry-After", "1"));
    });
  };
}

// Built where queries run: reading the process's figures is file I/O (/proc).
Handler metrics_route(const ApiPorts& ports) {
  return [ports](const RouteRequest& /*request*/, Respond respond) {
    ports.query([metrics_text = ports.metrics_text,
                 respond = std::move(respond)](service_layer::ReadModelReader& /*read_model*/) {
      respond(Response{Status::ok, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), {}});
    });
  };
}

}  // namespace

RouteTable api_routes(const ApiPorts& ports) {
  return RouteTable{{
      {"POST", "/add_batch", Role::admin,
       command_route(ports, decode_create_batch, ok_with(Status::created))},
      {"POST", "/batches", Role::admin, create_batches_route(ports)},
      {"POST", "/allocate", Role::allocator,
       command_route(ports, decode_allocate, ok_with(Status::accepted), allocated_batch)},
      {"POST", "/change_batch_quantity", Role::admin, change_batch_quantity_route(ports)},
      {"POST", "/change_batch_eta", Role::admin,
       command_route(ports, decode_change_batch_eta, ok_with(Status::ok))},
      {"GET", "/allocations/{orderid}", Role::reader, allocations_route(ports)},
      {"GET", "/products", Role::reader, products_route(ports)},
      {"GET", "/products/{sku}", Role::reader, product_route(ports)},
      {"POST", "/orders", Role::allocator, place_order_route(ports)},
      {"GET", "/orders/{orderid}", Role::reader, order_route(ports)},
      {"POST", "/orders/{orderid}/confirm", Role::allocator,
       order_command_route(ports, decode_confirm_order)},
      {"POST", "/orders/{orderid}/cancel", Role::allocator,
       order_command_route(ports, decode_cancel_order)},
      {"POST", "/orders/{orderid}/ship", Role::admin,
       order_command_route(ports, decode_ship_order)},
      {"GET", "/admin/check", Role::admin, consistency_route(ports)},
      {"GET", "/healthz", std::nullopt, health},
      {"GET", "/readyz", std::nullopt, readiness_route(ports)},
      {"GET", "/metrics", Role::reader, metrics_route(ports)},
      {"GET", "/openapi.json", std::nullopt, openapi},
      {"GET", "/docs", std::nullopt, docs},
      {"GET", "/docs/redoc.standalone.js", std::nullopt, docs_renderer_script},
  }};
}

}  // namespace allocation::entrypoints::http
