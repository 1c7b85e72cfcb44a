#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "service_layer/read_model.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::testing {

// The ports held in memory: every change is kept in a working state that accept() keeps,
// discard() restores, and store_group() makes "durable".
class FakeUnitOfWork final : public service_layer::UnitOfWork,
                             service_layer::ProductRepository,
                             service_layer::ReadModelWriter,
                             service_layer::OutboxWriter,
                             service_layer::AuditWriter,
                             public service_layer::ReadModelReader {
 public:
  struct State {
    std::map<std::string, domain::Product, std::less<>> products;
    std::vector<domain::events::Allocated> allocations_view;
    std::map<std::string, service_layer::BatchView, std::less<>> batches_view;
    std::map<std::string, std::string, std::less<>> batch_skus;
    std::vector<domain::Event> outbox;
    std::vector<std::pair<service_layer::Actor, domain::Event>> audit;
    std::map<std::tuple<std::string, std::string, std::int64_t>, std::string> line_states;
    std::map<std::tuple<std::string, std::string, std::int64_t>, std::string> shipped_from;
  };

  service_layer::ProductRepository& products() override { return *this; }
  service_layer::ReadModelWriter& read_model() override { return *this; }
  service_layer::OutboxWriter& outbox() override { return *this; }
  service_layer::AuditWriter& audit() override { return *this; }

  void begin_group() override { accepted_ = durable_ = working_; }
  void accept() override {
    for (const std::string& sku : in_use_) {
      auto& product = working_.products.at(sku);
      for (auto& event : product.pending_events()) {
        if (auto* created = std::get_if<domain::events::BatchCreated>(&event)) {
          working_.batch_skus[created->ref] = sku;
        }
      }
      collect(product.take_events());
    }
    in_use_.clear();
    accepted_ = working_;
  }
  void discard() override {
    working_ = accepted_;
    in_use_.clear();
  }
  void store_group() override { durable_ = accepted_ = working_; }
  void make_durable() override { ++syncs; }
  void discard_group() override {
    working_ = accepted_ = durable_;
    in_use_.clear();
    discard_new_events();
  }

  domain::Product* get(std::string_view sku) override {
    auto found = working_.products.find(sku);
    if (found == working_.products.end()) return nullptr;
    in_use_.insert(found->first);
    return &found->second;
  }
  domain::Product& add(domain::Product product) override {
    std::string sku = product.sku();
    in_use_.insert(sku);
    return working_.products.insert_or_assign(sku, std::move(product)).first->second;
  }
  void expect(const std::vector<std::string>& /*skus*/) override {}
  std::optional<std::string> sku_of_batch(std::string_view reference) override {
    auto found = working_.batch_skus.find(reference);
    if (found == working_.batch_skus.end()) return std::nullopt;
    return found->second;
  }

  void add_allocation(const domain::events::Allocated& allocated) override {
    working_.allocations_view.push_back(allocated);
  }
  void remove_allocation(const domain::events::Deallocated& d) override {
    auto& rows = working_.allocations_view;
    auto found = std::find(rows.begin(), rows.end(),
                           domain::events::Allocated{d.orderid, d.sku, d.qty, d.batchref});
    if (found != rows.end()) rows.erase(found);
    if (d.reason == domain::events::DeallocationReason::cancelled) {
      working_.line_states[{d.orderid, d.sku, d.qty}] = "cancelled";
    }
  }
  void add_batch(const domain::events::BatchCreated& created) override {
    working_.batches_view[created.ref] = service_layer::BatchView{
        created.ref, created.eta ? std::optional{created.eta->iso()} : std::nullopt, created.qty,
        created.qty};
  }
  void set_purchased_quantity(const domain::events::BatchQuantityChanged& changed) override {
    auto& view = working_.batches_view.at(changed.ref);
    view.available_quantity += changed.qty - view.purchased_quantity;
    view.purchased_quantity = changed.qty;
  }
  void set_eta(const domain::events::BatchEtaChanged& changed) override {
    working_.batches_view.at(changed.ref).eta =
        changed.eta ? std::optional{changed.eta->iso()} : std::nullopt;
  }
  void mark_shipped(const domain::events::LineShipped& line) override {
    auto& rows = working_.allocations_view;
    auto found =
        std::find(rows.begin(), rows.end(),
                  domain::events::Allocated{line.orderid, line.sku, line.qty, line.batchref});
    if (found != rows.end()) rows.erase(found);
    working_.batches_view.at(line.batchref).purchased_quantity -= line.qty;
    working_.line_states[{line.orderid, line.sku, line.qty}] = "shipped";
    working_.shipped_from[{line.orderid, line.sku, line.qty}] = line.batchref;
  }
  void mark_unallocated(const domain::events::LineUnallocated& line) override {
    working_.line_states[{line.orderid, line.sku, line.qty}] = "unallocated";
  }
  void add_available_quantity(std::string_view reference, std::int64_t delta) override {
    working_.batches_view.find(reference)->second.available_quantity += delta;
  }

  void add(const domain::Event& event) override { working_.outbox.push_back(event); }
  void record(const domain::Event& event) override { working_.audit.emplace_back(actor(), event); }

  std::vector<service_layer::AllocationView> allocations_for_order(
      std::string_view orderid) override {
    std::vector<service_layer::AllocationView> rows;
    for (const auto& row : durable_.allocations_view) {
      if (row.orderid == orderid) rows.push_back({row.sku, row.batchref});
    }
    return rows;
  }
  std::vector<std::string> skus_of_order(std::string_view orderid) override {
    std::set<std::string> skus;
    for (const auto& row : working_.allocations_view) {
      if (row.orderid == orderid) skus.insert(row.sku);
    }
    return {skus.begin(), skus.end()};
  }
  std::vector<service_layer::OrderLineView> order_lines(std::string_view orderid) override {
    std::vector<service_layer::OrderLineView> lines;
    for (const auto& row : durable_.allocations_view) {
      if (row.orderid != orderid) continue;
      lines.push_back({row.sku, row.qty, row.batchref, durable_.batches_view.at(row.batchref).eta,
                       "allocated"});
    }
    for (const auto& [line, state] : durable_.line_states) {
      const auto& [line_order, sku, qty] = line;
      bool allocated = std::any_of(lines.begin(), lines.end(), [&](const auto& view) {
        return view.sku == sku && view.qty == qty && view.state == "allocated";
      });
      if (line_order == orderid && !allocated) {
        auto from = durable_.shipped_from.find(line);
        std::optional<std::string> batchref;
        if (state == "shipped" && from != durable_.shipped_from.end()) batchref = from->second;
        lines.push_back({sku, qty, batchref, std::nullopt, state});
      }
    }
    return lines;
  }
  std::vector<service_layer::BatchView> batches_for_sku(std::string_view sku) override {
    std::vector<service_layer::BatchView> rows;
    auto product = durable_.products.find(sku);
    if (product == durable_.products.end()) return rows;
    for (const auto& batch : product->second.batches()) {
      rows.push_back(durable_.batches_view.at(batch.reference()));
    }
    return rows;
  }

  [[nodiscard]] const State& durable() const { return durable_; }

  std::atomic<int> syncs = 0;

 private:
  State working_;
  State accepted_;
  State durable_;
  std::set<std::string, std::less<>> in_use_;
};

}  // namespace allocation::testing
