#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/batch.hpp"
#include "domain/product.hpp"

namespace allocation::entrypoints::python {

namespace py = pybind11;

// A product's C++ state, shared by the Python Product and by its batches' objects.
struct ProductCell {
  domain::Product product;
};

// A Batch as Python holds it: its own until it is given to a Product, then a view of that
// product's batch, so that the object a caller keeps shows what the product does to it.
class BatchObject {
 public:
  explicit BatchObject(domain::Batch batch) : own_{std::move(batch)} {}

  [[nodiscard]] const domain::Batch& batch() const {
    return owner_ ? *owner_->product.find_batch(reference_) : *own_;
  }
  // Throws when the batch belongs to a product: its changes go through the product, which
  // counts them (its version) and records them (its events).
  domain::Batch& own(std::string_view operation);
  [[nodiscard]] bool in_a_product() const { return owner_ != nullptr; }
  void join(std::shared_ptr<ProductCell> owner);

 private:
  std::optional<domain::Batch> own_;
  std::shared_ptr<ProductCell> owner_;
  std::string reference_;
};

class ProductObject {
 public:
  ProductObject(std::string sku, const py::iterable& batches, std::int64_t version_number);

  domain::Product& product() { return cell_->product; }
  [[nodiscard]] const domain::Product& product() const { return cell_->product; }
  // The Batch objects given or appended, in that order.
  py::list& batches() { return batches_; }
  py::list& events() { return events_; }
  void set_events(py::list events) { events_ = std::move(events); }

  // Appends what the product recorded since to `events`.
  void record();
  // A new batch of this product (BatchCreated); it must have no allocations or holds yet.
  void append(const py::object& batch);
  // The object of the product's batch `reference`.
  py::object batch_object(std::string_view reference) const;

 private:
  std::shared_ptr<ProductCell> cell_;
  py::list batches_;
  py::list events_;
};

void bind_order_line(py::module_& module);
void bind_batch(py::module_& module);
void bind_product(py::module_& module);

}  // namespace allocation::entrypoints::python
