#include "sim/fault_plan_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_plan.h"
#include "sim/random.h"

namespace flowcheck::sim {
namespace {

constexpr std::int64_t kUs = 1000;
constexpr std::int64_t kMs = 1000 * kUs;
constexpr std::int64_t kS = 1000 * kMs;
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;

// The plan `text` parses to; a test failure (and the default plan) if it
// does not parse.
FaultPlan MustParse(std::string_view text) {
  const ParsedFaultPlan parsed = ParseFaultPlan(text);
  EXPECT_TRUE(parsed.ok()) << "text: " << text << "\n"
                           << (parsed.ok()
                                   ? ""
                                   : parsed.error().FormatWithCaret(text));
  return parsed.ok() ? parsed.plan() : FaultPlan{};
}

// A plan whose two directions are both `link`.
FaultPlan Both(const std::function<void(LinkOptions&)>& edit) {
  FaultPlan plan;
  edit(plan.a_to_b);
  edit(plan.b_to_a);
  return plan;
}

FaultPlan WithFault(FaultKind kind, Direction direction, FaultTrigger trigger,
                    std::int64_t duration_ns = 0) {
  FaultPlan plan;
  plan.faults.push_back(FaultRule{kind, direction, trigger, duration_ns});
  return plan;
}

FaultTrigger At(std::int64_t ns) {
  FaultTrigger trigger;
  trigger.type = FaultTrigger::Type::kAtTime;
  trigger.at_ns = ns;
  return trigger;
}
FaultTrigger After(std::uint64_t bytes) {
  FaultTrigger trigger;
  trigger.type = FaultTrigger::Type::kAfterBytes;
  trigger.after_bytes = bytes;
  return trigger;
}
FaultTrigger Chance(std::uint32_t per_million) {
  FaultTrigger trigger;
  trigger.type = FaultTrigger::Type::kProbability;
  trigger.per_million = per_million;
  return trigger;
}

// Checks the whole contract for one valid plan: it validates, its text
// parses back to it, and printing that again gives the same text.
void ExpectRoundTrip(const FaultPlan& plan, const std::string& where) {
  SCOPED_TRACE(where);
  const std::optional<std::string> problem = ValidateFaultPlan(plan);
  ASSERT_FALSE(problem.has_value()) << *problem << "\n" << DebugFields(plan);
  const std::string text = PrintFaultPlan(plan);
  const ParsedFaultPlan parsed = ParseFaultPlan(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().FormatWithCaret(text);
  EXPECT_TRUE(parsed.plan() == plan)
      << "text: " << text << "\n  want " << DebugFields(plan) << "\n  got  "
      << DebugFields(parsed.plan());
  EXPECT_EQ(PrintFaultPlan(parsed.plan()), text);
}

TEST(FaultPlanTextTest, EmptyTextIsTheDefaultPlanAndPrintsAsEmpty) {
  EXPECT_TRUE(MustParse("") == FaultPlan{});
  EXPECT_TRUE(MustParse("   ") == FaultPlan{});
  EXPECT_TRUE(MustParse(" \t\r\n ") == FaultPlan{});
  EXPECT_EQ(PrintFaultPlan(FaultPlan{}), "");
}

struct GoodCase {
  std::string text;
  FaultPlan want;
};

TEST(FaultPlanTextTest, ParsesEachSetting) {
  const std::vector<GoodCase> cases = {
      {"latency=5ms", Both([](LinkOptions& l) { l.latency_ns_min = 5 * kMs; })},
      {"latency=0ns", FaultPlan{}},
      {"latency=250us..5ms", Both([](LinkOptions& l) {
         l.latency_shape = LatencyShape::kUniform;
         l.latency_ns_min = 250 * kUs;
         l.latency_ns_max = 5 * kMs;
       })},
      {"latency=7ns..7ns", Both([](LinkOptions& l) {
         l.latency_shape = LatencyShape::kUniform;
         l.latency_ns_min = 7;
         l.latency_ns_max = 7;
       })},
      {"latency=1ms+exp(5ms)", Both([](LinkOptions& l) {
         l.latency_shape = LatencyShape::kExponential;
         l.latency_ns_min = kMs;
         l.latency_ns_mean = 5 * kMs;
       })},
      {"latency=exp(2s)", Both([](LinkOptions& l) {
         l.latency_shape = LatencyShape::kExponential;
         l.latency_ns_mean = 2 * kS;
       })},
      {"latency=9223372036854775807ns", Both([](LinkOptions& l) {
         l.latency_ns_min = std::numeric_limits<std::int64_t>::max();
       })},
      {"latency=9223372036s",
       Both([](LinkOptions& l) { l.latency_ns_min = 9223372036 * kS; })},
      {"latency=007us",
       Both([](LinkOptions& l) { l.latency_ns_min = 7 * kUs; })},
      {"tail=100ppm:50ms", Both([](LinkOptions& l) {
         l.tail_per_million = 100;
         l.tail_latency_ns = 50 * kMs;
       })},
      {"tail=1%:200ms", Both([](LinkOptions& l) {
         l.tail_per_million = 10000;
         l.tail_latency_ns = 200 * kMs;
       })},
      {"tail=0.25%:1s", Both([](LinkOptions& l) {
         l.tail_per_million = 2500;
         l.tail_latency_ns = kS;
       })},
      {"tail=0.0001%:1ms", Both([](LinkOptions& l) {
         l.tail_per_million = 1;
         l.tail_latency_ns = kMs;
       })},
      {"tail=0.00010%:1ms", Both([](LinkOptions& l) {
         l.tail_per_million = 1;
         l.tail_latency_ns = kMs;
       })},
      {"tail=100%:1ns", Both([](LinkOptions& l) {
         l.tail_per_million = 1000000;
         l.tail_latency_ns = 1;
       })},
      {"tail=100.0000%:1ns", Both([](LinkOptions& l) {
         l.tail_per_million = 1000000;
         l.tail_latency_ns = 1;
       })},
      {"tail=1000000ppm:1ns", Both([](LinkOptions& l) {
         l.tail_per_million = 1000000;
         l.tail_latency_ns = 1;
       })},
      {"tail=0ppm:5ms",
       Both([](LinkOptions& l) { l.tail_latency_ns = 5 * kMs; })},
      {"bandwidth=10MiB/s",
       Both([](LinkOptions& l) { l.bandwidth_bytes_per_second = 10 * kMiB; })},
      {"bandwidth=1000/s",
       Both([](LinkOptions& l) { l.bandwidth_bytes_per_second = 1000; })},
      {"bandwidth=5GB/s",
       Both([](LinkOptions& l) { l.bandwidth_bytes_per_second = 5000000000; })},
      {"split=1..64", Both([](LinkOptions& l) {
         l.segment_bytes_min = 1;
         l.segment_bytes_max = 64;
       })},
      {"split=1460", Both([](LinkOptions& l) {
         l.segment_bytes_min = 1460;
         l.segment_bytes_max = 1460;
       })},
      {"split=1KiB..64KiB", Both([](LinkOptions& l) {
         l.segment_bytes_min = kKiB;
         l.segment_bytes_max = 64 * kKiB;
       })},
      {"coalesce=off", Both([](LinkOptions& l) { l.coalesce = false; })},
      {"coalesce=on", FaultPlan{}},
      {"read-max=4KiB",
       Both([](LinkOptions& l) { l.read_bytes_max = 4 * kKiB; })},
      {"window=64KiB",
       Both([](LinkOptions& l) { l.window_bytes = 64 * kKiB; })},
      {"window=3B", Both([](LinkOptions& l) { l.window_bytes = 3; })},
      {"window=3", Both([](LinkOptions& l) { l.window_bytes = 3; })},
      {"window=2KB", Both([](LinkOptions& l) { l.window_bytes = 2000; })},
      {"window=2MB", Both([](LinkOptions& l) { l.window_bytes = 2000000; })},
      {"window=2MiB", Both([](LinkOptions& l) { l.window_bytes = 2 * kMiB; })},
      {"window=2GB", Both([](LinkOptions& l) { l.window_bytes = 2000000000; })},
      {"window=2GiB", Both([](LinkOptions& l) { l.window_bytes = 2 * kGiB; })},
      {"window=18446744073709551615", Both([](LinkOptions& l) {
         l.window_bytes = std::numeric_limits<std::uint64_t>::max();
       })},
      {"window=17179869183GiB",
       Both([](LinkOptions& l) { l.window_bytes = 17179869183ULL * kGiB; })},
      {"close-delay=10ms",
       Both([](LinkOptions& l) { l.close_delay_ns = 10 * kMs; })},
      {"close-delay=3us",
       Both([](LinkOptions& l) { l.close_delay_ns = 3 * kUs; })},
      {"close-delay=3ns", Both([](LinkOptions& l) { l.close_delay_ns = 3; })},
  };
  for (const GoodCase& c : cases) {
    const FaultPlan got = MustParse(c.text);
    EXPECT_TRUE(got == c.want)
        << "text: " << c.text << "\n  want " << DebugFields(c.want)
        << "\n  got  " << DebugFields(got);
  }
}

TEST(FaultPlanTextTest, DirectionPrefixesSetOneDirection) {
  FaultPlan want;
  want.a_to_b.latency_ns_min = kMs;
  want.b_to_a.latency_ns_min = 2 * kMs;
  want.a_to_b.window_bytes = kKiB;
  EXPECT_TRUE(MustParse("a>b:latency=1ms b>a:latency=2ms a>b:window=1KiB") ==
              want);

  FaultPlan mixed;
  mixed.a_to_b.coalesce = false;
  mixed.b_to_a.coalesce = false;
  mixed.b_to_a.read_bytes_max = 10;
  EXPECT_TRUE(MustParse("b>a:read-max=10 coalesce=off") == mixed);
}

TEST(FaultPlanTextTest, ParsesEachFaultKindTriggerAndDirection) {
  struct Kind {
    std::string_view name;
    FaultKind kind;
  };
  const std::vector<Kind> kinds = {
      {"reset", FaultKind::kReset},
      {"read-error", FaultKind::kReadError},
      {"write-error", FaultKind::kWriteError},
      {"stall", FaultKind::kStall},
      {"partition", FaultKind::kPartition},
      {"lose-close", FaultKind::kLoseClose},
      {"slow-close", FaultKind::kSlowClose},
      {"cut", FaultKind::kCut},
      {"corrupt", FaultKind::kCorrupt},
      {"duplicate", FaultKind::kDuplicate},
      {"reorder", FaultKind::kReorder},
      {"truncate", FaultKind::kTruncate},
  };
  struct Trigger {
    std::string_view text;
    FaultTrigger trigger;
  };
  const std::vector<Trigger> triggers = {
      {"at=1500ms", At(1500 * kMs)}, {"at=0s", At(0)},
      {"after=1MiB", After(kMiB)},   {"after=0", After(0)},
      {"p=250ppm", Chance(250)},     {"p=0.5%", Chance(5000)},
  };
  for (const Kind& kind : kinds) {
    const bool timed =
        kind.kind == FaultKind::kStall || kind.kind == FaultKind::kSlowClose;
    const std::string duration = timed ? " for=20ms" : "";
    const std::int64_t duration_ns = timed ? 20 * kMs : 0;
    for (const Trigger& trigger : triggers) {
      const std::string base = "; " + std::string(kind.name) + " ";
      EXPECT_TRUE(
          MustParse(base + std::string(trigger.text) + duration) ==
          WithFault(kind.kind, Direction::kAtoB, trigger.trigger, duration_ns))
          << "default direction: " << base << trigger.text;
      EXPECT_TRUE(
          MustParse(base + "a>b " + std::string(trigger.text) + duration) ==
          WithFault(kind.kind, Direction::kAtoB, trigger.trigger, duration_ns));
      EXPECT_TRUE(
          MustParse(base + "b>a " + std::string(trigger.text) + duration) ==
          WithFault(kind.kind, Direction::kBtoA, trigger.trigger, duration_ns));
    }
  }
}

TEST(FaultPlanTextTest, FaultsKeepTheirOrderAndStallAcceptsZeroDuration) {
  FaultPlan want;
  want.faults.push_back({FaultKind::kCut, Direction::kBtoA, After(10), 0});
  want.faults.push_back({FaultKind::kStall, Direction::kAtoB, At(0), 0});
  want.faults.push_back({FaultKind::kReset, Direction::kAtoB, Chance(1), 0});
  EXPECT_TRUE(MustParse("; cut b>a after=10B; stall at=0ns for=0ns; reset "
                        "p=1ppm") == want);
}

TEST(FaultPlanTextTest, WhitespaceAroundTokensIsFree) {
  FaultPlan want = Both([](LinkOptions& l) {
    l.latency_ns_min = kMs;
    l.segment_bytes_min = 1;
    l.segment_bytes_max = 2;
  });
  want.faults.push_back({FaultKind::kReset, Direction::kBtoA, At(kS), 0});
  want.faults.push_back({FaultKind::kStall, Direction::kAtoB, Chance(5), kMs});
  EXPECT_TRUE(MustParse("  latency=1ms\t\tsplit=1..2 ;reset   b>a  at=1s ;  "
                        "stall a>b p=5ppm\nfor=1ms  ") == want);
  EXPECT_TRUE(MustParse("latency=1ms split=1..2;reset b>a at=1s;stall a>b "
                        "p=5ppm for=1ms") == want);
}

TEST(FaultPlanTextTest, PrintsCanonicalText) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // The example from the design; bytes always carry their unit.
      {"latency=1ms..5ms split=1..64 window=64KiB; reset a>b after=1MiB",
       "latency=1ms..5ms split=1B..64B window=64KiB; reset a>b after=1MiB"},
      {"latency=5000000ns", "latency=5ms"},
      {"latency=1000000us", "latency=1s"},
      {"latency=1500ms", "latency=1500ms"},
      {"latency=1001us", "latency=1001us"},
      {"latency=0ns+exp(1s)", "latency=exp(1s)"},
      {"latency=2us+exp(3000ns)", "latency=2us+exp(3us)"},
      {"latency=0s..0s", "latency=0ns..0ns"},
      {"window=65536B", "window=64KiB"},
      {"window=65536", "window=64KiB"},
      {"window=100", "window=100B"},
      {"window=1000", "window=1KB"},
      {"window=1024000", "window=1000KiB"},
      {"window=3000000000", "window=3GB"},
      {"window=1073741824000", "window=1000GiB"},
      {"window=0", ""},
      {"bandwidth=1048576/s", "bandwidth=1MiB/s"},
      {"tail=1%:200ms", "tail=10000ppm:200ms"},
      {"coalesce=on", ""},
      {"coalesce=off", "coalesce=off"},
      {"split=64..64", "split=64B"},
      {"split=1024..2048", "split=1KiB..2KiB"},
      {"a>b:latency=1ms b>a:latency=1ms", "latency=1ms"},
      {"b>a:window=1KiB a>b:window=2KiB", "a>b:window=2KiB b>a:window=1KiB"},
      {"a>b:window=0 b>a:window=1KiB", "b>a:window=1KiB"},
      {"close-delay=1ms window=1KiB latency=1ms read-max=1 coalesce=off "
       "split=1 bandwidth=1/s tail=1ppm:1ns",
       "latency=1ms tail=1ppm:1ns bandwidth=1B/s split=1B coalesce=off "
       "read-max=1B window=1KiB close-delay=1ms"},
      {"; reset at=0s", "; reset a>b at=0ns"},
      {";stall b>a p=1% for=1500ms", "; stall b>a p=10000ppm for=1500ms"},
      {"window=1KiB ;cut b>a after=2048", "window=1KiB; cut b>a after=2KiB"},
  };
  for (const auto& [text, canonical] : cases) {
    EXPECT_EQ(PrintFaultPlan(MustParse(text)), canonical) << "text: " << text;
    EXPECT_EQ(PrintFaultPlan(MustParse(canonical)), canonical);
  }
}

TEST(FaultPlanTextTest, RoundTripsHandPickedPlans) {
  constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
  constexpr std::uint64_t kMaxBytes = std::numeric_limits<std::uint64_t>::max();
  std::vector<FaultPlan> plans;
  plans.push_back(FaultPlan{});
  plans.push_back(Both([](LinkOptions& l) {
    l.latency_shape = LatencyShape::kUniform;
    l.latency_ns_min = 1;
    l.latency_ns_max = kMaxNs;
    l.tail_per_million = 1000000;
    l.tail_latency_ns = kMaxNs;
    l.bandwidth_bytes_per_second = kMaxBytes;
    l.segment_bytes_min = 1;
    l.segment_bytes_max = kMaxBytes;
    l.coalesce = false;
    l.read_bytes_max = kMaxBytes - 1;
    l.window_bytes = std::uint64_t{1} << 63;
    l.close_delay_ns = kMaxNs - 1;
  }));
  {
    FaultPlan plan;
    plan.a_to_b.latency_shape = LatencyShape::kExponential;
    plan.a_to_b.latency_ns_mean = 0;
    plan.b_to_a.latency_shape = LatencyShape::kUniform;
    plan.b_to_a.latency_ns_min = 0;
    plan.b_to_a.latency_ns_max = 0;
    plan.b_to_a.tail_latency_ns = 3;  // with a zero rate
    plans.push_back(plan);
  }
  {
    FaultPlan plan;
    plan.b_to_a.segment_bytes_min = 1000;
    plan.b_to_a.segment_bytes_max = 1000;
    plan.a_to_b.tail_per_million = 7;  // with a zero tail latency
    plans.push_back(plan);
  }
  {
    FaultPlan plan;
    for (FaultKind kind :
         {FaultKind::kReset, FaultKind::kReadError, FaultKind::kWriteError,
          FaultKind::kStall, FaultKind::kPartition, FaultKind::kLoseClose,
          FaultKind::kSlowClose, FaultKind::kCut, FaultKind::kCorrupt,
          FaultKind::kDuplicate, FaultKind::kReorder, FaultKind::kTruncate}) {
      const std::int64_t duration =
          kind == FaultKind::kStall || kind == FaultKind::kSlowClose ? kMaxNs
                                                                     : 0;
      plan.faults.push_back({kind, Direction::kBtoA, At(kMaxNs), duration});
      plan.faults.push_back(
          {kind, Direction::kAtoB, After(kMaxBytes), duration});
      plan.faults.push_back(
          {kind, Direction::kBtoA, Chance(1000000), duration});
      plan.faults.push_back({kind, Direction::kAtoB, Chance(0), 0});
    }
    plans.push_back(plan);
  }
  for (std::size_t i = 0; i < plans.size(); ++i) {
    ExpectRoundTrip(plans[i], "hand-picked plan " + std::to_string(i));
  }
}

TEST(FaultPlanTextTest, RoundTripsSwarmPlans) {
  for (bool contract_keeping_only : {false, true}) {
    for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
      Random random(seed);
      const FaultPlan plan = SwarmPlan(random, contract_keeping_only);
      ExpectRoundTrip(plan, "SwarmPlan seed " + std::to_string(seed) +
                                (contract_keeping_only ? " (keeping)" : ""));
      if (HasFatalFailure()) return;
    }
  }
}

struct BadCase {
  std::string text;
  std::size_t column;
  std::string message_part;
};

TEST(FaultPlanTextTest, RejectsMalformedTextNamingColumnAndProblem) {
  const std::vector<BadCase> cases = {
      // Keys and '='.
      {"latncy=5ms", 1,
       "unknown setting 'latncy'; expected one of latency, tail, bandwidth, "
       "split, coalesce, read-max, window, close-delay"},
      {"latency", 8,
       "expected '=' after 'latency', found the end of the input"},
      {"latency 5ms", 8, "expected '=' after 'latency', found a space"},
      {"latency:5ms", 8, "expected '=' after 'latency', found ':5ms'"},
      {"=5ms", 1,
       "expected a setting name such as latency or window, found '=5ms'"},
      {"a>c:window=1", 1,
       "expected a direction a>b or b>a before ':', found 'a>c'"},
      {"reset a>b at=1s", 1,
       "expected a setting, found the fault 'reset': faults come after the "
       "settings, each after a ';'"},
      // Durations.
      {"latency=fast", 9,
       "expected a duration such as 5ms or 250us after 'latency=', found "
       "'fast'"},
      {"latency=", 9,
       "expected a duration such as 5ms or 250us after "
       "'latency=', found the end of the input"},
      {"latency=5", 10,
       "expected a unit ns, us, ms or s after the number '5', found the end "
       "of the input"},
      {"latency=5 window=1", 10,
       "expected a unit ns, us, ms or s after the "
       "number '5', found a space"},
      {"latency=5sec", 10,
       "expected a unit ns, us, ms or s after the number "
       "'5', found 'sec'"},
      {"latency=5MS", 10, "found 'MS'"},
      {"latency=1.5ms", 9,
       "expected a whole number in the duration after "
       "'latency=', found '1.5ms' (no fractions"},
      {"latency=-5ms", 9, "found '-5ms' (durations cannot be negative)"},
      {"latency=9223372036854775808ns", 9,
       "duration '9223372036854775808ns' is too large: expected at most "
       "9223372036854775807ns"},
      {"latency=9223372037s", 9, "is too large"},
      {"latency=99999999999999999999999ms", 9, "is too large"},
      {"latency=5ms..1ms", 9,
       "expected a range MIN..MAX with MIN <= MAX after 'latency=', found "
       "'5ms..1ms' (min > max)"},
      {"latency=1ms..", 14,
       "expected a duration such as 5ms or 250us after "
       "'..', found the end of the input"},
      {"latency=1ms+5ms", 13, "expected exp(DUR) after '+' in 'latency='"},
      {"latency=exp(5ms", 16,
       "expected ')' after the mean in 'exp(', found "
       "the end of the input"},
      {"latency=exp()", 13, "after 'exp(', found ')'"},
      {"latency=1ms..5ms..7ms", 17,
       "expected a space, ';' or the end of the input after the value of "
       "'latency=', found '..7ms'"},
      {"close-delay=1h", 14, "found 'h'"},
      // Sizes.
      {"split=0", 7,
       "expected segment sizes of at least 1B after 'split=', "
       "found '0'"},
      {"split=0..5", 7, "at least 1B"},
      {"split=10..5", 7, "(min > max)"},
      {"split=1k", 8,
       "expected a size unit B, KB, KiB, MB, MiB, GB or GiB (or none, "
       "meaning bytes) after the number '1', found 'k'"},
      {"split=1.5KiB", 7,
       "expected a whole number in the size after 'split=', found '1.5KiB' "
       "(no fractions: use a smaller unit, e.g. 1536B for 1.5KiB)"},
      {"window=18446744073709551616", 8,
       "size '18446744073709551616' is too large"},
      {"window=17179869184GiB", 8, "is too large"},
      {"window=KiB", 8,
       "expected a size such as 100B or 64KiB after "
       "'window=', found 'KiB'"},
      {"read-max=-1", 10, "(sizes cannot be negative)"},
      {"bandwidth=10MiB", 16,
       "expected '/s' after the size in 'bandwidth=' "
       "(e.g. bandwidth=10MiB/s), found the end of the "
       "input"},
      {"bandwidth=10MiB/sec", 18,
       "expected a space, ';' or the end of the input after the value of "
       "'bandwidth=', found 'ec'"},
      {"window=1KiB,", 12, "found ','"},
      {"coalesce=yes", 10,
       "expected 'on' or 'off' after 'coalesce=', found 'yes'"},
      {"coalesce=", 10,
       "expected 'on' or 'off' after 'coalesce=', found the "
       "end of the input"},
      // Rates.
      {"tail=100ppm", 12,
       "expected ':' and a duration after the rate in "
       "'tail=' (e.g. tail=100ppm:50ms), found the end of "
       "the input"},
      {"tail=101%:1ms", 6, "rate '101%' is above 100%"},
      {"tail=100.0001%:1ms", 6, "is above 100%"},
      {"tail=1000001ppm:1ms", 6, "is above 100%"},
      {"tail=99999999999999999999999ppm:1ms", 6, "is above 100%"},
      {"tail=0.00005%:1ms", 6, "rate '0.00005%' is not a whole number of ppm"},
      {"tail=1.5ppm:1ms", 6, "expected a whole number of ppm, found '1.5ppm'"},
      {"tail=5:1ms", 7,
       "expected 'ppm' or '%' after the number '5', found ':1ms'"},
      {"tail=1.%:1ms", 8, "expected a digit after the decimal point"},
      {"tail=x", 6,
       "expected a rate such as 100ppm or 0.5% after 'tail=', "
       "found 'x'"},
      // Duplicates.
      {"window=1KiB window=2KiB", 13,
       "duplicate setting: window for a>b was already set at column 1"},
      {"a>b:window=1KiB window=2KiB", 17,
       "duplicate setting: window for a>b was already set at column 1"},
      {"a>b:window=1KiB b>a:window=1KiB b>a:window=3", 33,
       "duplicate setting: window for b>a was already set at column 17"},
      {"latency=1ms b>a:latency=2ms", 13, "latency for b>a was already set"},
      // Faults.
      {"; bogus a>b at=1s", 3,
       "unknown fault kind 'bogus'; expected one of reset, read-error, "
       "write-error, stall, partition, lose-close, slow-close, cut, corrupt, "
       "duplicate, reorder, truncate"},
      {"; latency=1ms", 3,
       "expected a fault kind, found the setting 'latency=1ms': settings come "
       "first"},
      {"; reset a>b at=1s;; cut a>b at=1s", 19, "(an empty fault)"},
      {";;", 2, "found another ';' (an empty fault)"},
      {"; ;", 3, "(an empty fault)"},
      {";", 2, "expected a fault after ';', found the end of the input"},
      {"latency=1ms;", 13,
       "expected a fault after ';', found the end of the input"},
      {"; reset", 8,
       "expected a direction (a>b or b>a) or a trigger (at=DUR, after=SIZE or "
       "p=RATE) after 'reset', found the end of the input"},
      {"; reset a>b", 12,
       "expected a trigger at=DUR, after=SIZE or p=RATE "
       "after the direction, found the end of the input"},
      {"; reset a>b ;", 13, "after the direction, found ';'"},
      {"; reset a>c at=1s", 9, "expected a direction a>b or b>a, found 'a>c'"},
      {"; reset a>b when=1s", 13,
       "expected a trigger at=DUR, after=SIZE or "
       "p=RATE, found 'when=1s'"},
      {"; reset a>b a>b at=1s", 13, "found 'a>b'"},
      {"; reset a>b at=1s)", 18,
       "expected a space, ';' or the end of the input "
       "after the trigger, found ')'"},
      {"; reset a>b p=5", 16, "expected 'ppm' or '%' after the number '5'"},
      {"; reset a>b p=101%", 15, "is above 100%"},
      {"; reset a>b after=-1", 19, "(sizes cannot be negative)"},
      {"; reset a>b at=1", 17, "expected a unit ns, us, ms or s"},
      {"; stall a>b at=1s", 18,
       "expected for=DUR after the trigger (stall needs a duration, e.g. "
       "for=100ms), found the end of the input"},
      {"; slow-close b>a at=1s ; cut a>b at=1s", 24,
       "expected for=DUR after the trigger (slow-close needs a duration"},
      {"; stall a>b at=1s 5ms", 19, "expected for=DUR after the trigger"},
      {"; stall a>b at=1s for=5", 24, "expected a unit ns, us, ms or s"},
      {"; stall a>b at=1s for=5msx", 24, "found 'msx'"},
      {"; stall a>b at=1s for=5ms,", 26,
       "after the value of 'for=', found ','"},
      {"; reset a>b at=1s for=1s", 19,
       "expected ';' or the end of the input after the trigger, found "
       "'for=1s': for= is allowed only with stall and slow-close, not with "
       "'reset'"},
      {"; reset a>b at=1s extra", 19,
       "expected ';' or the end of the input after the fault, found 'extra'"},
      {"; stall a>b at=1s for=1s extra", 26,
       "expected ';' or the end of the input after the fault, found 'extra'"},
      // Bytes outside printable ASCII are shown escaped.
      {"\xff", 1, "unknown setting '\\xff'"},
      {"window=1\x01", 9, "found '\\x01'"},
  };
  for (const BadCase& c : cases) {
    const ParsedFaultPlan parsed = ParseFaultPlan(c.text);
    ASSERT_FALSE(parsed.ok())
        << "text: " << c.text << " parsed as " << PrintFaultPlan(parsed.plan());
    EXPECT_EQ(parsed.error().column, c.column)
        << parsed.error().FormatWithCaret(c.text);
    EXPECT_NE(parsed.error().message.find(c.message_part), std::string::npos)
        << "text: " << c.text << "\n  message: " << parsed.error().message
        << "\n  should contain: " << c.message_part;
  }
}

TEST(FaultPlanTextTest, ErrorPrintsColumnAndCaret) {
  const std::string text = "latency=fast";
  const ParsedFaultPlan parsed = ParseFaultPlan(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().ToString(),
            "column 9: expected a duration such as 5ms or 250us after "
            "'latency=', found 'fast'");
  EXPECT_EQ(parsed.error().FormatWithCaret(text),
            "latency=fast\n"
            "        ^\n"
            "column 9: expected a duration such as 5ms or 250us after "
            "'latency=', found 'fast'\n");

  // Tabs become spaces; a column past the end puts the caret after the text.
  const FaultPlanError at_end{6, "expected x, found the end of the input"};
  EXPECT_EQ(
      at_end.FormatWithCaret("a\tb;\n"),
      "a b; \n     ^\ncolumn 6: expected x, found the end of the input\n");
  // A two-byte UTF-8 character counts as one column of the caret line.
  const FaultPlanError after_utf8{4, "m"};
  EXPECT_EQ(after_utf8.FormatWithCaret("\xc3\xa9xy"),
            "\xc3\xa9xy\n  ^\ncolumn 4: m\n");
}

TEST(FaultPlanTextTest, LongInputsFailFastWithShortMessages) {
  const std::string word(1 << 20, 'x');
  ParsedFaultPlan parsed = ParseFaultPlan(word);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().column, 1u);
  EXPECT_LT(parsed.error().message.size(), 300u);
  EXPECT_NE(
      parsed.error().message.find("'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"),
      std::string::npos);

  parsed = ParseFaultPlan("latency=" + std::string(1 << 20, '9') + "ms");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().column, 9u);
  EXPECT_NE(parsed.error().message.find("too large"), std::string::npos);
  EXPECT_LT(parsed.error().message.size(), 300u);

  parsed = ParseFaultPlan("tail=0." + std::string(1 << 20, '0') + "1%:1s");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("not a whole number of ppm"),
            std::string::npos);

  parsed = ParseFaultPlan(std::string(1 << 20, ';'));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().column, 2u);

  parsed = ParseFaultPlan(std::string(1 << 20, ' '));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed.plan() == FaultPlan{});

  std::string many;
  for (int i = 0; i < 10000; ++i) many += "; stall b>a p=3ppm for=1us";
  parsed = ParseFaultPlan(many);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.plan().faults.size(), 10000u);
  EXPECT_EQ(PrintFaultPlan(parsed.plan()), many);
}

// Deterministic mutations of valid texts: whatever the parser accepts must
// be a valid plan that round-trips; whatever it rejects must come with a
// column inside the text (or just past it) and a message.
TEST(FaultPlanTextTest, MutatedTextsParseToValidPlansOrFailCleanly) {
  static constexpr std::string_view kAlphabet =
      "0123456789 ;:=.+()%>/abeimnoprstuxyBGKMi-\t";
  Random random(20240611);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Random plan_random(random.Next());
    std::string text =
        PrintFaultPlan(SwarmPlan(plan_random, random.Chance(1, 2)));
    const std::uint64_t edits = random.Between(1, 3);
    for (std::uint64_t e = 0; e < edits; ++e) {
      const std::size_t at = random.Uniform(text.size() + 1);
      const char c = kAlphabet[random.Uniform(kAlphabet.size())];
      switch (random.Uniform(3)) {
        case 0:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
          break;
      }
    }
    const ParsedFaultPlan parsed = ParseFaultPlan(text);
    if (parsed.ok()) {
      ++accepted;
      ExpectRoundTrip(parsed.plan(), "mutated text: " + text);
      if (HasFatalFailure()) return;
    } else {
      ASSERT_GE(parsed.error().column, 1u) << text;
      ASSERT_LE(parsed.error().column, text.size() + 1) << text;
      ASSERT_FALSE(parsed.error().message.empty()) << text;
    }
  }
  // Both outcomes must have been exercised for the test to mean anything.
  EXPECT_GT(accepted, 100);
  EXPECT_LT(accepted, 19900);
}

TEST(FaultPlanTextTest, ValidateRejectsPlansTheTextCannotExpress) {
  struct Invalid {
    FaultPlan plan;
    std::string message_part;
  };
  std::vector<Invalid> cases;
  {
    FaultPlan plan;
    plan.a_to_b.latency_ns_max = 7;
    cases.push_back({plan, "a>b: latency_ns_max is 7"});
  }
  {
    FaultPlan plan;
    plan.b_to_a.latency_shape = LatencyShape::kUniform;
    plan.b_to_a.latency_ns_min = 2;
    plan.b_to_a.latency_ns_max = 1;
    cases.push_back({plan, "b>a: uniform latency"});
  }
  {
    FaultPlan plan;
    plan.a_to_b.latency_shape = LatencyShape::kUniform;
    plan.a_to_b.latency_ns_mean = 1;
    cases.push_back({plan, "latency_ns_mean is 1"});
  }
  {
    FaultPlan plan;
    plan.a_to_b.latency_shape = LatencyShape::kExponential;
    plan.a_to_b.latency_ns_max = 1;
    cases.push_back({plan, "exponential"});
  }
  {
    FaultPlan plan;
    plan.a_to_b.close_delay_ns = -5 * kMs;
    cases.push_back({plan, "close_delay_ns is -5000000"});
  }
  {
    FaultPlan plan;
    plan.a_to_b.tail_per_million = 1000001;
    cases.push_back({plan, "above 1000000"});
  }
  {
    FaultPlan plan;
    plan.a_to_b.segment_bytes_max = 5;
    cases.push_back({plan, "segment_bytes_min..segment_bytes_max is 0..5"});
  }
  {
    FaultPlan plan;
    plan.b_to_a.segment_bytes_min = 6;
    plan.b_to_a.segment_bytes_max = 5;
    cases.push_back({plan, "6..5"});
  }
  cases.push_back(
      {WithFault(FaultKind::kReset, Direction::kAtoB, At(1), kMs),
       "fault 1 (reset) has duration_ns 1000000, but only stall and "
       "slow-close take a duration"});
  cases.push_back({WithFault(FaultKind::kStall, Direction::kAtoB, At(1), -1),
                   "cannot be negative"});
  cases.push_back({WithFault(FaultKind::kCut, Direction::kAtoB, At(-1)),
                   "times cannot be negative"});
  cases.push_back(
      {WithFault(FaultKind::kCut, Direction::kAtoB, Chance(1000001)),
       "per_million 1000001"});
  {
    FaultTrigger trigger = After(5);
    trigger.at_ns = 1;
    cases.push_back({WithFault(FaultKind::kCut, Direction::kAtoB, trigger),
                     "after bytes but sets at_ns"});
  }
  cases.push_back(
      {WithFault(static_cast<FaultKind>(99), Direction::kAtoB, At(1)),
       "has kind 99"});
  cases.push_back({WithFault(FaultKind::kCut, static_cast<Direction>(7), At(1)),
                   "has direction 7"});

  for (const Invalid& c : cases) {
    const std::optional<std::string> problem = ValidateFaultPlan(c.plan);
    ASSERT_TRUE(problem.has_value()) << DebugFields(c.plan);
    EXPECT_NE(problem->find(c.message_part), std::string::npos)
        << *problem << "\n  should contain: " << c.message_part;
    // Printing never fails, and the text never silently means this plan.
    const std::string text = PrintFaultPlan(c.plan);
    const ParsedFaultPlan parsed = ParseFaultPlan(text);
    EXPECT_FALSE(parsed.ok() && parsed.plan() == c.plan) << text;
  }
}

TEST(FaultPlanTextTest, InvalidValuesPrintSoTheParserRefusesThem) {
  FaultPlan plan;
  plan.a_to_b.close_delay_ns = -5 * kMs;
  EXPECT_EQ(PrintFaultPlan(plan), "a>b:close-delay=-5ms");
  EXPECT_FALSE(ParseFaultPlan(PrintFaultPlan(plan)).ok());

  const FaultPlan reset_with_duration =
      WithFault(FaultKind::kReset, Direction::kAtoB, At(1), kMs);
  EXPECT_EQ(PrintFaultPlan(reset_with_duration), "; reset a>b at=1ns for=1ms");
  EXPECT_FALSE(ParseFaultPlan(PrintFaultPlan(reset_with_duration)).ok());
}

TEST(FaultPlanTextDeathTest, AccessorsCheckWhichCaseHappened) {
  EXPECT_DEATH(static_cast<void>(ParseFaultPlan("bogus").plan()),
               "plan\\(\\) on a failed parse");
  EXPECT_DEATH(static_cast<void>(ParseFaultPlan("").error()),
               "error\\(\\) on a successful parse");
}

}  // namespace
}  // namespace flowcheck::sim
