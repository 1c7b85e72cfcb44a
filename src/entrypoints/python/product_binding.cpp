#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "entrypoints/python/model_objects.hpp"
#include "entrypoints/python/values.hpp"

namespace allocation::entrypoints::python {

using namespace pybind11::literals;
using domain::Batch;
using domain::OrderLine;

namespace {

std::vector<Batch> batches_to_join(const std::string& sku, const py::iterable& given) {
  std::vector<Batch> batches;
  std::unordered_set<std::string> references;
  for (py::handle item : given) {
    const auto& object = item.cast<const BatchObject&>();
    const Batch& batch = object.batch();
    if (object.in_a_product()) {
      throw py::value_error("batch " + batch.reference() + " already belongs to a product");
    }
    if (batch.sku() != sku) {
      throw py::value_error("batch " + batch.reference() + " is of SKU " + batch.sku() + ", not " +
                            sku);
    }
    if (!references.insert(batch.reference()).second) {
      throw py::value_error("batch " + batch.reference() + " is given twice");
    }
    batches.push_back(batch);
  }
  return batches;
}

void check_line(const domain::Product& product, const OrderLine& line) {
  if (line.sku != product.sku()) {
    throw py::value_error("a line of SKU " + line.sku + " given to product " + product.sku());
  }
}

void check_batch(const domain::Product& product, const std::string& reference) {
  if (product.find_batch(reference) == nullptr) {
    throw py::value_error("product " + product.sku() + " has no batch " + reference);
  }
}

py::list parts(const std::vector<domain::Part>& planned) {
  py::list list;
  for (const domain::Part& part : planned) list.append(py::make_tuple(part.batchref, part.qty));
  return list;
}

// A view of a product's batches, as a list that only grows through the product.
class ProductBatches {
 public:
  explicit ProductBatches(py::object product) : product_{std::move(product)} {}
  py::list& list() const { return product_.cast<ProductObject&>().batches(); }
  void append(const py::object& batch) const { product_.cast<ProductObject&>().append(batch); }

 private:
  py::object product_;
};

void bind_product_batches(py::module_& module) {
  py::class_<ProductBatches>{module, "ProductBatches",
                             "A product's batches, in the order given or appended."}
      .def("__len__", [](const ProductBatches& b) { return b.list().size(); })
      .def("__getitem__", [](const ProductBatches& b, const py::object& i) { return b.list()[i]; })
      .def("__iter__", [](const ProductBatches& b) { return b.list().attr("__iter__")(); })
      .def("__contains__",
           [](const ProductBatches& b, const py::object& item) { return b.list().contains(item); })
      .def("__repr__", [](const ProductBatches& b) { return py::repr(b.list()); })
      .def("append", &ProductBatches::append, "batch"_a,
           "Adds a new batch (BatchCreated); it must have no allocations or holds yet.");
}

void bind_product_changes(py::class_<ProductObject>& product) {
  product
      .def(
          "change_batch_quantity",
          [](ProductObject& p, const std::string& ref, std::int64_t qty, const py::object& now) {
            check_batch(p.product(), ref);
            if (qty < 0) throw py::value_error("qty must be at least 0");
            p.product().change_batch_quantity(ref, qty, now_or(now));
            p.record();
          },
          "ref"_a, "qty"_a, "now"_a = py::none())
      .def(
          "change_batch_eta",
          [](ProductObject& p, const std::string& ref, const py::object& eta) {
            check_batch(p.product(), ref);
            p.product().change_batch_eta(ref, date_from(eta, "eta"));
            p.record();
          },
          "ref"_a, "eta"_a)
      .def(
          "cancel_order",
          [](ProductObject& p, const std::string& orderid, const py::object& now) {
            p.product().cancel_order(orderid, now_or(now));
            p.record();
          },
          "orderid"_a, "now"_a = py::none())
      .def(
          "release_expired_holds",
          [](ProductObject& p, const py::object& now) {
            p.product().release_expired_holds(now_or(now));
            p.record();
          },
          "now"_a = py::none())
      .def(
          "lines_in_transit",
          [](const ProductObject& p, const std::string& orderid) {
            py::list lines;
            for (const auto& [line, batch] : p.product().lines_in_transit(orderid)) {
              lines.append(py::make_tuple(line, p.batch_object(batch->reference())));
            }
            return lines;
          },
          "orderid"_a)
      .def(
          "ship_order",
          [](ProductObject& p, const std::string& orderid) {
            auto in_transit = p.product().lines_in_transit(orderid);
            if (!in_transit.empty()) {
              const auto& [line, batch] = in_transit.front();
              throw py::value_error("order " + orderid + " cannot ship: its line of " + line.sku +
                                    " is in batch " + batch->reference() +
                                    ", which has not arrived");
            }
            p.product().ship_order(orderid);
            p.record();
          },
          "orderid"_a);
}

void bind_product_orders(py::class_<ProductObject>& product) {
  product
      .def(
          "allocate",
          [](ProductObject& p, const OrderLine& line, const py::object& now) {
            check_line(p.product(), line);
            auto batchref = p.product().allocate(line, now_or(now));
            p.record();
            return batchref;
          },
          "line"_a, "now"_a = py::none())
      .def(
          "plan",
          [](const ProductObject& p, const OrderLine& line, bool split, const py::object& now) {
            check_line(p.product(), line);
            return parts(p.product().plan(line, split, now_or(now)));
          },
          "line"_a, "split"_a = false, "now"_a = py::none())
      .def(
          "place",
          [](ProductObject& p, const OrderLine& line, bool split, const py::object& hold_until,
             const py::object& now) {
            check_line(p.product(), line);
            auto at = now_or(now);
            auto planned = p.product().plan(line, split, at);
            std::optional<domain::Instant> until;
            if (!hold_until.is_none()) until = instant_from(hold_until, "hold_until");
            if (until && *until <= at) throw py::value_error("hold_until must be after now");
            if (!planned.empty()) p.product().place(line, planned, until, at);
            p.record();
            return parts(planned);
          },
          "line"_a, "split"_a = false, "hold_until"_a = py::none(), "now"_a = py::none())
      .def(
          "held_for",
          [](const ProductObject& p, const std::string& orderid, const py::object& now) {
            return p.product().held_for(orderid, now_or(now));
          },
          "orderid"_a, "now"_a = py::none())
      .def(
          "confirm_holds",
          [](ProductObject& p, const std::string& orderid, const std::optional<std::int64_t>& qty,
             const py::object& now) {
            auto at = now_or(now);
            auto held = p.product().held_for(orderid, at);
            auto kept = qty.value_or(held);
            if (kept < 0 || kept > held) {
              throw py::value_error("qty must be from 0 to " + std::to_string(held) +
                                    ", what order " + orderid + " holds");
            }
            p.product().confirm_holds(orderid, kept, at);
            p.record();
          },
          "orderid"_a, "qty"_a = py::none(), "now"_a = py::none())
      .def(
          "obtainable",
          [](const ProductObject& p, bool split, const py::object& now) {
            return p.product().obtainable(split, now_or(now));
          },
          "split"_a = false, "now"_a = py::none());
}

}  // namespace

ProductObject::ProductObject(std::string sku, const py::iterable& given,
                             std::int64_t version_number) {
  py::list batches{given};  // a generator is read once
  auto joined = batches_to_join(sku, batches);
  cell_ = std::make_shared<ProductCell>(
      ProductCell{domain::Product{std::move(sku), version_number, std::move(joined)}});
  for (py::handle batch : batches) {
    batch.cast<BatchObject&>().join(cell_);
    batches_.append(batch);
  }
}

void ProductObject::record() { append_events(events_, product().take_events()); }

void ProductObject::append(const py::object& object) {
  auto& batch_object = object.cast<BatchObject&>();
  const Batch& batch = batch_object.batch();
  batches_to_join(product().sku(), py::make_tuple(object));
  if (product().find_batch(batch.reference()) != nullptr) {
    throw py::value_error("product " + product().sku() + " has a batch " + batch.reference());
  }
  if (batch.allocated_quantity() != 0 || !batch.hold_list().empty()) {
    throw py::value_error("batch " + batch.reference() +
                          " has allocations or holds: give it to the product when it is made");
  }
  product().add_batch(batch.reference(), batch.purchased_quantity(), batch.eta());
  batch_object.join(cell_);
  batches_.append(object);
  record();
}

py::object ProductObject::batch_object(std::string_view reference) const {
  for (py::handle item : batches_) {
    if (item.cast<const BatchObject&>().batch().reference() == reference) {
      return py::reinterpret_borrow<py::object>(item);
    }
  }
  throw py::key_error(std::string{reference});
}

void bind_product(py::module_& module) {
  bind_product_batches(module);
  py::class_<ProductObject> product{
      module, "Product",
      "All the batches of one SKU: the aggregate that allocates, with a version number that "
      "grows with every change and the events of those changes."};
  product
      .def(py::init<std::string, const py::iterable&, std::int64_t>(), "sku"_a,
           "batches"_a = py::list{}, "version_number"_a = 0)
      .def_property_readonly("sku", [](const ProductObject& p) { return p.product().sku(); })
      .def_property_readonly("batches", [](const py::object& self) { return ProductBatches{self}; })
      .def_property(
          "version_number", [](const ProductObject& p) { return p.product().version_number(); },
          [](ProductObject& p, std::int64_t version) { p.product().set_version_number(version); })
      .def_property("events", &ProductObject::events, &ProductObject::set_events)
      .def("__repr__", [](ProductObject& p) {
        return "Product(" + py::repr(py::str(p.product().sku())).cast<std::string>() +
               ", batches=" + py::repr(p.batches()).cast<std::string>() +
               ", version_number=" + std::to_string(p.product().version_number()) + ")";
      });
  bind_product_orders(product);
  bind_product_changes(product);
}

}  // namespace allocation::entrypoints::python
