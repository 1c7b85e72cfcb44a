#include "service_layer/order_handlers.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "service_layer/errors.hpp"

namespace allocation::service_layer::order_handlers {

namespace {

using namespace domain;

// Quantities by SKU, in the order the SKUs first appear; a SKU splits if any of its lines does.
std::vector<commands::RequestedLine> summed(const std::vector<commands::RequestedLine>& lines) {
  std::vector<commands::RequestedLine> sums;
  for (const commands::RequestedLine& line : lines) {
    auto same = std::find_if(sums.begin(), sums.end(),
                             [&](const auto& sum) { return sum.sku == line.sku; });
    if (same == sums.end()) {
      sums.push_back(line);
    } else {
      same->qty += line.qty;
      same->split = same->split || line.split;
    }
  }
  return sums;
}

std::map<std::string, std::int64_t> quantities_by_sku(const std::vector<OrderLineView>& lines) {
  std::map<std::string, std::int64_t> quantities;
  for (const OrderLineView& line : lines) quantities[line.sku] += line.qty;
  return quantities;
}

std::map<std::string, std::int64_t> quantities_by_sku(
    const std::vector<commands::RequestedLine>& lines) {
  std::map<std::string, std::int64_t> quantities;
  for (const auto& line : lines) quantities[line.sku] += line.qty;
  return quantities;
}

// The products in which the order has lines still in stock (allocated, or held even if the
// hold has expired since): those of the SKUs named, or all of them.
std::vector<Product*> products_of_order(const std::string& orderid,
                                        const std::vector<std::string>& named, UnitOfWork& uow,
                                        Instant now) {
  std::vector<std::string> skus = named;
  if (skus.empty()) {
    for (const OrderLineView& line : uow.products().lines_of_order(orderid, now)) {
      bool in_stock = line.state == "allocated" || line.state == "held" || line.state == "expired";
      if (in_stock && std::find(skus.begin(), skus.end(), line.sku) == skus.end()) {
        skus.push_back(line.sku);
      }
    }
  }
  uow.products().expect(skus);
  std::vector<Product*> products;
  for (const std::string& sku : skus) {
    if (Product* product = uow.products().get(sku)) products.push_back(product);
  }
  return products;
}

std::optional<std::string> eta_of(const Product& product, const std::string& batchref) {
  const Batch* batch = product.find_batch(batchref);
  if (batch == nullptr || !batch->eta()) return std::nullopt;
  return batch->eta()->iso();
}

// The order's lines, read once the events of its change are handled.
CommandResult order_read_at(const std::string& orderid, Instant now) {
  CommandResult result;
  result.order_to_read = CommandResult::OrderToRead{orderid, now};
  return result;
}

}  // namespace

CommandResult place_order(const commands::PlaceOrder& command, UnitOfWork& uow, Instant now) {
  auto wanted = summed(command.lines);
  OrderPlacement placement;
  if (auto existing = uow.products().lines_of_order(command.orderid, now); !existing.empty()) {
    if (quantities_by_sku(existing) != quantities_by_sku(wanted)) {
      throw OrderRefused{"order " + command.orderid + " already exists with other lines"};
    }
    placement.already_placed = true;
    uow.accept();
    CommandResult result;
    result.placement = std::move(placement);
    result.order = std::move(existing);
    return result;
  }
  std::vector<Product*> products;
  for (const auto& line : wanted) {
    Product* product = uow.products().get(line.sku);
    if (product == nullptr) throw InvalidSku{line.sku};
    products.push_back(product);
  }
  std::vector<std::vector<Part>> plans;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    OrderLine line{command.orderid, wanted[i].sku, wanted[i].qty};
    plans.push_back(products[i]->plan(line, wanted[i].split, now));
    if (plans.back().empty()) {
      placement.unavailable.push_back(
          {wanted[i].sku, wanted[i].qty, products[i]->obtainable(wanted[i].split, now)});
    }
  }
  std::vector<OrderLineView> order;
  if (placement.unavailable.empty()) {
    if (command.hold_seconds) {
      placement.expires_at = now + std::chrono::seconds{*command.hold_seconds};
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      for (const Part& part : plans[i]) {
        order.push_back(OrderLineView{
            wanted[i].sku, part.qty, part.batchref, eta_of(*products[i], part.batchref),
            placement.expires_at ? "held" : "allocated", placement.expires_at});
      }
      if (!command.dry_run) {
        products[i]->place(OrderLine{command.orderid, wanted[i].sku, wanted[i].qty}, plans[i],
                           placement.expires_at, now);
      }
    }
  }
  uow.accept();
  CommandResult result;
  result.placement = std::move(placement);
  result.order = std::move(order);
  return result;
}

// The held quantity of each SKU comes from its product; the read model says which SKUs the
// order holds, and when a hold it had expired.
CommandResult confirm_order(const commands::ConfirmOrder& command, UnitOfWork& uow, Instant now) {
  auto lines = uow.products().lines_of_order(command.orderid, now);
  if (lines.empty()) throw UnknownOrder{command.orderid};
  std::map<std::string, Product*> held;
  std::optional<Instant> expired_at;
  for (const OrderLineView& line : lines) {
    if (line.state == "expired") expired_at = line.expires_at;
    if (line.state != "held" || held.contains(line.sku)) continue;
    Product* product = uow.products().get(line.sku);
    if (product == nullptr) throw InvalidSku{line.sku};
    held.emplace(line.sku, product);
  }
  if (held.empty() && expired_at) {
    throw OrderRefused{"the hold of order " + command.orderid + " expired at " +
                       rfc3339(*expired_at)};
  }
  if (held.empty()) throw OrderRefused{"order " + command.orderid + " holds nothing to confirm"};
  std::map<std::string, std::int64_t> kept;
  for (const auto& [sku, product] : held) kept[sku] = product->held_for(command.orderid, now);
  if (!command.lines.empty()) {
    auto asked = quantities_by_sku(command.lines);
    for (const auto& [sku, qty] : asked) {
      auto holding = kept.find(sku);
      if (holding == kept.end()) {
        throw OrderRefused{"order " + command.orderid + " holds no " + sku};
      }
      if (qty > holding->second) {
        throw OrderRefused{"order " + command.orderid + " holds " +
                           std::to_string(holding->second) + " of " + sku + ", not " +
                           std::to_string(qty)};
      }
    }
    for (auto& [sku, qty] : kept) qty = asked.contains(sku) ? asked.at(sku) : 0;
  }
  for (const auto& [sku, product] : held)
    product->confirm_holds(command.orderid, kept.at(sku), now);
  uow.accept();
  return order_read_at(command.orderid, now);
}

CommandResult cancel_order(const commands::CancelOrder& command, UnitOfWork& uow, Instant now) {
  for (Product* product : products_of_order(command.orderid, command.skus, uow, now)) {
    product->cancel_order(command.orderid, now);
  }
  uow.accept();
  return order_read_at(command.orderid, now);
}

CommandResult ship_order(const commands::ShipOrder& command, UnitOfWork& uow, Instant now) {
  auto products = products_of_order(command.orderid, command.skus, uow, now);
  for (const Product* product : products) {
    if (product->held_for(command.orderid, now) > 0) {
      throw OrderRefused{"order " + command.orderid + " cannot ship: its line of " +
                         product->sku() + " is held, not allocated; confirm it first"};
    }
    if (auto in_transit = product->lines_in_transit(command.orderid); !in_transit.empty()) {
      const auto& [line, batch] = in_transit.front();
      throw LineInTransit{line.orderid, line.sku, batch->reference(), batch->eta()->iso()};
    }
  }
  for (Product* product : products) product->ship_order(command.orderid);
  uow.accept();
  return order_read_at(command.orderid, now);
}

CommandResult release_expired_holds(const commands::ReleaseExpiredHolds& command, UnitOfWork& uow,
                                    Instant now) {
  auto skus = uow.products().skus_with_expired_holds(now, command.products_max);
  uow.products().expect(skus);
  for (const std::string& sku : skus) {
    if (Product* product = uow.products().get(sku)) product->release_expired_holds(now);
  }
  uow.accept();
  return {};
}

}  // namespace allocation::service_layer::order_handlers
