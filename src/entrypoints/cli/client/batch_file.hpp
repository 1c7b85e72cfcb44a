#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace allocation::cli::client {

// A row of a batch file that cannot be imported, by its line in the file.
struct RowProblem {
  std::size_t line = 0;
  std::string message;
  friend bool operator==(const RowProblem&, const RowProblem&) = default;
};

// A batch as a file has it: its fields' text, unchecked (the server judges them), and the line
// its row starts on.
struct BatchRow {
  std::size_t line = 0;
  std::string_view ref;
  std::string_view sku;
  std::string_view qty;
  std::string_view eta;  // empty: none
};

// The batches of a CSV file (RFC 4180) with the columns `ref,sku,qty,eta`: named by a header
// row in any order (`eta` may be left out), or in that order without one. Rows that are not
// four fields (three without `eta`), or whose ref is also on an earlier row, are problems.
class BatchFile {
 public:
  static std::unique_ptr<const BatchFile> parse(std::string text);
  // Throws std::runtime_error when the file cannot be read.
  static std::unique_ptr<const BatchFile> read(const std::string& path);

  [[nodiscard]] const std::vector<BatchRow>& rows() const { return rows_; }
  [[nodiscard]] const std::vector<RowProblem>& problems() const { return problems_; }
  // The file's rows but its header and blank lines, batches or not.
  [[nodiscard]] std::size_t records() const { return records_; }

 private:
  explicit BatchFile(std::string text) : text_{std::move(text)} {}
  void parse_rows();
  bool read_quoted(std::string_view text, std::size_t& at, std::size_t& line,
                   std::size_t record_line, std::vector<std::string_view>& fields);
  // The columns a header row names, or false when the row is a batch.
  bool take_header(const std::vector<std::string_view>& fields, std::size_t line);
  void add_row(const std::vector<std::string_view>& fields, std::size_t line);
  void find_repeated_refs();

  std::string text_;
  // Fields whose text is not the file's own (quotes undone), which rows point into.
  std::deque<std::string> unquoted_;
  // Where each of ref, sku, qty and eta is among a row's fields (eta: none when absent).
  std::array<std::size_t, 4> columns_{0, 1, 2, 3};
  std::size_t width_ = 4;
  bool header_ = false;
  std::size_t records_ = 0;
  std::vector<BatchRow> rows_;
  std::vector<RowProblem> problems_;
};

}  // namespace allocation::cli::client
