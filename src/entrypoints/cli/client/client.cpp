#include "entrypoints/cli/client/client.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "entrypoints/cli/client/calling.hpp"
#include "entrypoints/cli/client/verbs.hpp"

namespace allocation::cli {

namespace json = boost::json;
using namespace client;

namespace {

int run(const ServerOptions& options, const std::string& idempotency_key, Exchange exchange) {
  if (exchange.call.method == "POST") {
    exchange.call.headers.emplace_back("Idempotency-Key", idempotency_key.empty()
                                                              ? fresh_idempotency_key("cli-")
                                                              : idempotency_key);
  }
  HttpReply reply;
  try {
    reply = answer_to(options, std::move(exchange.call), exchange.unavailable_is_an_answer);
  } catch (const client::Unreachable& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return unreachable;
  }
  bool success = reply.status >= 200 && reply.status < 300;
  bool unavailable = reply.status == 503 && !exchange.unavailable_is_an_answer;
  int code = success ? done : unavailable ? unreachable : refused;
  bool is_json = reply.content_type.starts_with("application/json");
  if (success && is_json && exchange.says_no && exchange.says_no(json::parse(reply.body))) {
    code = refused;
  }
  if (options.json) {
    std::cout << (is_json ? reply.body : json::serialize(json::object{{"message", reply.body}}))
              << "\n";
    return code;
  }
  if (!success && !exchange.unavailable_is_an_answer) {
    std::cerr << "allocation: " << message_of(reply) << " (HTTP " << reply.status << ")\n";
    return code;
  }
  if (is_json && exchange.show) {
    exchange.show(std::cout, json::parse(reply.body));
  } else {
    std::cout << reply.body << (reply.body.ends_with('\n') ? "" : "\n");
  }
  return code;
}

}  // namespace

Subcommand add_client_command(CLI::App& app) {
  auto options = std::make_shared<client::ServerOptions>();
  CLI::App* command = app.add_subcommand("client", "Call a running server's API");
  command->require_subcommand(1);
  command->fallthrough();
  client::add_server_options(*command, *options);
  auto idempotency_key = std::make_shared<std::string>();
  command->add_option("--idempotency-key", *idempotency_key,
                      "The Idempotency-Key of a change (default: a new one per invocation), "
                      "to retry an earlier invocation safely");
  auto verbs = std::make_shared<std::vector<client::Verb>>(client::add_verbs(*command));
  return {command, [options, idempotency_key, verbs] {
            for (const client::Verb& verb : *verbs) {
              if (*verb.command) return run(*options, *idempotency_key, verb.exchange());
            }
            return 2;
          }};
}

}  // namespace allocation::cli
