#include "sim/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace flowcheck::sim {
namespace {

// Every message of these scanners is also pinned, in context, by
// sim/fault_plan_text_test.cc; these tests pin the interface: lengths,
// offsets and the canonical texts.

TEST(UnitsTest, ScansAValueAndSaysHowMuchItTook) {
  const Scanned<std::int64_t> duration = ScanDuration("250us rest", "at=");
  ASSERT_TRUE(duration.ok()) << *duration.error;
  EXPECT_EQ(duration.value, 250000);
  EXPECT_EQ(duration.length, 5u);

  const Scanned<std::uint64_t> size = ScanSize("64KiB/s", "bandwidth=");
  ASSERT_TRUE(size.ok()) << *size.error;
  EXPECT_EQ(size.value, 65536u);
  EXPECT_EQ(size.length, 5u);

  const Scanned<std::uint64_t> bytes = ScanSize("100", "window=");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes.value, 100u);
  EXPECT_EQ(bytes.length, 3u);

  const Scanned<std::uint32_t> percent = ScanRate("0.25%:1ms", "tail=");
  ASSERT_TRUE(percent.ok()) << *percent.error;
  EXPECT_EQ(percent.value, 2500u);
  EXPECT_EQ(percent.length, 5u);

  const Scanned<std::uint32_t> ppm = ScanRate("1000000ppm", "p=");
  ASSERT_TRUE(ppm.ok());
  EXPECT_EQ(ppm.value, 1000000u);
}

TEST(UnitsTest, FailuresSayWhereAndWhat) {
  const Scanned<std::int64_t> no_unit = ScanDuration("5", "latency=");
  ASSERT_FALSE(no_unit.ok());
  EXPECT_EQ(no_unit.error_offset, 1u);
  EXPECT_EQ(*no_unit.error,
            "expected a unit ns, us, ms or s after the number '5', found the "
            "end of the input");

  const Scanned<std::int64_t> negative = ScanDuration("-5ms", "latency=");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error_offset, 0u);
  EXPECT_EQ(*negative.error,
            "expected a duration such as 5ms or 250us after 'latency=', "
            "found '-5ms' (durations cannot be negative)");

  const Scanned<std::uint64_t> unit = ScanSize("1k", "split=");
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.error_offset, 1u);

  const Scanned<std::uint32_t> rate = ScanRate("5:1ms", "tail=");
  ASSERT_FALSE(rate.ok());
  EXPECT_EQ(rate.error_offset, 1u);
  EXPECT_EQ(*rate.error,
            "expected 'ppm' or '%' after the number '5', found ':1ms'");

  const Scanned<std::uint32_t> too_fine = ScanRate("0.00005%", "p=");
  ASSERT_FALSE(too_fine.ok());
  EXPECT_EQ(too_fine.error_offset, 0u);
}

TEST(UnitsTest, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(0), "0ns");
  EXPECT_EQ(FormatDuration(5000000), "5ms");
  EXPECT_EQ(FormatDuration(1500000000), "1500ms");
  EXPECT_EQ(FormatDuration(-5000000), "-5ms");
  EXPECT_EQ(FormatSize(0), "0B");
  EXPECT_EQ(FormatSize(65536), "64KiB");
  EXPECT_EQ(FormatSize(1000), "1KB");
  EXPECT_EQ(FormatSize(1024000), "1000KiB");
  EXPECT_EQ(FormatSize(100), "100B");
  EXPECT_EQ(FormatRate(2500), "2500ppm");
}

TEST(UnitsTest, FormattedValuesScanBack) {
  for (std::int64_t ns : {std::int64_t{0}, std::int64_t{1}, std::int64_t{999},
                          std::int64_t{1000000}, INT64_MAX}) {
    const Scanned<std::int64_t> back = ScanDuration(FormatDuration(ns), "");
    ASSERT_TRUE(back.ok()) << *back.error;
    EXPECT_EQ(back.value, ns);
  }
  for (std::uint64_t bytes :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1000},
        std::uint64_t{1} << 30, UINT64_MAX}) {
    const Scanned<std::uint64_t> back = ScanSize(FormatSize(bytes), "");
    ASSERT_TRUE(back.ok()) << *back.error;
    EXPECT_EQ(back.value, bytes);
  }
}

TEST(UnitsTest, ParseDecimalTakesTheWholeTextUpToMax) {
  EXPECT_EQ(ParseDecimal("0", 10), 0u);
  EXPECT_EQ(ParseDecimal("10", 10), 10u);
  EXPECT_EQ(ParseDecimal("11", 10), std::nullopt);
  // A single digit above a small max (the subtraction must not wrap).
  EXPECT_EQ(ParseDecimal("6", 5), std::nullopt);
  EXPECT_EQ(ParseDecimal("5", 5), 5u);
  EXPECT_EQ(ParseDecimal("18446744073709551615", UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(ParseDecimal("18446744073709551616", UINT64_MAX), std::nullopt);
  EXPECT_EQ(ParseDecimal("000000000000000000001", UINT64_MAX), std::nullopt)
      << "more than 20 characters";
  EXPECT_EQ(ParseDecimal("", 10), std::nullopt);
  EXPECT_EQ(ParseDecimal("+1", 10), std::nullopt);
  EXPECT_EQ(ParseDecimal("1 ", 10), std::nullopt);
  EXPECT_EQ(ParseDecimal("-1", 10), std::nullopt);
}

TEST(UnitsTest, MessagesQuoteShortlyAndDescribeWhatWasFound) {
  EXPECT_EQ(QuoteForMessage("a\x01"), "'a\\x01'");
  EXPECT_EQ(QuoteForMessage(std::string(40, 'x')),
            "'" + std::string(kMaxQuotedBytes, 'x') + "...'");
  EXPECT_EQ(DescribeFound(""), "the end of the input");
  EXPECT_EQ(DescribeFound("; reset"), "';'");
  EXPECT_EQ(DescribeFound(" x"), "a space");
  EXPECT_EQ(DescribeFound("fast window=1"), "'fast'");
}

}  // namespace
}  // namespace flowcheck::sim
