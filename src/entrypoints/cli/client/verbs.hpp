#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <iosfwd>
#include <vector>

#include "entrypoints/cli/client/http_exchange.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace allocation::cli::client {

// Writes a successful JSON answer for a reader.
using Show = std::function<void(std::ostream&, const boost::json::value&)>;

// What one invocation asks of the server, and how its answer is shown.
struct Exchange {
  HttpCall call;
  Show show;  // none: the answer's text as it came
  // The route answers 503 as an outcome (readiness), not as a refusal to retry.
  bool unavailable_is_an_answer = false;
  // Whether a successful JSON answer still says no (a check that found drifts): exit 1.
  bool (*says_no)(const boost::json::value&) = nullptr;
};

// A verb of `allocation client`: its command, and the exchange its arguments make.
struct Verb {
  CLI::App* command;
  std::function<Exchange()> exchange;
};

// One verb for every route of the API.
std::vector<Verb> add_verbs(CLI::App& client);

}  // namespace allocation::cli::client
