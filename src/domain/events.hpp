#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "domain/date.hpp"

// Each event has its `name` as other services know it, and `each_field`, which hands every
// field with its name, in contract order, to a visitor: encodings (JSON, text) are written
// once over it, so an event without one fails to compile everywhere it must be encoded.
namespace allocation::domain::events {

// Field names are part of the public contract: they appear in JSON.
struct BatchCreated {
  static constexpr std::string_view name = "BatchCreated";
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
  friend bool operator==(const BatchCreated&, const BatchCreated&) = default;
};

struct BatchQuantityChanged {
  static constexpr std::string_view name = "BatchQuantityChanged";
  std::string ref;
  std::string sku;
  std::int64_t qty = 0;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("ref", self.ref);
    visit("sku", self.sku);
    visit("qty", self.qty);
  }
  friend bool operator==(const BatchQuantityChanged&, const BatchQuantityChanged&) = default;
};

// `eta` null: the batch has arrived in the warehouse.
struct BatchEtaChanged {
  static constexpr std::string_view name = "BatchEtaChanged";
  std::string ref;
  std::string sku;
  std::optional<Date> eta;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("ref", self.ref);
    visit("sku", self.sku);
    visit("eta", self.eta);
  }
  friend bool operator==(const BatchEtaChanged&, const BatchEtaChanged&) = default;
};

struct Allocated {
  static constexpr std::string_view name = "Allocated";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
  }
  friend bool operator==(const Allocated&, const Allocated&) = default;
};

// Why a line left its batch: a smaller quantity, after which the line is placed again, or a
// cancellation, after which it is not.
enum class DeallocationReason { quantity_changed, cancelled };
std::string_view name_of(DeallocationReason reason);
std::optional<DeallocationReason> deallocation_reason_named(std::string_view name);

// `batchref` names the batch the line left; beyond the book's three fields.
struct Deallocated {
  static constexpr std::string_view name = "Deallocated";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  DeallocationReason reason = DeallocationReason::quantity_changed;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
    visit("reason", self.reason);
  }
  friend bool operator==(const Deallocated&, const Deallocated&) = default;
};

// A line that left the warehouse from its batch: the batch's quantity went down by the line's,
// its available quantity stayed, and the line is retired.
struct LineShipped {
  static constexpr std::string_view name = "LineShipped";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
  }
  friend bool operator==(const LineShipped&, const LineShipped&) = default;
};

// A line that lost its batch and found no other: it stays on its order, unallocated.
struct LineUnallocated {
  static constexpr std::string_view name = "LineUnallocated";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
  }
  friend bool operator==(const LineUnallocated&, const LineUnallocated&) = default;
};

// Stock of `batchref` set aside for a line of an order until `expires_at`; one event per
// batch the line takes.
struct OrderHeld {
  static constexpr std::string_view name = "OrderHeld";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  Instant expires_at;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
    visit("expires_at", self.expires_at);
  }
  friend bool operator==(const OrderHeld&, const OrderHeld&) = default;
};

// A hold became an allocation of `qty` in its batch; `released` more returned to stock (a
// confirmation of less than was held).
struct HoldConfirmed {
  static constexpr std::string_view name = "HoldConfirmed";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  std::int64_t released = 0;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
    visit("released", self.released);
  }
  friend bool operator==(const HoldConfirmed&, const HoldConfirmed&) = default;
};

// Why a hold's stock returned without being allocated: the order was cancelled (or confirmed
// without the line), its time ran out, or its batch shrank below what was promised.
enum class HoldReleaseReason { cancelled, expired, quantity_changed };
std::string_view name_of(HoldReleaseReason reason);
std::optional<HoldReleaseReason> hold_release_reason_named(std::string_view name);

struct HoldReleased {
  static constexpr std::string_view name = "HoldReleased";
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  HoldReleaseReason reason = HoldReleaseReason::cancelled;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("orderid", self.orderid);
    visit("sku", self.sku);
    visit("qty", self.qty);
    visit("batchref", self.batchref);
    visit("reason", self.reason);
  }
  friend bool operator==(const HoldReleased&, const HoldReleased&) = default;
};

// The line that found no batch: `orderid` and `qty`, beyond the book's `sku`.
struct OutOfStock {
  static constexpr std::string_view name = "OutOfStock";
  std::string sku;
  std::string orderid;
  std::int64_t qty = 0;
  template <class Self, class Visitor>
  static void each_field(Self& self, Visitor&& visit) {
    visit("sku", self.sku);
    visit("orderid", self.orderid);
    visit("qty", self.qty);
  }
  friend bool operator==(const OutOfStock&, const OutOfStock&) = default;
};

}  // namespace allocation::domain::events

namespace allocation::domain {

using Event = std::variant<events::BatchCreated, events::BatchQuantityChanged,
                           events::BatchEtaChanged, events::Allocated, events::Deallocated,
                           events::LineShipped, events::LineUnallocated, events::OrderHeld,
                           events::HoldConfirmed, events::HoldReleased, events::OutOfStock>;

// The event's name as other services know it ("Allocated", "OutOfStock", ...).
std::string_view name_of(const Event& event);

}  // namespace allocation::domain

namespace allocation::domain::events {

// `Name(field=value, ...)`. Declared here so that argument-dependent lookup finds it for the
// Event variant.
std::ostream& operator<<(std::ostream& out, const Event& event);

}  // namespace allocation::domain::events
