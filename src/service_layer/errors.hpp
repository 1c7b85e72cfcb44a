#pragma once

#include <stdexcept>
#include <string>

namespace allocation::service_layer {

enum class ErrorKind {
  invalid_sku,      // no product has the SKU
  unknown_batch,    // no batch has the reference
  unknown_order,    // no order has the id
  duplicate_batch,  // a batch already has the reference
  refused,          // the command does not fit the state things are in; nothing was changed
  conflict,         // concurrent writers kept colliding; nothing was changed
  unavailable,      // storage failed; nothing was changed
  overloaded,       // too many commands waiting; nothing was changed
  key_in_flight,    // a request with the same idempotency key is being handled
  key_reused,       // the idempotency key was used for another request
};

// A command that could not be carried out. Nothing it did is kept.
class ServiceError : public std::runtime_error {
 public:
  ServiceError(ErrorKind kind, const std::string& message)
      : std::runtime_error{message}, kind_{kind} {}
  [[nodiscard]] ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

class InvalidSku : public ServiceError {
 public:
  explicit InvalidSku(const std::string& sku)
      : ServiceError{ErrorKind::invalid_sku, "Invalid sku " + sku} {}
};

class UnknownBatch : public ServiceError {
 public:
  explicit UnknownBatch(const std::string& reference)
      : ServiceError{ErrorKind::unknown_batch, "Unknown batch " + reference} {}
};

class DuplicateBatch : public ServiceError {
 public:
  explicit DuplicateBatch(const std::string& reference)
      : ServiceError{ErrorKind::duplicate_batch, "Batch " + reference + " already exists"} {}
};

// A line that cannot leave the warehouse, which it has not reached.
class LineInTransit : public ServiceError {
 public:
  LineInTransit(const std::string& orderid, const std::string& sku, const std::string& batchref,
                const std::string& eta)
      : ServiceError{ErrorKind::refused, "order " + orderid + " cannot ship: its line of " + sku +
                                             " is in batch " + batchref +
                                             ", which has not arrived (ETA " + eta + ")"} {}
};

class UnknownOrder : public ServiceError {
 public:
  explicit UnknownOrder(const std::string& orderid)
      : ServiceError{ErrorKind::unknown_order, "Unknown order " + orderid} {}
};

// A command the order's state does not allow; nothing was changed.
class OrderRefused : public ServiceError {
 public:
  explicit OrderRefused(const std::string& message) : ServiceError{ErrorKind::refused, message} {}
};

// Raised by storage when a product changed under this writer since it was read.
class ConcurrencyConflict : public ServiceError {
 public:
  explicit ConcurrencyConflict(const std::string& sku)
      : ServiceError{ErrorKind::conflict, "Product " + sku + " was changed concurrently"} {}
};

class StorageUnavailable : public ServiceError {
 public:
  explicit StorageUnavailable(const std::string& detail)
      : ServiceError{ErrorKind::unavailable, "Storage unavailable: " + detail} {}
};

}  // namespace allocation::service_layer
