#include "entrypoints/redis/command_stream.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <future>

#include "common/thread_name.hpp"
#include "entrypoints/http/idempotency.hpp"
#include "entrypoints/http/request_decoding.hpp"

namespace allocation::entrypoints::redis {

namespace {

constexpr std::chrono::milliseconds command_timeout{2000};
constexpr std::chrono::milliseconds backoff_max{5000};
// Entries read at a time, and how long a read waits for new ones.
constexpr int entries_per_read = 32;
constexpr int read_wait_ms = 200;
constexpr long long dead_letters_max = 1'000'000;
// An entry another consumer read and has not acknowledged for this long is taken over: that
// consumer stopped (and may have come back under another name).
constexpr std::chrono::milliseconds abandoned_after{60'000};
constexpr std::chrono::seconds claim_interval{30};

using service_layer::ErrorKind;

bool retryable(ErrorKind kind) {
  return kind == ErrorKind::conflict || kind == ErrorKind::unavailable ||
         kind == ErrorKind::overloaded || kind == ErrorKind::key_in_flight;
}

// The record kept with the change: 200 applied, 409 the batch's quantity was not the
// expected one, 422 refused; the body says why.
service_layer::RecordedReply reply_to(const service_layer::Outcome& outcome) {
  if (const auto* result = std::get_if<service_layer::CommandResult>(&outcome)) {
    if (result->current_qty) {
      return {
          409, "text/plain",
          "the batch's qty is " + std::to_string(*result->current_qty) + ", not the expected_qty"};
    }
    return {200, "text/plain", "applied"};
  }
  const auto* rejection = std::get_if<service_layer::Rejection>(&outcome);
  return {422, "text/plain", rejection != nullptr ? rejection->message : "refused"};
}

// The command's JSON: the entry's `payload` field, or else its fields as one object (`qty`
// and `expected_qty` as numbers when they are integers), so that `XADD ... batchref b1 qty 5`
// works as well; nullopt for an entry without fields (deleted after it was read).
std::optional<std::string> payload_of(const redisReply* fields) {
  if (fields->type != REDIS_REPLY_ARRAY || fields->elements < 2) return std::nullopt;
  boost::json::object command;
  for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
    std::string_view name = text_of(fields->element[f]);
    std::string_view value = text_of(fields->element[f + 1]);
    if (name == "payload") return std::string{value};
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    bool integer = !value.empty() && error == std::errc{} && end == value.data() + value.size();
    if ((name == "qty" || name == "expected_qty") && integer) {
      command[name] = number;
    } else {
      command[name] = value;
    }
  }
  return boost::json::serialize(command);
}

bool accepted(redisReply* raw, redisContext* context, std::string_view doing) {
  Reply reply{raw};
  if (reply && reply->type != REDIS_REPLY_ERROR) return true;
  spdlog::warn("msg=\"Redis refused a command; reconnecting\" command={} error=\"{}\"", doing,
               reply ? std::string{text_of(reply.get())} : std::string{context->errstr});
  return false;
}

}  // namespace

RedisCommandStream::RedisCommandStream(Settings settings, service_layer::GroupCommitter& commands)
    : settings_{std::move(settings)}, commands_{commands}, thread_{[this] {
        name_this_thread("redis-commands");
        run();
      }} {}

RedisCommandStream::~RedisCommandStream() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

ConsumedMessages RedisCommandStream::statistics() const {
  std::lock_guard lock{mutex_};
  return statistics_;
}

bool RedisCommandStream::stopping() const {
  std::lock_guard lock{mutex_};
  return stopping_;
}

bool RedisCommandStream::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock{mutex_};
  return !wake_.wait_for(lock, duration, [&] { return stopping_; });
}

void RedisCommandStream::run() {
  std::chrono::milliseconds backoff{100};
  while (!stopping()) {
    if (Context context = connect_to_redis(settings_.host, settings_.port, command_timeout)) {
      consume(context.get());
      connected_ = false;
    }
    if (!pause(backoff)) break;
    backoff = std::min(backoff * 2, backoff_max);
  }
}

void RedisCommandStream::consume(redisContext* context) {
  Reply created{static_cast<redisReply*>(
      redisCommand(context, "XGROUP CREATE %b %b 0 MKSTREAM", settings_.stream.data(),
                   settings_.stream.size(), settings_.group.data(), settings_.group.size()))};
  if (!created ||
      (created->type == REDIS_REPLY_ERROR && !text_of(created.get()).starts_with("BUSYGROUP"))) {
    spdlog::warn("msg=\"cannot create the consumer group; retrying\" stream={} error=\"{}\"",
                 settings_.stream,
                 created ? std::string{text_of(created.get())} : std::string{context->errstr});
    return;
  }
  spdlog::info("msg=\"consuming Redis stream\" stream={} group={} consumer={}", settings_.stream,
               settings_.group, settings_.consumer);
  connected_ = true;
  // First what this consumer read and did not acknowledge before, then what is new; now and
  // then what others left unacknowledged, which is then this consumer's to read first.
  const char* start = "0";
  auto next_claim = std::chrono::steady_clock::now();
  while (!stopping()) {
    if (std::chrono::steady_clock::now() >= next_claim) {
      auto claimed = claim_abandoned(context);
      if (!claimed) return;
      if (*claimed) start = "0";
      next_claim = std::chrono::steady_clock::now() + claim_interval;
    }
    auto entries = read(context, start);
    if (!entries) return;
    if (entries->empty() && std::string_view{start} == "0") start = ">";
    for (const Entry& entry : *entries) {
      if (!handle(context, entry)) return;
    }
  }
}

std::optional<bool> RedisCommandStream::claim_abandoned(redisContext* context) {
  std::string idle = std::to_string(abandoned_after.count());
  Reply reply{static_cast<redisReply*>(redisCommand(
      context, "XAUTOCLAIM %b %b %b %b 0-0 COUNT 1000 JUSTID", settings_.stream.data(),
      settings_.stream.size(), settings_.group.data(), settings_.group.size(),
      settings_.consumer.data(), settings_.consumer.size(), idle.data(), idle.size()))};
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) {
    spdlog::warn("msg=\"cannot claim abandoned entries; reconnecting\" stream={} error=\"{}\"",
                 settings_.stream,
                 reply && reply->type == REDIS_REPLY_ERROR ? std::string{text_of(reply.get())}
                                                           : std::string{context->errstr});
    return std::nullopt;
  }
  std::size_t claimed = reply->element[1]->elements;
  if (claimed > 0) {
    spdlog::info("msg=\"took over entries left unacknowledged\" stream={} entries={}",
                 settings_.stream, claimed);
  }
  return claimed > 0;
}

std::optional<std::vector<RedisCommandStream::Entry>> RedisCommandStream::read(
    redisContext* context, const char* start) {
  std::string count = std::to_string(entries_per_read);
  std::string wait = std::to_string(read_wait_ms);
  Reply reply{static_cast<redisReply*>(
      redisCommand(context, "XREADGROUP GROUP %b %b COUNT %b BLOCK %b STREAMS %b %s",
                   settings_.group.data(), settings_.group.size(), settings_.consumer.data(),
                   settings_.consumer.size(), count.data(), count.size(), wait.data(), wait.size(),
                   settings_.stream.data(), settings_.stream.size(), start))};
  if (!reply || reply->type == REDIS_REPLY_ERROR) {
    spdlog::warn("msg=\"cannot read the Redis stream; reconnecting\" stream={} error=\"{}\"",
                 settings_.stream,
                 reply ? std::string{text_of(reply.get())} : std::string{context->errstr});
    return std::nullopt;
  }
  std::vector<Entry> entries;
  // [[stream, [[id, [field, value, ...] or nil], ...]]], or nil when none came.
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return entries;
  const redisReply* stream = reply->element[0];
  if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2) return entries;
  const redisReply* items = stream->element[1];
  for (std::size_t i = 0; i < items->elements; ++i) {
    const redisReply* item = items->element[i];
    if (item->type != REDIS_REPLY_ARRAY || item->elements < 2) continue;
    entries.push_back({std::string{text_of(item->element[0])}, payload_of(item->element[1])});
  }
  return entries;
}

RedisCommandStream::Verdict RedisCommandStream::apply(
    const Entry& entry, const domain::commands::ChangeBatchQuantity& change) {
  service_layer::Idempotency idempotency{
      {"redis:" + settings_.stream, entry.id,
       http::request_digest("XADD", settings_.stream, *entry.payload)},
      reply_to};
  std::promise<service_layer::Outcome> promise;
  auto outcome = promise.get_future();
  commands_.submit(
      change, [&promise](service_layer::Outcome result) { promise.set_value(std::move(result)); },
      service_layer::Actor{"", "redis:" + settings_.stream}, std::move(idempotency));
  auto result = outcome.get();
  if (const auto* rejection = std::get_if<service_layer::Rejection>(&result)) {
    if (retryable(rejection->kind)) return {Verdict::Kind::retry, rejection->message};
    return {Verdict::Kind::refused, rejection->message};
  }
  const auto& replied = std::get<service_layer::Replied>(result);
  if (replied.reply.status == 200) return {Verdict::Kind::applied, {}};
  return {Verdict::Kind::refused, replied.reply.body};
}

bool RedisCommandStream::handle(redisContext* context, const Entry& entry) {
  {
    std::lock_guard lock{mutex_};
    ++statistics_.received;
  }
  auto decoded = entry.payload ? http::decode_change_batch_quantity_message(*entry.payload)
                               : http::InvalidInput{"the entry has no fields"};
  if (const auto* invalid = std::get_if<http::InvalidInput>(&decoded)) {
    std::lock_guard lock{mutex_};
    ++statistics_.malformed;
    spdlog::warn("msg=\"malformed command stream entry\" stream={} entry={} problem=\"{}\"",
                 settings_.stream, entry.id, invalid->message);
    return acknowledge(context, entry, invalid->message);
  }
  const auto& change = std::get<domain::commands::ChangeBatchQuantity>(decoded);
  std::chrono::milliseconds backoff{100};
  for (;;) {
    Verdict verdict = apply(entry, change);
    if (verdict.kind == Verdict::Kind::applied) return acknowledge(context, entry, std::nullopt);
    if (verdict.kind == Verdict::Kind::refused) {
      std::lock_guard lock{mutex_};
      ++statistics_.rejected;
      spdlog::warn("msg=\"command stream entry refused\" stream={} entry={} reason=\"{}\"",
                   settings_.stream, entry.id, verdict.reason);
      return acknowledge(context, entry, verdict.reason);
    }
    spdlog::warn("msg=\"command stream entry not taken now; will retry\" entry={} reason=\"{}\"",
                 entry.id, verdict.reason);
    if (!pause(backoff)) return false;
    backoff = std::min(backoff * 2, backoff_max);
  }
}

bool RedisCommandStream::acknowledge(redisContext* context, const Entry& entry,
                                     const std::optional<std::string>& refusal) {
  if (refusal) {
    std::string payload = entry.payload.value_or("");
    std::string length = std::to_string(dead_letters_max);
    if (!accepted(static_cast<redisReply*>(redisCommand(
                      context, "XADD %b MAXLEN ~ %b * stream %b entry %b reason %b payload %b",
                      settings_.dead_letter_stream.data(), settings_.dead_letter_stream.size(),
                      length.data(), length.size(), settings_.stream.data(),
                      settings_.stream.size(), entry.id.data(), entry.id.size(), refusal->data(),
                      refusal->size(), payload.data(), payload.size())),
                  context, "XADD")) {
      return false;
    }
  }
  return accepted(
      static_cast<redisReply*>(redisCommand(
          context, "XACK %b %b %b", settings_.stream.data(), settings_.stream.size(),
          settings_.group.data(), settings_.group.size(), entry.id.data(), entry.id.size())),
      context, "XACK");
}

}  // namespace allocation::entrypoints::redis
