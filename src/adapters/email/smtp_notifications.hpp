#pragma once

#include <string>

#include "service_layer/outbox_relay.hpp"

namespace allocation::adapters::email {

struct SmtpSettings {
  std::string url;  // smtp://HOST:PORT
  std::string sender = "allocations@example.com";
  std::string recipient = "stock@made.com";
};

// Sends an e-mail for each OutOfStock event: subject "allocation service notification",
// body "Out of stock for <SKU>". Returns once the server accepted the message.
class SmtpNotifications final : public service_layer::EventDestination {
 public:
  explicit SmtpNotifications(SmtpSettings settings);
  [[nodiscard]] std::string_view name() const override { return "smtp"; }
  [[nodiscard]] std::string address() const override { return "SMTP at " + settings_.url; }
  [[nodiscard]] bool takes(const domain::Event& event) const override {
    return std::holds_alternative<domain::events::OutOfStock>(event);
  }
  void deliver(const service_layer::OutboxEntry& entry) override;

 private:
  SmtpSettings settings_;
};

}  // namespace allocation::adapters::email
