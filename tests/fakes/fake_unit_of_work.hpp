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
                             service_layer::ReplyRepository,
                             public service_layer::ReadModelReader {
 public:
  struct LineState {
    std::string orderid;
    std::string sku;
    std::int64_t qty = 0;
    std::string state;
    std::optional<std::string> batchref;
    std::optional<domain::Instant> expires_at;
  };
  struct State {
    std::map<std::string, domain::Product, std::less<>> products;
    std::vector<domain::events::Allocated> allocations_view;
    std::map<std::string, service_layer::BatchView, std::less<>> batches_view;
    std::map<std::string, std::string, std::less<>> batch_skus;
    std::vector<domain::Event> outbox;
    std::vector<std::pair<service_layer::Actor, domain::Event>> audit;
    // As the engines' order_line_states: lines not allocated, held ones included.
    std::vector<LineState> line_states;
    // By owner and key.
    std::map<std::pair<std::string, std::string>, service_layer::StoredReply> replies;
  };

  service_layer::ProductRepository& products() override { return *this; }
  service_layer::ReadModelWriter& read_model() override { return *this; }
  service_layer::OutboxWriter& outbox() override { return *this; }
  service_layer::AuditWriter& audit() override { return *this; }
  service_layer::ReplyRepository& replies() override { return *this; }

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
  void record_write_check(domain::Instant /*at*/) override { ++write_checks; }
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
  std::unordered_map<std::string, std::string> skus_of_batches(
      const std::vector<std::string>& references) override {
    std::unordered_map<std::string, std::string> skus;
    for (const std::string& reference : references) {
      auto found = working_.batch_skus.find(reference);
      if (found != working_.batch_skus.end()) skus.emplace(reference, found->second);
    }
    return skus;
  }

  void add_allocation(const domain::events::Allocated& allocated) override {
    add_allocation_view(allocated);
  }
  void remove_allocation(const domain::events::Deallocated& d) override {
    auto& rows = working_.allocations_view;
    auto found = std::find(rows.begin(), rows.end(),
                           domain::events::Allocated{d.orderid, d.sku, d.qty, d.batchref});
    if (found != rows.end()) rows.erase(found);
    if (d.reason == domain::events::DeallocationReason::cancelled) {
      set_line_state(d.orderid, d.sku, d.qty, "cancelled", std::nullopt);
    }
  }
  void add_batch(const domain::events::BatchCreated& created) override {
    working_.batches_view[created.ref] = service_layer::BatchView{
        created.ref, created.eta ? std::optional{created.eta->iso()} : std::nullopt,
        created.qty, 0,
        0,           created.qty};
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
    set_line_state(line.orderid, line.sku, line.qty, "shipped", line.batchref);
  }
  void mark_unallocated(const domain::events::LineUnallocated& line) override {
    set_line_state(line.orderid, line.sku, line.qty, "unallocated", std::nullopt);
  }
  void add_hold(const domain::events::OrderHeld& held) override {
    working_.line_states.push_back(
        {held.orderid, held.sku, held.qty, "held", held.batchref, held.expires_at});
  }
  void confirm_hold(const domain::events::HoldConfirmed& confirmed) override {
    std::erase_if(working_.line_states, [&](const LineState& line) {
      return is_hold(line, confirmed.orderid, confirmed.sku, confirmed.batchref);
    });
    add_allocation_view({confirmed.orderid, confirmed.sku, confirmed.qty, confirmed.batchref});
  }
  void release_hold(const domain::events::HoldReleased& released) override {
    for (LineState& line : working_.line_states) {
      if (!is_hold(line, released.orderid, released.sku, released.batchref)) continue;
      using Reason = domain::events::HoldReleaseReason;
      line.state = released.reason == Reason::cancelled ? "cancelled"
                   : released.reason == Reason::expired ? "expired"
                                                        : "unallocated";
    }
  }
  void add_available_quantity(std::string_view reference, std::int64_t delta) override {
    working_.batches_view.find(reference)->second.available_quantity += delta;
  }

  void add(const domain::Event& event) override { working_.outbox.push_back(event); }
  void record(const domain::Event& event) override { working_.audit.emplace_back(actor(), event); }

  std::vector<std::optional<service_layer::StoredReply>> find_replies(
      const std::vector<const service_layer::IdempotencyKey*>& keys) override {
    std::vector<std::optional<service_layer::StoredReply>> found;
    for (const auto* key : keys) {
      auto stored = working_.replies.find({key->owner, key->key});
      found.emplace_back();
      if (stored != working_.replies.end()) found.back() = stored->second;
    }
    return found;
  }
  // Into the group, as the engines write it: a unit discarded later keeps it.
  void add_reply(const service_layer::IdempotencyKey& key,
                 const service_layer::RecordedReply& reply, domain::Instant at,
                 bool /*replacing*/) override {
    for (State* state : {&working_, &accepted_}) {
      state->replies[{key.owner, key.key}] = {key.request_digest, reply, at};
    }
  }
  std::int64_t remove_replies_before(domain::Instant before, std::int64_t replies_max) override {
    std::int64_t removed = 0;
    for (State* state : {&working_, &accepted_}) {
      removed =
          std::erase_if(state->replies, [&, count = std::int64_t{0}](const auto& entry) mutable {
            return entry.second.recorded_at < before && count++ < replies_max;
          });
    }
    return removed;
  }

  std::vector<service_layer::AllocationView> allocations_for_order(
      std::string_view orderid) override {
    std::vector<service_layer::AllocationView> rows;
    for (const auto& row : durable_.allocations_view) {
      if (row.orderid == orderid) rows.push_back({row.sku, row.batchref});
    }
    return rows;
  }
  std::vector<service_layer::OrderLineView> lines_of_order(std::string_view orderid,
                                                           domain::Instant now) override {
    return lines_in(working_, orderid, now);
  }
  std::vector<std::string> skus_with_expired_holds(domain::Instant now,
                                                   std::int64_t products_max) override {
    std::vector<std::string> skus;
    for (const auto& [sku, product] : working_.products) {
      for (const auto& batch : product.batches()) {
        bool expired = std::any_of(batch.hold_list().begin(), batch.hold_list().end(),
                                   [&](const auto& hold) { return hold.expires_at <= now; });
        if (expired && static_cast<std::int64_t>(skus.size()) < products_max) {
          skus.push_back(sku);
          break;
        }
      }
    }
    return skus;
  }
  std::vector<service_layer::OrderLineView> order_lines(std::string_view orderid,
                                                        domain::Instant now) override {
    return lines_in(durable_, orderid, now);
  }
  std::vector<service_layer::BatchView> batches_for_sku(std::string_view sku,
                                                        domain::Instant now) override {
    std::vector<service_layer::BatchView> rows;
    auto product = durable_.products.find(sku);
    if (product == durable_.products.end()) return rows;
    for (const auto& batch : product->second.batches()) {
      service_layer::BatchView view = durable_.batches_view.at(batch.reference());
      std::int64_t recorded = 0;
      for (const LineState& line : durable_.line_states) {
        if (line.state != "held" || line.batchref != batch.reference()) continue;
        recorded += line.qty;
        if (*line.expires_at > now) view.held_quantity += line.qty;
      }
      view.allocated_quantity = view.purchased_quantity - view.available_quantity - recorded;
      view.available_quantity += recorded - view.held_quantity;
      rows.push_back(view);
    }
    return rows;
  }
  std::vector<service_layer::ProductView> products(std::string_view after, std::size_t limit,
                                                   domain::Instant now) override {
    std::vector<service_layer::ProductView> rows;
    for (auto it = durable_.products.upper_bound(after);
         it != durable_.products.end() && rows.size() < limit; ++it) {
      service_layer::ProductView totals{it->first};
      for (const auto& batch : batches_for_sku(it->first, now)) {
        totals.purchased_quantity += batch.purchased_quantity;
        totals.allocated_quantity += batch.allocated_quantity;
        totals.held_quantity += batch.held_quantity;
        totals.available_quantity += batch.available_quantity;
      }
      rows.push_back(totals);
    }
    return rows;
  }

  [[nodiscard]] const State& durable() const { return durable_; }

  std::atomic<int> syncs = 0;
  std::atomic<int> write_checks = 0;

 private:
  static bool is_hold(const LineState& line, const std::string& orderid, const std::string& sku,
                      const std::string& batchref) {
    return line.state == "held" && line.orderid == orderid && line.sku == sku &&
           line.batchref == batchref;
  }

  // As the engines: a line allocated (again) leaves its earlier retired record.
  void add_allocation_view(const domain::events::Allocated& allocated) {
    working_.allocations_view.push_back(allocated);
    std::erase_if(working_.line_states, [&](const LineState& line) {
      return line.orderid == allocated.orderid && line.sku == allocated.sku &&
             line.qty == allocated.qty && line.state != "held";
    });
  }

  void set_line_state(const std::string& orderid, const std::string& sku, std::int64_t qty,
                      const std::string& state, std::optional<std::string> batchref) {
    working_.line_states.push_back({orderid, sku, qty, state, std::move(batchref), std::nullopt});
  }

  // As the engines' select_order_lines.
  static std::vector<service_layer::OrderLineView> lines_in(const State& state,
                                                            std::string_view orderid,
                                                            domain::Instant now) {
    std::vector<service_layer::OrderLineView> lines;
    for (const auto& row : state.allocations_view) {
      if (row.orderid != orderid) continue;
      lines.push_back({row.sku, row.qty, row.batchref, state.batches_view.at(row.batchref).eta,
                       "allocated", std::nullopt});
    }
    for (const LineState& line : state.line_states) {
      if (line.orderid != orderid) continue;
      bool live = line.state == "held" && *line.expires_at > now;
      bool expired = line.state == "held" && !live;
      std::optional<std::string> batchref;
      if (live || line.state == "shipped") batchref = line.batchref;
      std::optional<std::string> eta;
      if (live) eta = state.batches_view.at(*line.batchref).eta;
      lines.push_back(
          {line.sku, line.qty, batchref, eta, expired ? "expired" : line.state, line.expires_at});
    }
    return lines;
  }

  State working_;
  State accepted_;
  State durable_;
  std::set<std::string, std::less<>> in_use_;
};

}  // namespace allocation::testing
