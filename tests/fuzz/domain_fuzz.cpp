// Drives a Product with a random sequence of changes and checks it after each step against a
// reference model written as plainly as possible: no batch over-allocated, no line in two
// batches, the preference order kept (also when an ETA changes), a cancelled or shipped
// order's lines gone from every batch (a shipped line's quantity with them), versions
// increasing.
#include <algorithm>
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

// The reference model has no holds: time plays no part.
constexpr Instant now{};

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

  [[nodiscard]] std::int64_t available() const {
    std::int64_t available = purchased;
    for (const OrderLine& line : lines) available -= line.qty;
    return available;
  }
};

void check(bool holds, const char* invariant, const Product& product) {
  if (holds) return;
  std::cerr << "invariant broken: " << invariant << "\n" << product << "\n";
  std::abort();
}

// The batches in the order they should be tried: warehouse stock, then earliest ETA, then
// reference.
std::vector<ReferenceBatch*> in_preference_order(std::vector<ReferenceBatch>& batches) {
  std::vector<ReferenceBatch*> ordered;
  for (ReferenceBatch& batch : batches) ordered.push_back(&batch);
  std::sort(ordered.begin(), ordered.end(), [](const ReferenceBatch* a, const ReferenceBatch* b) {
    if (a->eta.has_value() != b->eta.has_value()) return !a->eta.has_value();
    if (a->eta != b->eta) return *a->eta < *b->eta;
    return a->reference < b->reference;
  });
  return ordered;
}

void check_against(const Product& product, std::vector<ReferenceBatch>& model) {
  check(product.batches().size() == model.size(), "every added batch is kept", product);
  auto ordered = in_preference_order(model);
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    check(product.batches()[i].reference() == ordered[i]->reference,
          "batches are kept in preference order", product);
  }
  std::unordered_map<OrderLine, int> seen;
  for (const ReferenceBatch& expected : model) {
    const Batch* batch = product.find_batch(expected.reference);
    check(batch != nullptr, "every added batch can be found", product);
    check(batch->available_quantity(now) >= 0, "no batch is over-allocated", product);
    check(batch->available_quantity(now) == expected.available(), "quantities match the model",
          product);
    check(batch->allocations() == expected.lines, "allocations match the model", product);
    for (const OrderLine& line : batch->allocations()) {
      check(++seen[line] == 1, "no line is in two batches", product);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input input{data, size};
  const std::string sku = "SKU";
  Product product{sku, 0, {}};
  std::vector<ReferenceBatch> model;
  std::int64_t version = product.version_number();

  while (!input.empty()) {
    switch (input.next(6)) {
      case 0: {
        std::string reference = "b" + std::to_string(input.next(8));
        std::int64_t quantity = input.next(30);
        std::optional<Date> eta;
        if (int days = input.next(5); days > 0)
          eta = Date::parse_iso("2026-01-0" + std::to_string(days));
        bool known = product.find_batch(reference) != nullptr;
        if (known) break;
        product.add_batch(reference, quantity, eta);
        model.push_back({reference, quantity, eta, {}});
        check(product.version_number() > version, "adding a batch raises the version", product);
        break;
      }
      case 1: {
        OrderLine line{"o" + std::to_string(input.next(16)), sku, 1 + input.next(10)};
        ReferenceBatch* expected = nullptr;
        bool held = false;
        for (ReferenceBatch& batch : model) {
          if (std::find(batch.lines.begin(), batch.lines.end(), line) != batch.lines.end()) {
            expected = &batch;
            held = true;
          }
        }
        if (!held) {
          for (ReferenceBatch* batch : in_preference_order(model)) {
            if (batch->available() >= line.qty) {
              expected = batch;
              break;
            }
          }
        }
        std::optional<std::string> chosen = product.allocate(line, now);
        check(chosen == (expected ? std::optional{expected->reference} : std::nullopt),
              "the preferred batch that can take the line is chosen", product);
        if (expected != nullptr && !held) {
          expected->lines.push_back(line);
          check(product.version_number() > version, "an allocation raises the version", product);
        } else {
          check(product.version_number() == version, "a no-op keeps the version", product);
        }
        break;
      }
      case 2: {
        if (model.empty()) break;
        ReferenceBatch& batch =
            model[static_cast<std::size_t>(input.next(static_cast<int>(model.size())))];
        batch.purchased = input.next(30);
        while (batch.available() < 0 && !batch.lines.empty()) batch.lines.pop_back();
        product.change_batch_quantity(batch.reference, batch.purchased, now);
        check(product.version_number() > version, "a quantity change raises the version", product);
        break;
      }
      case 3: {
        if (model.empty()) break;
        ReferenceBatch& batch =
            model[static_cast<std::size_t>(input.next(static_cast<int>(model.size())))];
        std::optional<Date> eta;
        if (int days = input.next(5); days > 0)
          eta = Date::parse_iso("2026-01-0" + std::to_string(days));
        bool changes = batch.eta != eta;
        batch.eta = eta;
        product.change_batch_eta(batch.reference, eta);
        check(product.version_number() == version + (changes ? 1 : 0),
              "an ETA change raises the version, the same ETA keeps it", product);
        break;
      }
      case 4: {
        std::string orderid = "o" + std::to_string(input.next(16));
        bool held = false;
        for (ReferenceBatch& batch : model) {
          auto kept =
              std::remove_if(batch.lines.begin(), batch.lines.end(),
                             [&](const OrderLine& line) { return line.orderid == orderid; });
          held = held || kept != batch.lines.end();
          batch.lines.erase(kept, batch.lines.end());
        }
        product.cancel_order(orderid, now);
        check(product.version_number() == version + (held ? 1 : 0),
              "a cancellation raises the version once, cancelling nothing keeps it", product);
        break;
      }
      case 5: {
        std::string orderid = "o" + std::to_string(input.next(16));
        bool in_transit = false;
        for (const ReferenceBatch& batch : model) {
          for (const OrderLine& line : batch.lines) {
            in_transit = in_transit || (batch.eta && line.orderid == orderid);
          }
        }
        check(product.lines_in_transit(orderid).empty() == !in_transit,
              "a line in a batch with an ETA is in transit", product);
        if (in_transit) break;
        bool shipped = false;
        for (ReferenceBatch& batch : model) {
          for (const OrderLine& line : batch.lines) {
            if (line.orderid == orderid) batch.purchased -= line.qty;
          }
          auto kept =
              std::remove_if(batch.lines.begin(), batch.lines.end(),
                             [&](const OrderLine& line) { return line.orderid == orderid; });
          shipped = shipped || kept != batch.lines.end();
          batch.lines.erase(kept, batch.lines.end());
        }
        product.ship_order(orderid);
        check(product.version_number() == version + (shipped ? 1 : 0),
              "a shipment raises the version once, shipping nothing keeps it", product);
        break;
      }
    }
    version = product.version_number();
    check_against(product, model);
  }
  return 0;
}
