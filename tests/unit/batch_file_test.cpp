#include "entrypoints/cli/client/batch_file.hpp"

#include <gtest/gtest.h>

namespace allocation::cli::client {
namespace {

struct Read {
  std::size_t line;
  std::string ref, sku, qty, eta;
  friend bool operator==(const Read&, const Read&) = default;
};

std::vector<Read> rows_of(const BatchFile& file) {
  std::vector<Read> rows;
  for (const BatchRow& row : file.rows()) {
    rows.push_back({row.line, std::string{row.ref}, std::string{row.sku}, std::string{row.qty},
                    std::string{row.eta}});
  }
  return rows;
}

TEST(BatchFileTest, ReadsTheBooksColumnsWithOrWithoutAHeader) {
  auto with_header = BatchFile::parse("ref,sku,qty,eta\nb1,LAMP,10,\r\nb2,RUG,5,2027-01-02\n");
  EXPECT_EQ(rows_of(*with_header),
            (std::vector<Read>{{2, "b1", "LAMP", "10", ""}, {3, "b2", "RUG", "5", "2027-01-02"}}));
  auto without = BatchFile::parse("b1,LAMP,10\n\nb2,RUG,5,2027-01-02");
  EXPECT_EQ(rows_of(*without),
            (std::vector<Read>{{1, "b1", "LAMP", "10", ""}, {3, "b2", "RUG", "5", "2027-01-02"}}));
  EXPECT_TRUE(without->problems().empty());
  EXPECT_EQ(without->records(), 2U);
}

TEST(BatchFileTest, AHeaderNamesTheColumnsInAnyOrder) {
  auto file = BatchFile::parse("\xEF\xBB\xBFQty, SKU ,ref\n3,LAMP,b1\n");
  EXPECT_EQ(rows_of(*file), (std::vector<Read>{{2, "b1", "LAMP", "3", ""}}));
  auto unknown = BatchFile::parse("ref,sku,qty,colour\n");
  EXPECT_EQ(unknown->problems(),
            (std::vector<RowProblem>{
                {1, "unknown column 'colour'; the columns are ref, sku, qty and eta"}}));
  auto missing = BatchFile::parse("ref,qty\n");
  EXPECT_EQ(missing->problems(), (std::vector<RowProblem>{{1, "the header has no column 'sku'"}}));
}

TEST(BatchFileTest, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto file = BatchFile::parse("\"b,1\",\"LAMP \"\"XL\"\"\",2,\n\"b\n2\",RUG,1,\nb3,RUG,1,\n");
  EXPECT_EQ(rows_of(*file), (std::vector<Read>{{1, "b,1", "LAMP \"XL\"", "2", ""},
                                               {2, "b\n2", "RUG", "1", ""},
                                               {4, "b3", "RUG", "1", ""}}));
  auto unclosed = BatchFile::parse("b1,LAMP,1,\n\"b2,RUG,1,\n");
  EXPECT_EQ(unclosed->problems(), (std::vector<RowProblem>{{2, "a quoted field is not closed"}}));
}

TEST(BatchFileTest, RowsOfTheWrongWidthAndRepeatedRefsAreProblemsByLine) {
  auto file = BatchFile::parse("ref,sku,qty,eta\nb1,LAMP,1,\nb2,LAMP\nb1,RUG,2,\nb1,RUG,3,\n");
  EXPECT_EQ(file->problems(), (std::vector<RowProblem>{{3, "2 fields where 4 are expected"},
                                                       {4, "batch b1 is also on line 2"},
                                                       {5, "batch b1 is also on line 2"}}));
  EXPECT_EQ(file->records(), 4U);
}

}  // namespace
}  // namespace allocation::cli::client
