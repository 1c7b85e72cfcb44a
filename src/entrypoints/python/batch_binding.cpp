#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <utility>

#include "entrypoints/python/model_objects.hpp"
#include "entrypoints/python/values.hpp"

namespace allocation::entrypoints::python {

using namespace pybind11::literals;
using domain::Batch;
using domain::OrderLine;

namespace {

std::string repr(const std::string& text) { return py::repr(py::str(text)).cast<std::string>(); }

// A comparison with something that is not a `Type` is for Python to settle.
template <class Type, class Compare>
auto compared(Compare compare) {
  return [compare](const Type& self, const py::object& other) -> py::object {
    if (!py::isinstance<Type>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    return py::bool_(compare(self, other.cast<const Type&>()));
  };
}

OrderLine order_line(std::string orderid, std::string sku, std::int64_t qty) {
  if (qty < 1) throw py::value_error("qty must be at least 1, not " + std::to_string(qty));
  return OrderLine{std::move(orderid), std::move(sku), qty};
}

BatchObject batch(std::string reference, std::string sku, std::int64_t qty, const py::object& eta) {
  if (qty < 0) throw py::value_error("qty must be at least 0, not " + std::to_string(qty));
  return BatchObject{Batch{std::move(reference), std::move(sku), qty, date_from(eta, "eta")}};
}

std::string batch_repr(const BatchObject& object) {
  const Batch& batch = object.batch();
  return "Batch(" + repr(batch.reference()) + ", " + repr(batch.sku()) +
         ", qty=" + std::to_string(batch.purchased_quantity()) +
         ", eta=" + py::repr(to_python(batch.eta())).cast<std::string>() + ")";
}

py::list holds_of(const Batch& batch) {
  py::list holds;
  for (const domain::Hold& hold : batch.hold_list()) {
    holds.append(py::make_tuple(hold.line, to_python(hold.expires_at)));
  }
  return holds;
}

}  // namespace

domain::Batch& BatchObject::own(std::string_view operation) {
  if (owner_) {
    throw py::value_error("batch " + reference_ + " belongs to product " + owner_->product.sku() +
                          ": " + std::string{operation} + " through the product");
  }
  return *own_;
}

void BatchObject::join(std::shared_ptr<ProductCell> owner) {
  reference_ = own_->reference();
  own_.reset();
  owner_ = std::move(owner);
}

void bind_order_line(py::module_& module) {
  py::class_<OrderLine> line{module, "OrderLine",
                             "A customer's request for qty units of sku: a value, equal to any "
                             "line with the same three fields."};
  line.def(py::init(&order_line), "orderid"_a, "sku"_a, "qty"_a)
      .def_readonly("orderid", &OrderLine::orderid)
      .def_readonly("sku", &OrderLine::sku)
      .def_readonly("qty", &OrderLine::qty)
      .def("__eq__", compared<OrderLine>(std::equal_to<>{}))
      .def("__ne__", compared<OrderLine>(std::not_equal_to<>{}))
      .def("__hash__",
           [](const OrderLine& l) { return py::hash(py::make_tuple(l.orderid, l.sku, l.qty)); })
      .def("__repr__",
           [](const OrderLine& l) {
             return "OrderLine(orderid=" + repr(l.orderid) + ", sku=" + repr(l.sku) +
                    ", qty=" + std::to_string(l.qty) + ")";
           })
      .def(py::pickle([](const OrderLine& l) { return py::make_tuple(l.orderid, l.sku, l.qty); },
                      [](const py::tuple& state) {
                        return order_line(state[0].cast<std::string>(),
                                          state[1].cast<std::string>(),
                                          state[2].cast<std::int64_t>());
                      }));
  line.attr("__match_args__") = py::make_tuple("orderid", "sku", "qty");
}

void bind_batch(py::module_& module) {
  py::class_<BatchObject>{module, "Batch",
                          "Stock of one SKU: in the warehouse without an ETA, otherwise a "
                          "shipment due on that date. Batches are equal when their references "
                          "are, and sort in allocation preference: warehouse stock first, then "
                          "by ETA."}
      .def(py::init(&batch), "ref"_a, "sku"_a, "qty"_a, "eta"_a = py::none())
      .def_property_readonly("reference",
                             [](const BatchObject& b) { return b.batch().reference(); })
      .def_property_readonly("sku", [](const BatchObject& b) { return b.batch().sku(); })
      .def_property_readonly("eta", [](const BatchObject& b) { return to_python(b.batch().eta()); })
      .def_property_readonly("purchased_quantity",
                             [](const BatchObject& b) { return b.batch().purchased_quantity(); })
      .def_property_readonly("allocated_quantity",
                             [](const BatchObject& b) { return b.batch().allocated_quantity(); })
      .def_property_readonly(
          "held_quantity",
          [](const BatchObject& b) { return b.batch().held_quantity(now_or(py::none())); })
      .def_property_readonly(
          "available_quantity",
          [](const BatchObject& b) { return b.batch().available_quantity(now_or(py::none())); })
      .def_property_readonly("allocations",
                             [](const BatchObject& b) { return b.batch().allocations(); })
      .def_property_readonly("holds", [](const BatchObject& b) { return holds_of(b.batch()); })
      .def_property_readonly("in_a_product", &BatchObject::in_a_product)
      .def(
          "can_allocate",
          [](const BatchObject& b, const OrderLine& line, const py::object& now) {
            return b.batch().can_allocate(line, now_or(now));
          },
          "line"_a, "now"_a = py::none())
      .def(
          "allocate",
          [](BatchObject& b, const OrderLine& line, const py::object& now) {
            b.own("allocate").allocate(line, now_or(now));
          },
          "line"_a, "now"_a = py::none())
      .def(
          "deallocate",
          [](BatchObject& b, const OrderLine& line) { b.own("deallocate").deallocate(line); },
          "line"_a)
      .def("__eq__", compared<BatchObject>([](const BatchObject& a, const BatchObject& b) {
             return a.batch() == b.batch();
           }))
      .def("__hash__",
           [](const BatchObject& b) { return py::hash(py::str(b.batch().reference())); })
      .def("__lt__", compared<BatchObject>([](const BatchObject& a, const BatchObject& b) {
             return a.batch().is_preferred_to(b.batch());
           }))
      .def("__gt__", compared<BatchObject>([](const BatchObject& a, const BatchObject& b) {
             return b.batch().is_preferred_to(a.batch());
           }))
      .def("__le__", compared<BatchObject>([](const BatchObject& a, const BatchObject& b) {
             return !b.batch().is_preferred_to(a.batch());
           }))
      .def("__ge__", compared<BatchObject>([](const BatchObject& a, const BatchObject& b) {
             return !a.batch().is_preferred_to(b.batch());
           }))
      .def("__repr__", &batch_repr);
}

}  // namespace allocation::entrypoints::python
