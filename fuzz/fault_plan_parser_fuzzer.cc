// fuzz/fault_plan_parser_fuzzer.cc: the fault-plan text form
// (sim/fault_plan_text.h) on arbitrary input.
//
// Every input is used twice:
//  1. As text. ParseFaultPlan must either return a plan -- which
//     ValidateFaultPlan accepts, and which prints to a canonical text that
//     parses back to the same plan and prints the same again -- or an error
//     whose column lies inside the text (1 .. size + 1) with a non-empty
//     message of bounded length that FormatWithCaret can show.
//  2. As choices (fuzz/fuzz_input.h) for a FaultPlan built field by field,
//     over the whole range of every field (negative durations, unnamed enum
//     values, huge sizes) or, when the first choice says "tidy", within the
//     rules of ValidateFaultPlan. For every plan ValidateFaultPlan accepts,
//     ParseFaultPlan(PrintFaultPlan(plan)) must give the plan back; for the
//     others, printing must still not crash, and ClampToValid (what
//     MakeConnection runs instead) must give a plan the validator accepts.
// Crashes, hangs (libFuzzer's -timeout) and huge allocations (-rss_limit_mb,
// -malloc_limit_mb) are findings too.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/finding.h"
#include "fuzz/fuzz_input.h"
#include "sim/fault_plan.h"
#include "sim/fault_plan_text.h"

namespace {

using flowcheck::fuzz::FuzzInput;
using flowcheck::fuzz::ReportFinding;
namespace sim = flowcheck::sim;

constexpr std::string_view kTarget = "fault_plan_parser_fuzzer";

// Checks that `plan` (which ValidateFaultPlan accepted) prints to a text
// that parses back to it, and that printing that is idempotent.
void CheckRoundTrip(const sim::FaultPlan& plan, std::string_view origin) {
  const std::string printed = sim::PrintFaultPlan(plan);
  const sim::ParsedFaultPlan reparsed = sim::ParseFaultPlan(printed);
  if (!reparsed.ok()) {
    ReportFinding(kTarget, "the printed form of a valid plan does not parse",
                  std::string(origin) + "\nprinted: '" + printed + "'\n" +
                      reparsed.error().FormatWithCaret(printed) + "fields:\n" +
                      sim::DebugFields(plan));
  }
  if (!(reparsed.plan() == plan)) {
    ReportFinding(kTarget, "Parse(Print(plan)) differs from the plan",
                  std::string(origin) + "\nprinted: '" + printed +
                      "'\nplan:\n" + sim::DebugFields(plan) + "parsed back:\n" +
                      sim::DebugFields(reparsed.plan()));
  }
  const std::string printed_again = sim::PrintFaultPlan(reparsed.plan());
  if (printed_again != printed) {
    ReportFinding(kTarget, "printing is not idempotent",
                  std::string(origin) + "\nfirst:  '" + printed +
                      "'\nsecond: '" + printed_again + "'");
  }
}

void CheckText(std::string_view text) {
  const std::string shown = "input text: '" + std::string(text) + "'";
  const sim::ParsedFaultPlan parsed = sim::ParseFaultPlan(text);
  if (parsed.ok()) {
    if (const std::optional<std::string> invalid =
            sim::ValidateFaultPlan(parsed.plan())) {
      ReportFinding(kTarget, "the parser returned a plan the validator refuses",
                    shown + "\nvalidator: " + *invalid + "\nfields:\n" +
                        sim::DebugFields(parsed.plan()));
    }
    CheckRoundTrip(parsed.plan(), shown);
    return;
  }
  const sim::FaultPlanError& error = parsed.error();
  if (error.column < 1 || error.column > text.size() + 1) {
    ReportFinding(kTarget, "the error's column lies outside the text",
                  shown + "\nerror: " + error.ToString() +
                      "\ntext size: " + std::to_string(text.size()));
  }
  // Messages quote at most a few dozen bytes of the input: a long input
  // must not make a long message.
  if (error.message.empty() || error.message.size() > 600) {
    ReportFinding(kTarget, "the error message is empty or unbounded",
                  shown + "\nmessage (" + std::to_string(error.message.size()) +
                      " bytes): " + error.message);
  }
  const std::string caret = error.FormatWithCaret(text);
  if (caret.size() > 3 * text.size() + error.message.size() + 64) {
    ReportFinding(kTarget, "FormatWithCaret grew out of proportion",
                  shown + "\n" + caret);
  }
}

// A duration or size as a whole number of some unit, or raw bits.
template <typename T>
T Number(FuzzInput& input, bool tidy) {
  static constexpr std::uint64_t kUnits[] = {
      1, 1000, 1000000, 1000000000, 1024, 1024 * 1024, 1024 * 1024 * 1024ULL};
  switch (input.ConsumeInt(0, 2)) {
    case 0:
      return input.ConsumeInt<T>(0, 1100);
    case 1: {
      const std::uint64_t unit =
          kUnits[input.ConsumeInt<std::size_t>(0, std::size(kUnits) - 1)];
      return static_cast<T>(input.ConsumeInt<std::uint64_t>(0, 1100) * unit);
    }
    default:
      return input.ConsumeInt<T>(tidy ? T{0} : std::numeric_limits<T>::min(),
                                 std::numeric_limits<T>::max());
  }
}

std::uint32_t Rate(FuzzInput& input, bool tidy) {
  return tidy ? input.ConsumeInt<std::uint32_t>(0, 1000000)
              : input.ConsumeInt<std::uint32_t>(0, 0xffffffffU);
}

sim::LinkOptions DecodeLink(FuzzInput& input, bool tidy) {
  sim::LinkOptions link;
  link.latency_shape =
      static_cast<sim::LatencyShape>(input.ConsumeInt(0, tidy ? 2 : 3));
  link.latency_ns_min = Number<std::int64_t>(input, tidy);
  link.latency_ns_max = Number<std::int64_t>(input, tidy);
  link.latency_ns_mean = Number<std::int64_t>(input, tidy);
  if (tidy) {
    if (link.latency_shape != sim::LatencyShape::kUniform) {
      link.latency_ns_max = 0;
    } else if (link.latency_ns_max < link.latency_ns_min) {
      link.latency_ns_max = link.latency_ns_min;
    }
    if (link.latency_shape != sim::LatencyShape::kExponential) {
      link.latency_ns_mean = 0;
    }
  }
  link.tail_per_million = Rate(input, tidy);
  link.tail_latency_ns = Number<std::int64_t>(input, tidy);
  link.bandwidth_bytes_per_second = Number<std::uint64_t>(input, tidy);
  link.segment_bytes_min = Number<std::uint64_t>(input, tidy);
  link.segment_bytes_max = Number<std::uint64_t>(input, tidy);
  if (tidy && link.segment_bytes_max < link.segment_bytes_min) {
    link.segment_bytes_max = link.segment_bytes_min;
  }
  if (tidy && link.segment_bytes_min == 0) link.segment_bytes_max = 0;
  link.coalesce = input.ConsumeBool();
  link.read_bytes_max = Number<std::uint64_t>(input, tidy);
  link.window_bytes = Number<std::uint64_t>(input, tidy);
  link.close_delay_ns = Number<std::int64_t>(input, tidy);
  return link;
}

sim::FaultPlan DecodePlan(FuzzInput& input) {
  const bool tidy = input.ConsumeBool();
  sim::FaultPlan plan;
  if (input.ConsumeBool()) plan.a_to_b = DecodeLink(input, tidy);
  if (input.ConsumeBool()) {
    plan.b_to_a = plan.a_to_b;
  } else if (input.ConsumeBool()) {
    plan.b_to_a = DecodeLink(input, tidy);
  }
  const int faults = input.ConsumeInt(0, 4);
  for (int i = 0; i < faults; ++i) {
    sim::FaultRule rule;
    // Untidy: one past the last named kind too.
    const int last_kind = static_cast<int>(sim::kFaultKinds.size()) - 1;
    rule.kind = static_cast<sim::FaultKind>(
        input.ConsumeInt(0, tidy ? last_kind : last_kind + 1));
    rule.direction =
        static_cast<sim::Direction>(input.ConsumeInt(0, tidy ? 1 : 2));
    rule.trigger.type =
        static_cast<sim::FaultTrigger::Type>(input.ConsumeInt(0, tidy ? 2 : 3));
    rule.trigger.at_ns = Number<std::int64_t>(input, tidy);
    rule.trigger.after_bytes = Number<std::uint64_t>(input, tidy);
    rule.trigger.per_million = Rate(input, tidy);
    rule.duration_ns = Number<std::int64_t>(input, tidy);
    if (tidy) {
      using Type = sim::FaultTrigger::Type;
      if (rule.trigger.type != Type::kAtTime) rule.trigger.at_ns = 0;
      if (rule.trigger.type != Type::kAfterBytes) rule.trigger.after_bytes = 0;
      if (rule.trigger.type != Type::kProbability) rule.trigger.per_million = 0;
      if (!sim::Info(rule.kind).needs_duration) {
        rule.duration_ns = 0;
      }
    }
    plan.faults.push_back(rule);
  }
  return plan;
}

void CheckStructured(const std::uint8_t* data, std::size_t size) {
  FuzzInput input(data, size);
  const sim::FaultPlan plan = DecodePlan(input);
  sim::PrintFaultPlan(plan);  // whatever the plan holds: must not crash
  if (!sim::ValidateFaultPlan(plan).has_value()) {
    CheckRoundTrip(plan, "a plan built from the input's bytes");
  } else {
    const sim::FaultPlan clamped = sim::ClampToValid(plan);
    if (const std::optional<std::string> invalid =
            sim::ValidateFaultPlan(clamped)) {
      ReportFinding(
          kTarget, "ClampToValid returned a plan the validator refuses",
          "validator: " + *invalid + "\nplan:\n" + sim::DebugFields(plan) +
              "clamped:\n" + sim::DebugFields(clamped));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  CheckText(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckStructured(data, size);
  return 0;
}
