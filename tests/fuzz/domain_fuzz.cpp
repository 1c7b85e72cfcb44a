// Drives a Product with a random sequence of changes, while time moves on, and checks it after
// each step against a reference model written as plainly as possible: no batch over-committed
// (allocated plus live holds), no line twice in one batch, the preference order kept (also when an
// ETA changes), whole lines planned one batch or, split, several in preference order, holds
// that count until their expiry and for nothing from then on, confirmations that allocate
// what they keep, a cancelled or shipped order's lines gone from every batch (a shipped line's
// quantity with them), versions increasing.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/product.hpp"

namespace {

using namespace allocation::domain;

// Bytes of the input, read as small numbers; zeros once it is used up.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_{data}, size_{size} {}
  [[nodiscard]] bool empty() const { return position_ >= size_; }
  int next(int bound) { return empty() ? 0 : data_[position_++] % bound; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

struct ReferenceBatch {
  std::string reference;
  std::int64_t purchased;
  std::optional<Date> eta;
  std::vector<OrderLine> lines;  // oldest first
  std::vector<Hold> holds;       // earliest expiry first, ties in the order held

  [[nodiscard]] std::int64_t live_held(Instant now) const {
    std::int64_t held = 0;
    for (const Hold& hold : holds) held += hold.expires_at > now ? hold.line.qty : 0;
    return held;
  }
  [[nodiscard]] std::int64_t available(Instant now) const {
    std::int64_t available = purchased - live_held(now);
    for (const OrderLine& line : lines) available -= line.qty;
    return available;
  }
  void hold(const OrderLine& line, Instant expires_at) {
    auto later = std::find_if(holds.begin(), holds.end(),
                              [&](const Hold& hold) { return hold.expires_at > expires_at; });
    holds.insert(later, Hold{line, expires_at});
  }
  // Removes and returns the holds of `orderid`.
  std::vector<Hold> release_holds_of(const std::string& orderid) {
    std::vector<Hold> released;
    std::erase_if(holds, [&](const Hold& hold) {
      if (hold.line.orderid != orderid) return false;
      released.push_back(hold);
      return true;
    });
    return released;
  }
};

void check(bool holds, const char* invariant, const Product& product) {
  if (holds) return;
  std::cerr << "invariant broken: " << invariant << "\n" << product << "\n";
  std::abort();
}

std::optional<Date> eta_of(Input& input) {
  if (int days = input.next(5); days > 0)
    return Date::parse_iso("2026-01-0" + std::to_string(days));
  return std::nullopt;
}

// One fuzzing run: the product, its model, the time, and the version before each step.
class Run {
 public:
  explicit Run(Input& input) : input_{input} {}

  void step() {
    switch (input_.next(11)) {
      case 0:
        add_batch();
        break;
      case 1:
        allocate();
        break;
      case 2:
        change_quantity();
        break;
      case 3:
        change_eta();
        break;
      case 4:
        cancel();
        break;
      case 5:
        ship();
        break;
      case 6:
      case 7:
        place();
        break;
      case 8:
        confirm();
        break;
      case 9:
        now_ += std::chrono::seconds{input_.next(4)};
        break;
      case 10:
        release_expired();
        break;
    }
    version_ = product_.version_number();
    check_against_model();
  }

 private:
  ReferenceBatch* pick_batch() {
    if (model_.empty()) return nullptr;
    return &model_[static_cast<std::size_t>(input_.next(static_cast<int>(model_.size())))];
  }

  // The batches in the order they should be tried: warehouse stock, then earliest ETA, then
  // reference.
  std::vector<ReferenceBatch*> in_preference_order() {
    std::vector<ReferenceBatch*> ordered;
    for (ReferenceBatch& batch : model_) ordered.push_back(&batch);
    std::sort(ordered.begin(), ordered.end(), [](const ReferenceBatch* a, const ReferenceBatch* b) {
      if (a->eta.has_value() != b->eta.has_value()) return !a->eta.has_value();
      if (a->eta != b->eta) return *a->eta < *b->eta;
      return a->reference < b->reference;
    });
    return ordered;
  }

  void expect_version(bool changed, const char* invariant) {
    check(product_.version_number() == version_ + (changed ? 1 : 0), invariant, product_);
  }

  void add_batch() {
    std::string reference = "b" + std::to_string(input_.next(8));
    std::int64_t quantity = input_.next(30);
    std::optional<Date> eta = eta_of(input_);
    if (product_.find_batch(reference) != nullptr) return;
    product_.add_batch(reference, quantity, eta);
    model_.push_back({reference, quantity, eta, {}, {}});
    expect_version(true, "adding a batch raises the version");
  }

  // The book's single lines, of orders o0..o15.
  void allocate() {
    OrderLine line{"o" + std::to_string(input_.next(16)), sku_, 1 + input_.next(10)};
    ReferenceBatch* expected = nullptr;
    bool known = false;
    for (ReferenceBatch& batch : model_) {
      if (std::find(batch.lines.begin(), batch.lines.end(), line) != batch.lines.end()) {
        expected = &batch;
        known = true;
      }
    }
    if (!known) {
      for (ReferenceBatch* batch : in_preference_order()) {
        if (batch->available(now_) >= line.qty) {
          expected = batch;
          break;
        }
      }
    }
    std::optional<std::string> chosen = product_.allocate(line, now_);
    check(chosen == (expected ? std::optional{expected->reference} : std::nullopt),
          "the preferred batch that can take the line is chosen", product_);
    if (expected != nullptr && !known) expected->lines.push_back(line);
    expect_version(expected != nullptr && !known,
                   "an allocation raises the version, a no-op keeps it");
  }

  void change_quantity() {
    ReferenceBatch* batch = pick_batch();
    if (batch == nullptr) return;
    batch->purchased = input_.next(30);
    while (batch->available(now_) < 0 && batch->live_held(now_) > 0) batch->holds.pop_back();
    while (batch->available(now_) < 0 && !batch->lines.empty()) batch->lines.pop_back();
    product_.change_batch_quantity(batch->reference, batch->purchased, now_);
    expect_version(true, "a quantity change raises the version");
  }

  void change_eta() {
    ReferenceBatch* batch = pick_batch();
    if (batch == nullptr) return;
    std::optional<Date> eta = eta_of(input_);
    bool changes = batch->eta != eta;
    batch->eta = eta;
    product_.change_batch_eta(batch->reference, eta);
    expect_version(changes, "an ETA change raises the version, the same ETA keeps it");
  }

  std::string any_order() {
    return (input_.next(2) == 0 ? "o" : "p") + std::to_string(input_.next(16));
  }

  void cancel() {
    std::string orderid = any_order();
    bool changed = false;
    for (ReferenceBatch& batch : model_) {
      changed = std::erase_if(batch.lines,
                              [&](const OrderLine& line) { return line.orderid == orderid; }) > 0 ||
                changed;
      changed = !batch.release_holds_of(orderid).empty() || changed;
    }
    product_.cancel_order(orderid, now_);
    expect_version(changed, "a cancellation raises the version once, cancelling nothing keeps it");
  }

  void ship() {
    std::string orderid = any_order();
    bool in_transit = false;
    for (const ReferenceBatch& batch : model_) {
      for (const OrderLine& line : batch.lines) {
        in_transit = in_transit || (batch.eta && line.orderid == orderid);
      }
    }
    check(product_.lines_in_transit(orderid).empty() == !in_transit,
          "a line in a batch with an ETA is in transit", product_);
    if (in_transit) return;
    bool shipped = false;
    for (ReferenceBatch& batch : model_) {
      for (const OrderLine& line : batch.lines) {
        if (line.orderid == orderid) batch.purchased -= line.qty;
      }
      shipped = std::erase_if(batch.lines,
                              [&](const OrderLine& line) { return line.orderid == orderid; }) > 0 ||
                shipped;
    }
    product_.ship_order(orderid);
    expect_version(shipped, "a shipment raises the version once, shipping nothing keeps it");
  }

  // A whole order's line, of orders p0..p15, each placed once as the service does.
  void place() {
    OrderLine line{"p" + std::to_string(input_.next(16)), sku_, 1 + input_.next(12)};
    bool split = input_.next(2) == 1;
    std::optional<Instant> hold_until;
    if (input_.next(2) == 1) hold_until = now_ + std::chrono::seconds{1 + input_.next(4)};
    for (const ReferenceBatch& batch : model_) {
      for (const OrderLine& placed : batch.lines) {
        if (placed.orderid == line.orderid) return;
      }
      for (const Hold& hold : batch.holds) {
        if (hold.line.orderid == line.orderid) return;
      }
    }
    std::vector<Part> expected;
    std::int64_t wanted = line.qty;
    for (ReferenceBatch* batch : in_preference_order()) {
      std::int64_t available = batch->available(now_);
      std::int64_t taken = split ? std::min(available, wanted) : (available >= wanted ? wanted : 0);
      if (taken <= 0) continue;
      expected.push_back({batch->reference, taken});
      wanted -= taken;
      if (wanted == 0) break;
    }
    if (wanted > 0) expected.clear();
    auto parts = product_.plan(line, split, now_);
    check(parts == expected, "a line is planned in preference order, split only if it may",
          product_);
    if (parts.empty()) return;
    product_.place(line, parts, hold_until, now_);
    for (const Part& part : parts) {
      ReferenceBatch& batch =
          *std::find_if(model_.begin(), model_.end(),
                        [&](const ReferenceBatch& b) { return b.reference == part.batchref; });
      OrderLine share{line.orderid, sku_, part.qty};
      if (hold_until) {
        batch.hold(share, *hold_until);
      } else {
        batch.lines.push_back(share);
      }
    }
    expect_version(true, "placing a line raises the version");
  }

  void confirm() {
    std::string orderid = "p" + std::to_string(input_.next(16));
    std::int64_t held = 0;
    for (const ReferenceBatch& batch : model_) {
      for (const Hold& hold : batch.holds) {
        if (hold.line.orderid == orderid && hold.expires_at > now_) held += hold.line.qty;
      }
    }
    check(product_.held_for(orderid, now_) == held, "an order holds what it was given", product_);
    if (held == 0) return;
    std::int64_t keep = input_.next(static_cast<int>(held) + 1);
    std::int64_t wanted = keep;
    for (ReferenceBatch* batch : in_preference_order()) {
      for (const Hold& hold : batch->release_holds_of(orderid)) {
        std::int64_t kept = std::min(wanted, hold.line.qty);
        wanted -= kept;
        if (kept > 0) batch->lines.push_back({orderid, sku_, kept});
      }
    }
    product_.confirm_holds(orderid, keep, now_);
    expect_version(true, "a confirmation raises the version");
  }

  void release_expired() {
    bool released = false;
    for (ReferenceBatch& batch : model_) {
      released = std::erase_if(batch.holds,
                               [&](const Hold& hold) { return hold.expires_at <= now_; }) > 0 ||
                 released;
    }
    product_.release_expired_holds(now_);
    expect_version(released, "releasing expired holds raises the version, if any expired");
  }

  void check_against_model() {
    check(product_.batches().size() == model_.size(), "every added batch is kept", product_);
    auto ordered = in_preference_order();
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      check(product_.batches()[i].reference() == ordered[i]->reference,
            "batches are kept in preference order", product_);
    }
    for (const ReferenceBatch& expected : model_) {
      const Batch* batch = product_.find_batch(expected.reference);
      check(batch != nullptr, "every added batch can be found", product_);
      check(batch->available_quantity(now_) >= 0, "no batch is over-committed", product_);
      check(batch->available_quantity(now_) == expected.available(now_),
            "quantities match the model", product_);
      check(batch->held_quantity(now_) == expected.live_held(now_),
            "holds count until their expiry and for nothing from then on", product_);
      check(batch->allocations() == expected.lines, "allocations match the model", product_);
      check(batch->hold_list() == expected.holds, "holds match the model", product_);
      // A split line's parts may be equal, in different batches; never twice in one.
      std::unordered_map<OrderLine, int> seen;
      for (const OrderLine& line : batch->allocations()) {
        check(++seen[line] == 1, "no line is twice in one batch", product_);
      }
    }
  }

  Input& input_;
  const std::string sku_ = "SKU";
  Product product_{sku_, 0, {}};
  std::vector<ReferenceBatch> model_;
  Instant now_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}};
  std::int64_t version_ = product_.version_number();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input input{data, size};
  Run run{input};
  while (!input.empty()) run.step();
  return 0;
}
