#include "adapters/email/smtp_notifications.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace allocation::adapters::email {

namespace {

struct Upload {
  std::string text;
  std::size_t sent = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t length = std::min(size * count, upload->text.size() - upload->sent);
  std::memcpy(buffer, upload->text.data() + upload->sent, length);
  upload->sent += length;
  return length;
}

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

SmtpNotifications::SmtpNotifications(SmtpSettings settings) : settings_{std::move(settings)} {
  // Before any thread uses libcurl: its global set-up is not thread-safe.
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw std::runtime_error{"cannot initialise libcurl"};
}

void SmtpNotifications::deliver(const service_layer::OutboxEntry& entry) {
  const auto* out_of_stock = std::get_if<domain::events::OutOfStock>(&entry.event);
  if (out_of_stock == nullptr) throw std::logic_error{"only OutOfStock events are e-mailed"};
  Upload message{"From: " + settings_.sender + "\r\nTo: " + settings_.recipient +
                 "\r\nSubject: allocation service notification\r\n\r\nOut of stock for " +
                 out_of_stock->sku + "\r\n"};

  std::unique_ptr<CURL, CurlCleanup> curl{curl_easy_init()};
  if (!curl) throw std::runtime_error{"cannot start an SMTP session"};
  std::unique_ptr<curl_slist, ListCleanup> recipients{
      curl_slist_append(nullptr, settings_.recipient.c_str())};
  std::string sender = "<" + settings_.sender + ">";
  curl_easy_setopt(curl.get(), CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, sender.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(curl.get(), CURLOPT_READDATA, &message);
  curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK) {
    throw std::runtime_error{std::string{"the mail server did not accept the message: "} +
                             curl_easy_strerror(result)};
  }
}

}  // namespace allocation::adapters::email
