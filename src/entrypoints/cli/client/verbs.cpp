#include "entrypoints/cli/client/verbs.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <memory>

#include "entrypoints/cli/client/rendering.hpp"
#include "entrypoints/cli/options.hpp"

namespace allocation::cli::client {

namespace json = boost::json;

namespace {

// Everything a verb may be given; each verb reads the fields it declares.
struct Arguments {
  std::string ref;
  std::string sku;
  std::string orderid;
  std::int64_t qty = 0;
  std::optional<std::int64_t> expected_qty;
  std::optional<std::string> eta;
  std::vector<std::string> items;  // SKU:QTY[:split] lines, or SKUs
  std::optional<int> hold_seconds;
  bool dry_run = false;
  std::optional<std::string> after;
  std::optional<int> limit;
};

std::string segment(const std::string& text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

HttpCall post(std::string target, const json::object& body) {
  return {"POST", std::move(target), body.empty() ? "" : json::serialize(body), {}};
}

HttpCall get(std::string target) { return {"GET", std::move(target), "", {}}; }

json::value date_or_null(const std::optional<std::string>& eta) {
  if (!eta || *eta == "none") return nullptr;
  return json::string{*eta};
}

// `SKU:QTY`, or `SKU:QTY:split` for a line that may be split over batches.
json::object order_line(std::string item, bool splittable) {
  bool split = splittable && item.ends_with(":split");
  if (split) item.resize(item.size() - 6);
  auto colon = item.rfind(':');
  std::int64_t qty = 0;
  auto quantity = std::string_view{item}.substr(colon == std::string::npos ? 0 : colon + 1);
  auto [end, error] = std::from_chars(quantity.data(), quantity.data() + quantity.size(), qty);
  if (colon == std::string::npos || colon == 0 || error != std::errc{} ||
      end != quantity.data() + quantity.size()) {
    throw UsageError{"a line is SKU:QTY" + std::string{splittable ? "[:split]" : ""} + ", not '" +
                     item + "'"};
  }
  json::object line{{"sku", item.substr(0, colon)}, {"qty", qty}};
  if (split) line.emplace("split", true);
  return line;
}

json::array lines_of(const std::vector<std::string>& items, bool splittable) {
  json::array lines;
  for (const std::string& item : items) lines.push_back(order_line(item, splittable));
  return lines;
}

json::object skus_of(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  return {{"skus", json::array(items.begin(), items.end())}};
}

std::string products_target(const Arguments& arguments) {
  std::string query;
  if (arguments.after) query += "after=" + segment(*arguments.after);
  if (arguments.limit)
    query += (query.empty() ? "" : "&") + ("limit=" + std::to_string(*arguments.limit));
  return "/products" + (query.empty() ? "" : "?" + query);
}

// Adds verbs to `allocation client`, each reading the arguments its options fill in.
class VerbTable {
 public:
  explicit VerbTable(CLI::App& client) : client_{client} {}

  Arguments& arguments() { return *arguments_; }

  CLI::App* add(const char* name, const char* description, Exchange (*exchange)(const Arguments&)) {
    CLI::App* command = client_.add_subcommand(name, description);
    verbs_.push_back(
        {command, [arguments = arguments_, exchange] { return exchange(*arguments); }});
    return command;
  }

  std::vector<Verb> verbs() && { return std::move(verbs_); }

 private:
  CLI::App& client_;
  std::shared_ptr<Arguments> arguments_ = std::make_shared<Arguments>();
  std::vector<Verb> verbs_;
};

void add_batch_verbs(VerbTable& table) {
  Arguments& given = table.arguments();
  auto* add_batch =
      table.add("add-batch", "Add a batch of stock (POST /add_batch)", [](const Arguments& a) {
        return Exchange{
            post("/add_batch",
                 {{"ref", a.ref}, {"sku", a.sku}, {"qty", a.qty}, {"eta", date_or_null(a.eta)}}),
            {}};
      });
  add_batch->add_option("ref", given.ref, "The batch's reference")->required();
  add_batch->add_option("sku", given.sku, "The SKU it holds")->required();
  add_batch->add_option("qty", given.qty, "How many")->required();
  add_batch->add_option("--eta", given.eta, "YYYY-MM-DD it arrives (none: in the warehouse)");

  auto* change_quantity =
      table.add("change-quantity", "Set a batch's quantity (POST /change_batch_quantity)",
                [](const Arguments& a) {
                  json::object body{{"ref", a.ref}, {"qty", a.qty}};
                  if (a.expected_qty) body.emplace("expected_qty", *a.expected_qty);
                  return Exchange{post("/change_batch_quantity", body), {}};
                });
  change_quantity->add_option("ref", given.ref, "The batch")->required();
  change_quantity->add_option("qty", given.qty, "Its new quantity")->required();
  change_quantity->add_option("--expected", given.expected_qty,
                              "Change it only if the batch has this quantity now");

  auto* change_eta =
      table.add("change-eta", "Set a batch's ETA (POST /change_batch_eta)", [](const Arguments& a) {
        return Exchange{post("/change_batch_eta", {{"ref", a.ref}, {"eta", date_or_null(a.eta)}}),
                        {}};
      });
  change_eta->add_option("ref", given.ref, "The batch")->required();
  change_eta->add_option("eta", given.eta, "YYYY-MM-DD, or none: it is in the warehouse")
      ->required();
}

void add_line_verbs(VerbTable& table) {
  Arguments& given = table.arguments();
  auto* allocate =
      table.add("allocate", "Allocate an order line (POST /allocate)", [](const Arguments& a) {
        return Exchange{post("/allocate", {{"orderid", a.orderid}, {"sku", a.sku}, {"qty", a.qty}}),
                        show_allocated};
      });
  allocate->add_option("orderid", given.orderid, "The order")->required();
  allocate->add_option("sku", given.sku, "The SKU")->required();
  allocate->add_option("qty", given.qty, "How many")->required();

  auto* allocations =
      table.add("allocations", "Show an order's batches (GET /allocations/<orderid>)",
                [](const Arguments& a) {
                  return Exchange{get("/allocations/" + segment(a.orderid)), show_allocations};
                });
  allocations->add_option("orderid", given.orderid, "The order")->required();
}

void add_order_verbs(VerbTable& table) {
  Arguments& given = table.arguments();
  auto* place =
      table.add("place", "Place a whole order, or hold it (POST /orders)", [](const Arguments& a) {
        json::object body{{"orderid", a.orderid}, {"lines", lines_of(a.items, true)}};
        if (a.hold_seconds) body.emplace("hold_seconds", *a.hold_seconds);
        if (a.dry_run) body.emplace("dry_run", true);
        return Exchange{post("/orders", body), show_order};
      });
  place->add_option("orderid", given.orderid, "The order")->required();
  place->add_option("lines", given.items, "SKU:QTY, or SKU:QTY:split to allow several batches")
      ->required();
  place->add_option("--hold", given.hold_seconds, "Hold the stock this many seconds, to confirm");
  place->add_flag("--dry-run", given.dry_run, "Show the order as it would be; store nothing");

  auto* confirm = table.add(
      "confirm", "Confirm a held order (POST /orders/<orderid>/confirm)", [](const Arguments& a) {
        json::object body;
        if (!a.items.empty()) body.emplace("lines", lines_of(a.items, false));
        return Exchange{post("/orders/" + segment(a.orderid) + "/confirm", body), show_order};
      });
  confirm->add_option("orderid", given.orderid, "The order")->required();
  confirm->add_option("lines", given.items, "SKU:QTY to confirm (none: the whole hold)");

  auto* cancel = table.add(
      "cancel", "Cancel an order (POST /orders/<orderid>/cancel)", [](const Arguments& a) {
        return Exchange{post("/orders/" + segment(a.orderid) + "/cancel", skus_of(a.items)),
                        show_order};
      });
  cancel->add_option("orderid", given.orderid, "The order")->required();
  cancel->add_option("skus", given.items, "Only these SKUs' lines (none: every line)");

  auto* ship =
      table.add("ship", "Ship an order (POST /orders/<orderid>/ship)", [](const Arguments& a) {
        return Exchange{post("/orders/" + segment(a.orderid) + "/ship", skus_of(a.items)),
                        show_order};
      });
  ship->add_option("orderid", given.orderid, "The order")->required();
  ship->add_option("skus", given.items, "Only these SKUs' lines (none: every line)");

  auto* order = table.add("order", "Show an order (GET /orders/<orderid>)", [](const Arguments& a) {
    return Exchange{get("/orders/" + segment(a.orderid)), show_order};
  });
  order->add_option("orderid", given.orderid, "The order")->required();
}

void add_stock_verbs(VerbTable& table) {
  Arguments& given = table.arguments();
  auto* product =
      table.add("product", "Show a SKU's batches (GET /products/<sku>)", [](const Arguments& a) {
        return Exchange{get("/products/" + segment(a.sku)), show_product};
      });
  product->add_option("sku", given.sku, "The SKU")->required();

  auto* products = table.add("products", "List every SKU's stock, a page at a time (GET /products)",
                             [](const Arguments& a) {
                               return Exchange{get(products_target(a)), show_products};
                             });
  products->add_option("--after", given.after, "Start after this SKU (the previous page's next)");
  products->add_option("--limit", given.limit, "SKUs per page, 1 to 1000 (default 100)");
}

void add_service_verbs(VerbTable& table) {
  table.add("health", "Whether the server serves (GET /healthz)", [](const Arguments&) {
    return Exchange{get("/healthz"), show_status};
  });
  table.add("ready", "Whether the server is ready, and what is not (GET /readyz)",
            [](const Arguments&) {
              return Exchange{get("/readyz"), show_status, true};
            });
  table.add("metrics", "The server's metrics in Prometheus text (GET /metrics)",
            [](const Arguments&) {
              return Exchange{get("/metrics"), {}};
            });
  table.add("check",
            "The consistency check of the server's database; exit 1 on drift (GET /admin/check)",
            [](const Arguments&) {
              return Exchange{get("/admin/check"), show_consistency, false, found_drifts};
            });
  table.add("openapi", "The OpenAPI 3.1 document of the API (GET /openapi.json)",
            [](const Arguments&) {
              return Exchange{get("/openapi.json"), {}};
            });
}

}  // namespace

std::vector<Verb> add_verbs(CLI::App& client) {
  VerbTable table{client};
  add_batch_verbs(table);
  add_line_verbs(table);
  add_order_verbs(table);
  add_stock_verbs(table);
  add_service_verbs(table);
  return std::move(table).verbs();
}

}  // namespace allocation::cli::client
