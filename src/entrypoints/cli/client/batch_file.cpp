#include "entrypoints/cli/client/batch_file.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace allocation::cli::client {

namespace {

constexpr std::array<std::string_view, 4> column_names{"ref", "sku", "qty", "eta"};
constexpr std::size_t none = static_cast<std::size_t>(-1);

std::string_view trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string lowered(std::string_view text) {
  std::string lower{text};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

std::unique_ptr<const BatchFile> BatchFile::parse(std::string text) {
  std::unique_ptr<BatchFile> file{new BatchFile{std::move(text)}};
  file->parse_rows();
  file->find_repeated_refs();
  return file;
}

std::unique_ptr<const BatchFile> BatchFile::read(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error{"cannot read " + path};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error{"cannot read " + path};
  return parse(std::move(text).str());
}

// Records end at a newline outside quotes; a quoted field may hold commas, newlines and
// doubled quotes.
void BatchFile::parse_rows() {
  std::string_view text = text_;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t line = 1;
  bool first_record = true;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t record_line = line;
    std::vector<std::string_view> fields;
    for (;;) {
      if (at < text.size() && text[at] == '"') {
        if (!read_quoted(text, at, line, record_line, fields)) return;
      } else {
        std::size_t end = text.find_first_of(",\n", at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view field = text.substr(at, end - at);
        if (field.ends_with('\r') && (end == text.size() || text[end] == '\n')) {
          field.remove_suffix(1);
        }
        fields.push_back(trimmed(field));
        at = end;
      }
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      if (at < text.size()) {  // the newline
        ++at;
        ++line;
      }
      break;
    }
    bool blank = fields.size() == 1 && fields.front().empty();
    if (blank) continue;
    if (first_record && take_header(fields, record_line)) {
      first_record = false;
      continue;
    }
    first_record = false;
    add_row(fields, record_line);
  }
}

// Reads the quoted field at `at` up to the comma or newline after it, counting the newlines it
// holds; false when its quotes are not closed (the rest of the file cannot be read).
bool BatchFile::read_quoted(std::string_view text, std::size_t& at, std::size_t& line,
                            std::size_t record_line, std::vector<std::string_view>& fields) {
  std::size_t start = ++at;
  std::optional<std::string> unquoted;
  for (;;) {
    std::size_t quote = text.find('"', at);
    if (quote == std::string_view::npos) {
      problems_.push_back({record_line, "a quoted field is not closed"});
      return false;
    }
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(at),
                                                text.begin() + static_cast<long>(quote), '\n'));
    if (quote + 1 < text.size() && text[quote + 1] == '"') {
      if (!unquoted) unquoted.emplace();
      unquoted->append(text.substr(at, quote + 1 - at));
      at = quote + 2;
      continue;
    }
    if (unquoted) {
      unquoted->append(text.substr(at, quote - at));
      fields.push_back(unquoted_.emplace_back(std::move(*unquoted)));
    } else {
      fields.push_back(text.substr(start, quote - start));
    }
    at = quote + 1;
    break;
  }
  std::size_t end = text.find_first_of(",\n", at);
  std::string_view rest = trimmed(text.substr(at, end == std::string_view::npos ? end : end - at));
  if (!rest.empty() && rest != "\r") {
    problems_.push_back({record_line, "text after a quoted field's closing quote"});
  }
  at = end == std::string_view::npos ? text.size() : end;
  return true;
}

bool BatchFile::take_header(const std::vector<std::string_view>& fields, std::size_t line) {
  auto named = [&](std::string_view name) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](std::string_view field) { return lowered(field) == name; });
  };
  if (!named("ref")) return false;
  columns_.fill(none);
  for (std::size_t place = 0; place < fields.size(); ++place) {
    std::string name = lowered(fields[place]);
    auto known = std::find(column_names.begin(), column_names.end(), name);
    if (known == column_names.end()) {
      problems_.push_back({line, "unknown column '" + std::string{fields[place]} +
                                     "'; the columns are ref, sku, qty and eta"});
      continue;
    }
    auto column = static_cast<std::size_t>(known - column_names.begin());
    if (columns_[column] != none) {
      problems_.push_back({line, "column '" + name + "' is named twice"});
    }
    columns_[column] = place;
  }
  for (std::size_t column = 0; column < 3; ++column) {
    if (columns_[column] == none) {
      problems_.push_back(
          {line, "the header has no column '" + std::string{column_names[column]} + "'"});
    }
  }
  width_ = fields.size();
  header_ = true;
  return true;
}

void BatchFile::add_row(const std::vector<std::string_view>& fields, std::size_t line) {
  ++records_;
  bool without_eta = !header_ && fields.size() == 3;
  if (fields.size() != width_ && !without_eta) {
    problems_.push_back({line, std::to_string(fields.size()) + " fields where " +
                                   std::to_string(width_) + " are expected"});
    return;
  }
  auto field = [&](std::size_t column) {
    std::size_t place = columns_[column];
    return place < fields.size() ? fields[place] : std::string_view{};
  };
  rows_.push_back({line, field(0), field(1), field(2), field(3)});
}

void BatchFile::find_repeated_refs() {
  std::vector<const BatchRow*> by_ref;
  by_ref.reserve(rows_.size());
  for (const BatchRow& row : rows_) by_ref.push_back(&row);
  std::stable_sort(by_ref.begin(), by_ref.end(), [](const BatchRow* left, const BatchRow* right) {
    return left->ref < right->ref;
  });
  for (std::size_t i = 1; i < by_ref.size(); ++i) {
    if (by_ref[i]->ref != by_ref[i - 1]->ref) continue;
    std::size_t first = i - 1;
    while (first > 0 && by_ref[first - 1]->ref == by_ref[i]->ref) --first;
    problems_.push_back({by_ref[i]->line, "batch " + std::string{by_ref[i]->ref} +
                                              " is also on line " +
                                              std::to_string(by_ref[first]->line)});
  }
  std::stable_sort(
      problems_.begin(), problems_.end(),
      [](const RowProblem& left, const RowProblem& right) { return left.line < right.line; });
}

}  // namespace allocation::cli::client
