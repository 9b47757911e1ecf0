// fuzz/history_checker_fuzzer.cc: the history checker (model/checker.h) on
// histories built from the input's bytes.
//
// The first byte picks one of three modes; the rest are choices
// (fuzz/fuzz_input.h):
//  0. Arbitrary: a history of up to 96 events -- invocations of read, write,
//     writev and close on either side (written buffers of any bytes),
//     completions of any pending operation with any result (empty Data,
//     Eof, errors with or without a description, Closed), faults with any
//     effects, changes to the bytes of a written or returned buffer after
//     the fact, at arbitrary times -- ended quiescent, cut off, or left
//     open. The checker must not crash, must judge the same history the
//     same way twice, and its result must keep its own contract: violations
//     earliest evidence first, each naming existing operations and
//     explaining itself, ok() exactly when there is none.
//  1. Legal: GenerateLegalScript (model/history_gen.h) driven by the bytes
//     as choices. The checker must accept the history.
//  2. Mutated: a legal script, then one Mutate() corruption picked by the
//     bytes. When the corruption applies, the checker must reject the
//     history with one of the clauses Mutate() expects -- unless it said
//     in a note that it could not judge the direction (its documented
//     search bound).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/buffer.h"
#include "flow/result.h"
#include "fuzz/finding.h"
#include "fuzz/fuzz_input.h"
#include "model/checker.h"
#include "model/history.h"
#include "model/history_gen.h"

namespace {

using flowcheck::Buffer;
using flowcheck::CheckHistory;
using flowcheck::CheckResult;
using flowcheck::Duration;
using flowcheck::History;
using flowcheck::OpKind;
using flowcheck::Side;
using flowcheck::fuzz::FuzzInput;
using flowcheck::fuzz::ReportFinding;

constexpr std::string_view kTarget = "history_checker_fuzzer";
constexpr int kMaxEvents = 96;
constexpr int kMaxLegalSteps = 200;

// A buffer whose bytes the builder can still change (as a misbehaving flow
// or caller would), sharing storage with what was handed over.
struct Scribble {
  std::shared_ptr<std::string> storage;
};

Buffer Mutable(std::string bytes, std::vector<Scribble>& scribbles) {
  auto storage = std::make_shared<std::string>(std::move(bytes));
  const std::size_t size = storage->size();
  scribbles.push_back({storage});
  return Buffer::Adopt(storage, 0, size);
}

flowcheck::Error AnyError(FuzzInput& input) {
  const auto code = static_cast<flowcheck::ErrorCode>(input.ConsumeInt(0, 5));
  return flowcheck::Error(code, input.ConsumeBool() ? "" : "fuzzed failure");
}

History BuildArbitraryHistory(FuzzInput& input) {
  History history;
  std::vector<int> pending;  // ids of operations not yet completed
  std::vector<Scribble> scribbles;
  const int events = input.ConsumeInt(0, kMaxEvents);
  for (int event = 0; event < events && !input.exhausted(); ++event) {
    const Duration time(input.ConsumeInt<std::int64_t>(0, 1 << 20));
    const Side side = input.ConsumeBool() ? Side::kB : Side::kA;
    switch (input.ConsumeInt(0, 4)) {
      case 0: {  // invoke
        const auto kind = static_cast<OpKind>(input.ConsumeInt(0, 3));
        std::vector<Buffer> args;
        if (kind == OpKind::kWrite) {
          args.push_back(Mutable(input.ConsumeBytes(24), scribbles));
        } else if (kind == OpKind::kWritev) {
          const int parts = input.ConsumeInt(0, 4);
          for (int i = 0; i < parts; ++i) {
            args.push_back(Mutable(input.ConsumeBytes(12), scribbles));
          }
        }
        pending.push_back(history.Invoke(side, kind, std::move(args), time,
                                         input.ConsumeBool() ? "t1" : ""));
        break;
      }
      case 1: {  // complete a pending operation
        if (pending.empty()) break;
        const std::size_t index =
            input.ConsumeInt<std::size_t>(0, pending.size() - 1);
        const int id = pending[index];
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(index));
        switch (history.operation(id).kind) {
          case OpKind::kRead:
            switch (input.ConsumeInt(0, 2)) {
              case 0:
                history.CompleteRead(id,
                                     flowcheck::ReadResult::Data(Mutable(
                                         input.ConsumeBytes(24), scribbles)),
                                     time);
                break;
              case 1:
                history.CompleteRead(id, flowcheck::ReadResult::Eof(), time);
                break;
              default:
                history.CompleteRead(
                    id, flowcheck::ReadResult::Failure(AnyError(input)), time);
                break;
            }
            break;
          case OpKind::kWrite:
          case OpKind::kWritev:
            switch (input.ConsumeInt(0, 2)) {
              case 0:
                history.CompleteWrite(id, flowcheck::WriteResult::Ok(), time);
                break;
              case 1:
                history.CompleteWrite(id, flowcheck::WriteResult::Closed(),
                                      time);
                break;
              default:
                history.CompleteWrite(
                    id, flowcheck::WriteResult::Failure(AnyError(input)), time);
                break;
            }
            break;
          case OpKind::kClose:
            history.CompleteClose(id, time);
            break;
        }
        break;
      }
      case 2: {  // a fault with any effects
        flowcheck::FaultEffects effects;
        effects.may_fail = input.ConsumeBool();
        effects.may_hang = input.ConsumeBool();
        effects.may_lose_data = input.ConsumeBool();
        effects.may_end = input.ConsumeBool();
        effects.connection_broken = input.ConsumeBool();
        history.AddFault(side, "fuzzed fault", effects, time);
        break;
      }
      case 3: {  // change a buffer after it was handed over (W4, R3)
        if (scribbles.empty()) break;
        std::string& bytes =
            *scribbles[input.ConsumeInt<std::size_t>(0, scribbles.size() - 1)]
                 .storage;
        if (bytes.empty()) break;
        bytes[input.ConsumeInt<std::size_t>(0, bytes.size() - 1)] ^=
            static_cast<char>(input.ConsumeInt(1, 255));
        break;
      }
      default:  // nothing this time: lets operations overlap longer
        break;
    }
  }
  switch (input.ConsumeInt(0, 2)) {
    case 0:
      history.End(flowcheck::HistoryEnd::kQuiescent, Duration(1 << 21));
      break;
    case 1:
      history.End(flowcheck::HistoryEnd::kCutOff, Duration(1 << 21));
      break;
    default:  // left open: judged as cut off
      break;
  }
  return history;
}

void CheckArbitrary(FuzzInput& input) {
  const History history = BuildArbitraryHistory(input);
  const CheckResult result = CheckHistory(history);
  const std::string text = result.ToString();
  const std::string details =
      "history:\n" + history.ToString() + "verdict:\n" + text;
  if (CheckHistory(history).ToString() != text) {
    ReportFinding(kTarget, "the checker judged one history two ways", details);
  }
  if (result.ok() != result.violations.empty()) {
    ReportFinding(kTarget, "ok() disagrees with the list of violations",
                  details);
  }
  const auto operations = static_cast<int>(history.operations().size());
  for (std::size_t i = 0; i < result.violations.size(); ++i) {
    const flowcheck::Violation& violation = result.violations[i];
    if (i > 0 && violation.seq < result.violations[i - 1].seq) {
      ReportFinding(kTarget, "violations are not earliest evidence first",
                    details);
    }
    if (violation.explanation.empty()) {
      ReportFinding(kTarget, "a violation without an explanation", details);
    }
    for (int id : violation.operations) {
      if (id < 0 || id >= operations) {
        ReportFinding(kTarget,
                      "a violation names operation #" + std::to_string(id) +
                          ", which the history does not have",
                      details);
      }
    }
  }
}

// The rest of the input as one choice per byte.
std::vector<std::uint32_t> Choices(FuzzInput& input) {
  const auto rest = input.Rest();
  return std::vector<std::uint32_t>(rest.begin(), rest.end());
}

void CheckLegal(FuzzInput& input) {
  const int steps = input.ConsumeInt(1, kMaxLegalSteps);
  const std::vector<std::uint32_t> choices = Choices(input);
  flowcheck::ChoiceSource source(choices);
  const flowcheck::Script script =
      flowcheck::GenerateLegalScript(source, steps);
  const CheckResult result = CheckHistory(flowcheck::BuildHistory(script));
  if (!result.ok()) {
    ReportFinding(
        kTarget,
        "the checker rejected a history that is legal by "
        "construction",
        "script:\n" + script.ToString() + "verdict:\n" + result.ToString());
  }
}

void CheckMutated(FuzzInput& input) {
  const int steps = input.ConsumeInt(1, kMaxLegalSteps);
  const flowcheck::Mutation mutation =
      flowcheck::kAllMutations[input.ConsumeInt<std::size_t>(
          0, std::size(flowcheck::kAllMutations) - 1)];
  const std::vector<std::uint32_t> where = {
      input.ConsumeInt<std::uint32_t>(0, 0xffff),
      input.ConsumeInt<std::uint32_t>(0, 0xffff)};
  const std::vector<std::uint32_t> choices = Choices(input);
  flowcheck::ChoiceSource source(choices);
  const flowcheck::Script script =
      flowcheck::GenerateLegalScript(source, steps);
  flowcheck::ChoiceSource where_source(where);
  const std::optional<flowcheck::Mutated> mutated =
      flowcheck::Mutate(script, mutation, where_source);
  if (!mutated.has_value()) return;  // nowhere to apply it
  const CheckResult result =
      CheckHistory(flowcheck::BuildHistory(mutated->script));
  for (flowcheck::Clause clause : mutated->expected) {
    if (result.Violates(clause)) return;
  }
  if (!result.notes.empty()) return;  // the checker said it could not judge
  std::string expected;
  for (flowcheck::Clause clause : mutated->expected) {
    expected += " " + std::string(flowcheck::ClauseId(clause));
  }
  ReportFinding(kTarget,
                "the checker missed a corruption (" +
                    std::string(flowcheck::MutationName(mutation)) +
                    "): expected a violation of one of" + expected,
                "legal script:\n" + script.ToString() + "mutated script:\n" +
                    mutated->script.ToString() + "verdict:\n" +
                    result.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzInput input(data, size);
  switch (input.ConsumeInt(0, 2)) {
    case 0:
      CheckArbitrary(input);
      break;
    case 1:
      CheckLegal(input);
      break;
    default:
      CheckMutated(input);
      break;
  }
  return 0;
}
