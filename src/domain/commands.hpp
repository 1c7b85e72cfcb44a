#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/date.hpp"

// Each command has its `name`, `each_field` (as events have, for its text form), and
// `add_skus`, which names the products the command itself says it changes, so that storage
// can read them together before the command is handled.
namespace allocation::domain::commands {

// Field names are part of the public contract: they appear in JSON.
struct CreateBatch {
  static constexpr std::string_view name = "CreateBatch";
  std::string ref;
  std::string sku;
  std::int64_t qty = 0;
  std::optional<Date> eta;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("ref", self.ref);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("eta", self.eta);
  }
  void add_skus(std::vector<std::string>& skus) const { skus.push_back(sku); }
  friend bool operator==(const CreateBatch&, const CreateBatch&) = default;
};

// Batches created together, as from a file: each is new, or there already with the same values
// (which changes nothing). When any is refused, the others are created only with
// `skip_refused`; with `dry_run`, none is.
struct CreateBatches {
  static constexpr std::string_view name = "CreateBatches";
  std::vector<CreateBatch> batches;
  bool skip_refused = false;
  bool dry_run = false;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("batches", self.batches);
    visit("skip_refused", self.skip_refused);
    visit("dry_run", self.dry_run);
  }
  void add_skus(std::vector<std::string>& skus) const {
    for (const CreateBatch& batch : batches) skus.push_back(batch.sku);
  }
  friend bool operator==(const CreateBatches&, const CreateBatches&) = default;
};

struct Allocate {
  static constexpr std::string_view name = "Allocate";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
  }
  void add_skus(std::vector<std::string>& skus) const { skus.push_back(sku); }
  friend bool operator==(const Allocate&, const Allocate&) = default;
};

// With `expected_qty`, only if the batch's quantity is still that (compare and set).
struct ChangeBatchQuantity {
  static constexpr std::string_view name = "ChangeBatchQuantity";
  std::string ref;
  std::int64_t qty = 0;
  std::optional<std::int64_t> expected_qty;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("ref", self.ref);
    visit("qty", self.qty);
    visit("expected_qty", self.expected_qty);
  }
  // The batch's product is known only once storage has found the batch.
  void add_skus(std::vector<std::string>& /*skus*/) const {}
  friend bool operator==(const ChangeBatchQuantity&, const ChangeBatchQuantity&) = default;
};

// `eta` null: the batch has arrived in the warehouse.
struct ChangeBatchEta {
  static constexpr std::string_view name = "ChangeBatchEta";
  std::string ref;
  std::optional<Date> eta;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("ref", self.ref);
    visit("eta", self.eta);
  }
  // The batch's product is known only once storage has found the batch.
  void add_skus(std::vector<std::string>& /*skus*/) const {}
  friend bool operator==(const ChangeBatchEta&, const ChangeBatchEta&) = default;
};

// Returns an order's lines to stock: of the SKUs named, or all of them when none is.
struct CancelOrder {
  static constexpr std::string_view name = "CancelOrder";
  std::string orderid;
  std::vector<std::string> skus;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("skus", self.skus);
  }
  // Without SKUs named, the order's products are known only once storage has found its lines.
  void add_skus(std::vector<std::string>& named) const {
    named.insert(named.end(), skus.begin(), skus.end());
  }
  friend bool operator==(const CancelOrder&, const CancelOrder&) = default;
};

// An order's lines leave the warehouse: of the SKUs named, or all of them when none is.
struct ShipOrder {
  static constexpr std::string_view name = "ShipOrder";
  std::string orderid;
  std::vector<std::string> skus;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("skus", self.skus);
  }
  // Without SKUs named, the order's products are known only once storage has found its lines.
  void add_skus(std::vector<std::string>& named) const {
    named.insert(named.end(), skus.begin(), skus.end());
  }
  friend bool operator==(const ShipOrder&, const ShipOrder&) = default;
};

// A line of an order to place; with `split`, it may take stock from several batches.
struct RequestedLine {
  std::string sku;
  std::int64_t qty = 0;
  bool split = false;
  friend bool operator==(const RequestedLine&, const RequestedLine&) = default;
};

// A whole order: every line is placed, or none is. With `hold_seconds`, its stock is held for
// that long rather than allocated; with `dry_run`, nothing is stored.
struct PlaceOrder {
  static constexpr std::string_view name = "PlaceOrder";
  std::string orderid;
  std::vector<RequestedLine> lines;
  std::optional<std::int64_t> hold_seconds;
  bool dry_run = false;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("lines", self.lines);
    visit("hold_seconds", self.hold_seconds);
    visit("dry_run", self.dry_run);
  }
  void add_skus(std::vector<std::string>& skus) const {
    for (const RequestedLine& line : lines) skus.push_back(line.sku);
  }
  friend bool operator==(const PlaceOrder&, const PlaceOrder&) = default;
};

// A held order becomes allocated: whole, or with `lines` only those quantities (the rest,
// and any SKU not named, returns to stock). `split` has no meaning here.
struct ConfirmOrder {
  static constexpr std::string_view name = "ConfirmOrder";
  std::string orderid;
  std::vector<RequestedLine> lines;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("lines", self.lines);
  }
  // The order's products are known only once storage has found its lines.
  void add_skus(std::vector<std::string>& skus) const {
    for (const RequestedLine& line : lines) skus.push_back(line.sku);
  }
  friend bool operator==(const ConfirmOrder&, const ConfirmOrder&) = default;
};

// Records the expiry of every hold whose time has run out (at most `products_max` products at
// a time); their stock already counted for nothing.
struct ReleaseExpiredHolds {
  static constexpr std::string_view name = "ReleaseExpiredHolds";
  std::int64_t products_max = 256;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("products_max", self.products_max);
  }
  // The products are known only once storage has found the holds.
  void add_skus(std::vector<std::string>& /*skus*/) const {}
  friend bool operator==(const ReleaseExpiredHolds&, const ReleaseExpiredHolds&) = default;
};

}  // namespace allocation::domain::commands

namespace allocation::domain {

using Command = std::variant<commands::CreateBatch, commands::CreateBatches, commands::Allocate,
                             commands::ChangeBatchQuantity, commands::ChangeBatchEta,
                             commands::CancelOrder, commands::ShipOrder, commands::PlaceOrder,
                             commands::ConfirmOrder, commands::ReleaseExpiredHolds>;

}  // namespace allocation::domain

namespace allocation::domain::commands {

// `Name(field=value, ...)`. Declared here so that argument-dependent lookup finds it for the
// Command variant.
std::ostream& operator<<(std::ostream& out, const Command& command);

}  // namespace allocation::domain::commands
