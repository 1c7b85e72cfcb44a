#include "entrypoints/http/request_decoding.hpp"

#include <gtest/gtest.h>

namespace allocation::entrypoints::http {
namespace {

using namespace domain;

template <class T>
std::string problem(const Decoded<T>& decoded) {
  if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) return invalid->message;
  return "";
}

TEST(RequestDecoding, DecodesABatchWithAndWithoutEta) {
  EXPECT_EQ(std::get<commands::CreateBatch>(
                decode_create_batch(R"({"ref":"b1","sku":"LAMP","qty":10,"eta":"2026-12-01"})")),
            (commands::CreateBatch{"b1", "LAMP", 10, Date::parse_iso("2026-12-01")}));
  EXPECT_EQ(std::get<commands::CreateBatch>(
                decode_create_batch(R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})")),
            (commands::CreateBatch{"b1", "LAMP", 10, std::nullopt}));
  EXPECT_EQ(
      std::get<commands::CreateBatch>(decode_create_batch(R"({"ref":"b1","sku":"LAMP","qty":10})")),
      (commands::CreateBatch{"b1", "LAMP", 10, std::nullopt}));
}

TEST(RequestDecoding, DecodesAnAllocation) {
  EXPECT_EQ(std::get<commands::Allocate>(
                decode_allocate(R"({"orderid":"o1","sku":"LAMP","qty":2147483647})")),
            (commands::Allocate{"o1", "LAMP", 2147483647}));
}

TEST(RequestDecoding, QuantityMustBeAPositiveIntegerThatFits32Bits) {
  for (const char* qty : {"0", "-1", "2147483648", "18446744073709551615", "1.0", "1e3", "1e400",
                          "\"1\"", "true", "null", "[1]"}) {
    std::string body = std::string{R"({"orderid":"o","sku":"s","qty":)"} + qty + "}";
    EXPECT_EQ(problem(decode_allocate(body)),
              "field 'qty' must be a positive integer of at most 2147483647")
        << qty;
  }
}

TEST(RequestDecoding, ChangeOfQuantityMayBeZero) {
  EXPECT_EQ(std::get<commands::ChangeBatchQuantity>(
                decode_change_batch_quantity(R"({"ref":"b","qty":0})")),
            (commands::ChangeBatchQuantity{"b", 0, std::nullopt}));
  EXPECT_EQ(problem(decode_change_batch_quantity(R"({"ref":"b","qty":-1})")),
            "field 'qty' must be a non-negative integer of at most 2147483647");
}

TEST(RequestDecoding, AChangeOfEtaNeedsADateOrNull) {
  EXPECT_EQ(std::get<commands::ChangeBatchEta>(
                decode_change_batch_eta(R"({"ref":"b","eta":"2027-01-15"})")),
            (commands::ChangeBatchEta{"b", Date::parse_iso("2027-01-15")}));
  EXPECT_EQ(
      std::get<commands::ChangeBatchEta>(decode_change_batch_eta(R"({"ref":"b","eta":null})")),
      (commands::ChangeBatchEta{"b", std::nullopt}));
  // Absent is a mistake, not an arrival: clearing an ETA is said with null.
  EXPECT_EQ(problem(decode_change_batch_eta(R"({"ref":"b"})")), "missing field 'eta'");
  EXPECT_EQ(problem(decode_change_batch_eta(R"({"ref":"b","eta":"soon"})")),
            "field 'eta' must be an ISO date (YYYY-MM-DD) or null");
  EXPECT_EQ(problem(decode_change_batch_eta(R"({"eta":null})")), "missing field 'ref'");
}

TEST(RequestDecoding, NamesTheFirstMissingOrMistypedField) {
  EXPECT_EQ(problem(decode_allocate(R"({"sku":"s","qty":1})")), "missing field 'orderid'");
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":1,"sku":"s","qty":1})")),
            "field 'orderid' must be a string");
  EXPECT_EQ(problem(decode_create_batch(R"({"ref":"r","sku":"s","qty":1,"eta":"2026-13-01"})")),
            "field 'eta' must be an ISO date (YYYY-MM-DD) or null");
}

TEST(RequestDecoding, IdentifiersAreNonEmptyBoundedAndPrintable) {
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"","sku":"s","qty":1})")),
            "field 'orderid' must not be empty");
  std::string long_sku(256, 'x');
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"o","sku":")" + long_sku + R"(","qty":1})")),
            "field 'sku' must be at most 255 bytes");
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"o\n","sku":"s","qty":1})")),
            "field 'orderid' must not contain control characters");
  EXPECT_TRUE(std::holds_alternative<commands::Allocate>(
      decode_allocate(R"({"orderid":"'; DROP TABLE batches; --","sku":"s","qty":1})")));
}

TEST(RequestDecoding, RequestIdsAreShortAndSafeInLogs) {
  EXPECT_EQ(std::get<std::string>(decode_request_id("deploy-42:retry_1.a")), "deploy-42:retry_1.a");
  EXPECT_EQ(problem(decode_request_id("")), "header X-Request-Id must be 1 to 128 bytes");
  EXPECT_EQ(problem(decode_request_id(std::string(129, 'a'))),
            "header X-Request-Id must be 1 to 128 bytes");
  for (std::string_view forged : {"a b", "a\"b", "a=b", "caf\xc3\xa9", "a\tb"}) {
    EXPECT_EQ(problem(decode_request_id(forged)),
              "header X-Request-Id may contain only letters, digits and -_.:")
        << forged;
  }
}

TEST(RequestDecoding, CountsEveryNestedValueAgainstTheElementLimit) {
  InputLimits limits;
  limits.json_elements_max = 8;
  EXPECT_TRUE(std::holds_alternative<commands::PlaceOrder>(
      decode_place_order(R"({"orderid":"o","lines":[{"sku":"s","qty":1}]})", limits)));
  EXPECT_EQ(problem(decode_place_order(
                R"({"orderid":"o","lines":[{"sku":"s","qty":1},{"sku":"t","qty":1}]})", limits)),
            "request body has more than 8 JSON values");
  std::string wide = R"({"orderid":"o","lines":[)";
  for (int i = 0; i < 200; ++i) wide += R"({"sku":"s","qty":1},)";
  wide += R"({"sku":"s","qty":1}]})";
  EXPECT_EQ(problem(decode_place_order(wide)), "request body has more than 512 JSON values");
}

TEST(RequestDecoding, AKeyTwiceInAnObjectIsRefusedByName) {
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"o","sku":"s","qty":1,"qty":1000})")),
            "request body has the key 'qty' more than once");
  EXPECT_EQ(
      problem(decode_place_order(R"({"orderid":"o","lines":[{"sku":"s","qty":1,"sku":"t"}]})")),
      "request body has the key 'sku' more than once");
  // The same key in different objects is no duplicate.
  EXPECT_TRUE(std::holds_alternative<commands::PlaceOrder>(
      decode_place_order(R"({"orderid":"o","lines":[{"sku":"s","qty":1},{"sku":"t","qty":2}]})")));
}

TEST(RequestDecoding, AnUnknownFieldIsRefusedByNameBeforeAnyOtherProblem) {
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"o","sku":"s","qty":1,"ttl":900})")),
            "unknown field 'ttl'");
  EXPECT_EQ(problem(decode_allocate(R"({"orderid":"o","sku":"s","qtty":1})")),
            "unknown field 'qtty'");
  EXPECT_EQ(
      problem(decode_place_order(R"({"orderid":"o","lines":[{"sku":"s","qty":1,"splitt":true}]})")),
      "unknown field 'splitt' in lines[0]");
  EXPECT_EQ(problem(decode_cancel_order("o1", R"({"sku":["s"]})")), "unknown field 'sku'");
  EXPECT_EQ(problem(decode_change_batch_quantity_message(R"({"batchref":"b","qty":1,"ref":"b"})")),
            "unknown field 'ref'");
}

TEST(RequestDecoding, ABodyThatIsNotUtf8SaysSo) {
  EXPECT_EQ(problem(decode_allocate("{\"orderid\":\"o\xff\",\"sku\":\"s\",\"qty\":1}")),
            "request body is not valid UTF-8 (at byte 13)");
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_TRUE(problem(decode_allocate("{\"orderid\":\"\xc0\xaf\"}"))
                  .starts_with("request body is not valid UTF-8"));
  EXPECT_TRUE(problem(decode_allocate("{\"orderid\":\"\xed\xa0\x80\"}"))
                  .starts_with("request body is not valid UTF-8"));
  EXPECT_TRUE(std::holds_alternative<commands::Allocate>(decode_allocate(
      "{\"orderid\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa6\",\"sku\":\"s\",\"qty\":1}")));
}

TEST(RequestDecoding, AChangeOfQuantityMayExpectTheQuantityItReplaces) {
  auto decoded = decode_change_batch_quantity(R"({"ref":"b","qty":5,"expected_qty":7})");
  EXPECT_EQ(std::get<commands::ChangeBatchQuantity>(decoded),
            (commands::ChangeBatchQuantity{"b", 5, 7}));
  EXPECT_EQ(problem(decode_change_batch_quantity(R"({"ref":"b","qty":5,"expected_qty":-1})")),
            "field 'expected_qty' must be an integer from 0 to 2147483647");
}

TEST(RequestDecoding, RejectsWhatIsNotAJsonObject) {
  EXPECT_EQ(problem(decode_allocate("[]")), "request body must be a JSON object");
  EXPECT_TRUE(problem(decode_allocate("{")).starts_with("request body is not valid JSON"));
  EXPECT_TRUE(problem(decode_allocate("")).starts_with("request body is not valid JSON"));
  std::string deep(1000, '[');
  EXPECT_TRUE(problem(decode_allocate(deep)).starts_with("request body is not valid JSON"));
}

TEST(RequestDecoding, APageOfProductsStartsAfterASkuAndHasALimit) {
  EXPECT_EQ(std::get<ProductPage>(decode_product_page({})), (ProductPage{"", 100}));
  EXPECT_EQ(std::get<ProductPage>(decode_product_page({{"after", "LAMP"}, {"limit", "1000"}})),
            (ProductPage{"LAMP", 1000}));
  auto refused = [](const QueryParameters& query) {
    auto decoded = decode_product_page(query);
    const auto* invalid = std::get_if<InvalidInput>(&decoded);
    return invalid ? invalid->message : std::string{};
  };
  EXPECT_EQ(refused({{"limit", "1001"}}),
            "query parameter limit must be a whole number from 1 to 1000");
  EXPECT_EQ(refused({{"limit", "-1"}}),
            "query parameter limit must be a whole number from 1 to 1000");
  EXPECT_EQ(refused({{"limit", "5x"}}),
            "query parameter limit must be a whole number from 1 to 1000");
  EXPECT_EQ(refused({{"after", "A"}, {"after", "B"}}), "query parameter after is given twice");
  EXPECT_EQ(refused({{"offset", "5"}}), "unknown query parameter offset; use after and limit");
  EXPECT_NE(refused({{"after", ""}}), "");
}

}  // namespace
}  // namespace allocation::entrypoints::http
