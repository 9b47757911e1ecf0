// The driver protocol's wire format: base64 both ways, and every message
// round-trips; malformed lines give sentences that quote them.
#include "conformance/driver_protocol.h"

#include <gtest/gtest.h>

namespace flowcheck::conformance::driver {
namespace {

TEST(Base64, KnownVectors) {
  // RFC 4648, section 10.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), plain);
  }
}

TEST(Base64, EveryByteRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(part)), part);
  }
}

TEST(Base64, RejectsMalformed) {
  for (const char* bad : {"Zg=", "Z===", "Zg==Zg==", "Zm9v!", "=Zm9", "Zm=v"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Messages, RequestsRoundTrip) {
  Request writev;
  writev.call = Call::kWritev;
  writev.op = 7;
  writev.side = 'B';
  writev.parts = {"", "a", std::string(3000, '\xff')};
  const auto parsed = ParseRequest(EncodeRequest(writev));
  ASSERT_TRUE(std::holds_alternative<Request>(parsed));
  const Request& back = std::get<Request>(parsed);
  EXPECT_EQ(back.call, Call::kWritev);
  EXPECT_EQ(back.op, 7);
  EXPECT_EQ(back.side, 'B');
  EXPECT_EQ(back.parts, writev.parts);

  Request start;
  start.call = Call::kStart;
  start.case_id = 3;
  start.seed = 18446744073709551615u;
  EXPECT_EQ(EncodeRequest(start),
            R"({"call":"start","case":3,"seed":18446744073709551615})");
  EXPECT_EQ(std::get<Request>(ParseRequest(EncodeRequest(start))).seed,
            start.seed);
}

TEST(Messages, RepliesRoundTrip) {
  Reply data;
  data.op = 9;
  data.result = "data";
  data.bytes = std::string("\0\n\"", 3);
  EXPECT_EQ(EncodeReply(data), R"({"op":9,"result":"data","bytes":"AAoi"})");
  EXPECT_EQ(std::get<Reply>(ParseReply(EncodeReply(data))).bytes, data.bytes);

  Reply error;
  error.op = 4;
  error.result = "error";
  error.code = ErrorCode::kConnectionReset;
  error.description = "recv: reset";
  const Reply back = std::get<Reply>(ParseReply(EncodeReply(error)));
  EXPECT_EQ(back.code, ErrorCode::kConnectionReset);
  EXPECT_EQ(back.description, "recv: reset");
}

TEST(Messages, MalformedRepliesSayWhy) {
  const std::pair<std::string, std::string> cases[] = {
      {"hello", "not JSON: `hello`"},
      {"[1]", "not a JSON object"},
      {R"({"result":"ok"})", "exactly one integer \"op\" or \"case\""},
      {R"({"op":1,"case":1,"result":"ok"})", "exactly one"},
      {R"({"op":1})", "no \"result\""},
      {R"({"op":1,"result":"maybe"})", "unknown \"result\" 'maybe'"},
      {R"({"op":1,"result":"data","bytes":"!!"})", "\"bytes\" must be base64"},
      {R"({"op":1,"result":"error","code":"oops"})", "unknown error \"code\""},
  };
  for (const auto& [line, wanted] : cases) {
    const auto parsed = ParseReply(line);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << line;
    EXPECT_NE(std::get<std::string>(parsed).find(wanted), std::string::npos)
        << std::get<std::string>(parsed);
  }
}

TEST(Messages, Hello) {
  Hello hello{std::string(kVersion), "py-asyncio", "asyncio streams", true};
  const Hello back = std::get<Hello>(ParseHello(EncodeHello(hello)));
  EXPECT_EQ(back.name, "py-asyncio");
  EXPECT_TRUE(back.can_reset);
  EXPECT_NE(std::get<std::string>(
                ParseHello(R"({"hello":"flowcheck-driver/9","name":"x"})"))
                .find("speaks 'flowcheck-driver/9'"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(ParseHello("garbage")).find("hello"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(
                ParseHello(R"({"hello":"flowcheck-driver/1","name":"a b"})"))
                .find("has a space"),
            std::string::npos);
}

TEST(Quote, CutsAndEscapes) {
  EXPECT_EQ(Quote("a\tb"), "`a\\x09b`");
  EXPECT_EQ(Quote(std::string(300, 'x'), 4), "`xxxx...`");
}

}  // namespace
}  // namespace flowcheck::conformance::driver
