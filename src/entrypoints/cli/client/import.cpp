#include "entrypoints/cli/client/import.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "entrypoints/cli/client/batch_file.hpp"
#include "entrypoints/cli/client/calling.hpp"
#include "entrypoints/cli/client/progress.hpp"

namespace allocation::cli {

namespace json = boost::json;
using namespace client;

namespace {

struct ImportOptions {
  ServerOptions server;
  std::string file;
  std::string on_error = "refuse";
  std::string progress = "auto";
  std::size_t batch_size = 500;
  int connections = 4;
};

// The rows of one request.
struct Chunk {
  std::size_t first = 0;
  std::size_t end = 0;
};

// What the server did with some of the rows, or why it stopped.
struct Tally {
  std::int64_t created = 0;
  std::int64_t unchanged = 0;
  std::vector<RowProblem> refused;
  std::size_t rows_done = 0;
  // The request that got no answer it could use, and how it failed: the work stopped there.
  std::optional<std::string> failure;
  ExitCode failure_code = ExitCode::refused;
};

// A quantity is sent as a number when it is an integer, else as the text it is (for the
// server to refuse with its reason).
json::value quantity_of(std::string_view text) {
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc{} && end == text.data() + text.size()) return number;
  return json::string{text};
}

std::string request_body(const std::vector<BatchRow>& rows, Chunk chunk, bool dry_run,
                         bool skip_refused) {
  json::array batches;
  batches.reserve(chunk.end - chunk.first);
  for (std::size_t i = chunk.first; i < chunk.end; ++i) {
    const BatchRow& row = rows[i];
    json::object batch{{"ref", row.ref}, {"sku", row.sku}, {"qty", quantity_of(row.qty)}};
    if (!row.eta.empty()) batch.emplace("eta", row.eta);
    batches.push_back(std::move(batch));
  }
  json::object body{{"batches", std::move(batches)}};
  if (dry_run) body.emplace("dry_run", true);
  if (skip_refused) body.emplace("on_error", "skip");
  return json::serialize(body);
}

// Requests of at most `batch_size` rows and about 48 KiB, within the server's default limit
// on a request's body (64 KiB).
std::vector<Chunk> chunks_of(const std::vector<BatchRow>& rows, std::size_t batch_size) {
  constexpr std::size_t bytes_max = 48 * 1024;
  constexpr std::size_t json_bytes_per_row = 40;  // names, quotes, braces
  std::vector<Chunk> chunks;
  Chunk chunk;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BatchRow& row = rows[i];
    std::size_t row_bytes =
        json_bytes_per_row + row.ref.size() + row.sku.size() + row.qty.size() + row.eta.size();
    if (i > chunk.first && (i - chunk.first == batch_size || bytes + row_bytes > bytes_max)) {
      chunk.end = i;
      chunks.push_back(chunk);
      chunk.first = i;
      bytes = 0;
    }
    bytes += row_bytes;
  }
  chunk.end = rows.size();
  if (chunk.end > chunk.first) chunks.push_back(chunk);
  return chunks;
}

// Adds what the server answered about `chunk` to `tally`: refused rows by their lines.
void count_answer(const HttpReply& reply, const std::vector<BatchRow>& rows, Chunk chunk,
                  Tally& tally) {
  json::error_code error;
  json::value body = json::parse(reply.body, error);
  const json::object* answer = error ? nullptr : body.if_object();
  // An answer that is not about the batches (a refused request, a busy server) has no list.
  const json::value* listed = answer ? answer->if_contains("refused") : nullptr;
  const json::array* refused = listed ? listed->if_array() : nullptr;
  if (refused == nullptr || (reply.status != 200 && reply.status != 422)) {
    tally.failure = message_of(reply) + " (HTTP " + std::to_string(reply.status) + ")";
    tally.failure_code = reply.status == 503 ? ExitCode::unreachable : ExitCode::refused;
    return;
  }
  tally.created += answer->at("created").to_number<std::int64_t>();
  tally.unchanged += answer->at("unchanged").to_number<std::int64_t>();
  for (const json::value& entry : *refused) {
    auto index = entry.at("index").to_number<std::size_t>();
    tally.refused.push_back(
        {rows.at(chunk.first + index).line, std::string{entry.at("message").as_string()}});
  }
}

// Sends every chunk, `connections` at a time, until one gets no usable answer (or, unless
// skipping, one has rows refused); shows the rows done as it goes.
Tally send_chunks(const ImportOptions& options, const std::vector<BatchRow>& rows,
                  const std::vector<Chunk>& chunks, bool dry_run, Progress& progress) {
  bool skip_refused = options.on_error == "skip";
  // Keys make a chunk retried after no answer count once; a check changes nothing, so needs none.
  std::string key_prefix = dry_run ? "" : fresh_idempotency_key("import-") + "-";
  Tally tally;
  std::mutex tally_mutex;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> rows_done{0};
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> running{0};
  auto work = [&] {
    for (std::size_t i = next++; i < chunks.size() && !stop; i = next++) {
      HttpCall call{"POST", "/batches", request_body(rows, chunks[i], dry_run, skip_refused), {}};
      if (!dry_run) call.headers.emplace_back("Idempotency-Key", key_prefix + std::to_string(i));
      Tally chunk_tally;
      try {
        count_answer(answer_to(options.server, std::move(call)), rows, chunks[i], chunk_tally);
      } catch (const Unreachable& error) {
        chunk_tally.failure = error.what();
        chunk_tally.failure_code = ExitCode::unreachable;
      }
      std::lock_guard lock{tally_mutex};
      if (chunk_tally.failure && !tally.failure) {
        tally.failure = chunk_tally.failure;
        tally.failure_code = chunk_tally.failure_code;
      }
      if (chunk_tally.failure || (!chunk_tally.refused.empty() && !skip_refused)) stop = true;
      if (chunk_tally.failure) continue;
      tally.created += chunk_tally.created;
      tally.unchanged += chunk_tally.unchanged;
      for (RowProblem& problem : chunk_tally.refused) tally.refused.push_back(std::move(problem));
      rows_done += chunks[i].end - chunks[i].first;
    }
    --running;
  };
  std::size_t workers = std::min(chunks.size(), static_cast<std::size_t>(options.connections));
  running = workers;
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < workers; ++i) threads.emplace_back(work);
  while (running > 0) {
    progress.update(rows_done);
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  threads.clear();
  progress.finish(rows_done);
  std::sort(tally.refused.begin(), tally.refused.end(),
            [](const RowProblem& left, const RowProblem& right) { return left.line < right.line; });
  tally.rows_done = rows_done;
  return tally;
}

ProgressStyle progress_style(const std::string& chosen) {
  if (chosen == "bar") return ProgressStyle::bar;
  if (chosen == "lines") return ProgressStyle::lines;
  if (chosen == "none") return ProgressStyle::none;
  return isatty(STDERR_FILENO) ? ProgressStyle::bar : ProgressStyle::lines;
}

void report_problems(const std::string& file, const std::vector<RowProblem>& problems) {
  for (const RowProblem& problem : problems) {
    std::cerr << file << ", line " << problem.line << ": " << problem.message << "\n";
  }
}

json::array listed(const std::vector<RowProblem>& problems) {
  json::array entries;
  for (const RowProblem& problem : problems) {
    entries.push_back(json::object{{"line", problem.line}, {"message", problem.message}});
  }
  return entries;
}

// The outcome on stdout: a line, or with --json an object.
void summarise(const ImportOptions& options, std::size_t rows, const Tally& tally,
               const std::vector<RowProblem>& refused, bool imported) {
  if (options.server.json) {
    std::cout << json::serialize(json::object{{"file", options.file},
                                              {"rows", rows},
                                              {"created", tally.created},
                                              {"unchanged", tally.unchanged},
                                              {"refused", listed(refused)},
                                              {"imported", imported}})
              << "\n";
    return;
  }
  if (!imported) return;
  std::cout << options.file << ": " << rows << " rows, " << tally.created << " created, "
            << tally.unchanged << " already there";
  if (!refused.empty()) std::cout << ", " << refused.size() << " refused and skipped";
  std::cout << "\n";
}

// Stops for a request without a usable answer: what was imported stays, and a second run
// imports the rest.
int report_failure(const Tally& tally, bool checking) {
  std::cerr << "allocation: " << *tally.failure << "; "
            << (checking ? "nothing was imported"
                         : std::to_string(tally.rows_done) +
                               " rows were imported before (running the import again imports "
                               "the rest)")
            << "\n";
  return tally.failure_code;
}

int import_file(const ImportOptions& options) {
  auto file = BatchFile::read(options.file);
  bool skip_refused = options.on_error == "skip";
  const std::vector<RowProblem>& problems = file->problems();
  std::size_t rows_in_file = file->records();
  if (!problems.empty() && !skip_refused) {
    report_problems(options.file, problems);
    summarise(options, rows_in_file, {}, problems, false);
    std::cerr << "allocation: " << options.file << " has " << problems.size()
              << (problems.size() == 1 ? " row" : " rows")
              << " that cannot be read; nothing was imported\n";
    return ExitCode::refused;
  }
  std::set<std::size_t> lines_refused;
  for (const RowProblem& problem : problems) lines_refused.insert(problem.line);
  std::vector<BatchRow> rows;
  for (const BatchRow& row : file->rows()) {
    if (!lines_refused.contains(row.line)) rows.push_back(row);
  }
  auto chunks = chunks_of(rows, options.batch_size);
  ProgressStyle style = progress_style(options.progress);
  if (!skip_refused) {
    Progress checking{std::cerr, style, "checking", rows.size()};
    Tally check = send_chunks(options, rows, chunks, true, checking);
    if (check.failure) return report_failure(check, true);
    if (!check.refused.empty()) {
      report_problems(options.file, check.refused);
      summarise(options, rows_in_file, {}, check.refused, false);
      std::cerr << "allocation: " << check.refused.size() << " of " << rows.size()
                << " rows refused; nothing was imported\n";
      return ExitCode::refused;
    }
  }
  Progress importing{std::cerr, style, "importing", rows.size()};
  Tally tally = send_chunks(options, rows, chunks, false, importing);
  if (tally.failure) return report_failure(tally, false);
  std::vector<RowProblem> refused = problems;
  refused.insert(refused.end(), tally.refused.begin(), tally.refused.end());
  std::sort(refused.begin(), refused.end(),
            [](const RowProblem& left, const RowProblem& right) { return left.line < right.line; });
  report_problems(options.file, refused);
  if (!tally.refused.empty() && !skip_refused) {
    // Another client made these batches between the check and the import.
    summarise(options, rows_in_file, tally, refused, false);
    std::cerr << "allocation: " << tally.refused.size()
              << " rows refused since the check; the rows of their requests were not imported, "
              << tally.rows_done << " others were (running the import again imports the rest)\n";
    return ExitCode::refused;
  }
  summarise(options, rows_in_file, tally, refused, true);
  return ExitCode::done;
}

}  // namespace

Subcommand add_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* command = app.add_subcommand(
      "import", "Create the batches of a CSV file (ref,sku,qty,eta) on a running server");
  command->add_option("file", options->file, "The CSV file; a header row names its columns")
      ->required()
      ->check(CLI::ExistingFile);
  client::add_server_options(*command, options->server);
  command
      ->add_option("--on-error", options->on_error,
                   "refuse: import nothing if any row is refused; skip: import every other row "
                   "and report the refused ones")
      ->check(CLI::IsMember({"refuse", "skip"}))
      ->capture_default_str();
  command
      ->add_option("--progress", options->progress,
                   "auto: a bar on a terminal, else a line at each tenth; bar; lines; none")
      ->check(CLI::IsMember({"auto", "bar", "lines", "none"}))
      ->capture_default_str();
  command->add_option("--batch-size", options->batch_size, "Rows per request")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--connections", options->connections, "Requests in flight at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  return {command, [options] { return import_file(*options); }};
}

}  // namespace allocation::cli
