// model/history_gen.h: legal histories by construction, and ways to break
// them -- for the checker's property tests and fuzz targets.
//
// GenerateLegalScript() drives a ConnectionModel with a sequence of choices
// (ChoiceSource: the Hypothesis / RapidCheck "choice sequence" idea, so a
// fuzzer's bytes or a shrinking generator's integers both work) and writes
// down what a correct flow may do: writes and writevs of 0..16 bytes,
// up to two overlapping reads per endpoint that complete with any legal
// split of the in-flight bytes, Eof after the peer's close and drain,
// closes that return once the peer has closed. It ends quiescent: nothing
// pending could ever complete.
//
// Mutate() applies one named corruption to a legal script and says which
// clause(s) the checker must then report.
#ifndef FLOWCHECK_MODEL_HISTORY_GEN_H_
#define FLOWCHECK_MODEL_HISTORY_GEN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flow/result.h"
#include "model/clause.h"
#include "model/history.h"

namespace flowcheck {

// Values in [0, bound) taken from a fixed sequence; 0 once it runs out, so
// any sequence (also an empty one) gives a finite, legal script.
class ChoiceSource {
 public:
  explicit ChoiceSource(std::span<const std::uint32_t> choices)
      : choices_(choices) {}
  std::uint32_t Next(std::uint32_t bound) {
    if (bound <= 1 || used_ >= choices_.size()) return 0;
    return choices_[used_++] % bound;
  }
  bool exhausted() const { return used_ >= choices_.size(); }

 private:
  std::span<const std::uint32_t> choices_;
  std::size_t used_ = 0;
};

// GeneratedByte()
//
// The byte at `offset` of the stream `side` writes in generated scripts.
// Neighbouring bytes always differ, and within the first
// kGeneratedUniquePairsBytes bytes no pair of neighbours occurs twice, so
// any two bytes read pin down where they were written: a read that is
// duplicated, shortened or moved cannot pass for another part of the
// stream. (A pattern that repeated every 256 bytes let a 256-byte read,
// duplicated, read like the next 256 bytes; found by
// fuzz/history_checker_fuzzer.) Generated scripts stay far below that
// length (at most 16 bytes per step).
inline constexpr std::uint64_t kGeneratedUniquePairsBytes = 128 * 256;
char GeneratedByte(Side side, std::uint64_t offset);

// PatternByte(), PatternBytes()
//
// The one byte pattern every test, program, scenario, fuzzer and benchmark
// writes: byte `offset` of the stream `side` writes under `seed`. It is
// GeneratedByte's stream, shifted per 32 KiB block and per seed, so no pair
// of neighbouring bytes repeats within 32 KiB and the whole repeats only
// after 8 MiB -- a flow that drops or repeats exactly one period of bytes
// cannot pass for a correct one -- and streams of different seeds (mod 97)
// or sides differ at every offset. PatternBytes returns bytes
// [offset, offset + size) of that stream.
char PatternByte(std::uint64_t seed, Side side, std::uint64_t offset);
std::string PatternBytes(std::uint64_t seed, Side side, std::uint64_t offset,
                         std::size_t size);

// One event of a script: an invocation, a completion or a fault.
struct ScriptEvent {
  enum class Type { kInvoke, kComplete };
  Type type = Type::kInvoke;
  int op = 0;  // operation number, in invocation order
  Side side = Side::kA;
  OpKind kind = OpKind::kRead;
  std::vector<std::string> args;  // kInvoke of write/writev
  // kComplete of a read:
  ReadResult::Kind read_kind = ReadResult::Kind::kData;
  std::string data;
  // kComplete of a write/writev:
  WriteResult::Kind write_kind = WriteResult::Kind::kOk;
};

struct Script {
  std::vector<ScriptEvent> events;
  HistoryEnd end = HistoryEnd::kQuiescent;
  // A readable listing, one event per line.
  std::string ToString() const;
};

// A legal script of about `steps` actions drawn from `choices`.
Script GenerateLegalScript(ChoiceSource& choices, int steps);

// The History that `script` describes (times: 1 microsecond per event).
History BuildHistory(const Script& script);

enum class Mutation {
  kFlipByte,          // change one byte of a Data read       -> R4 or W3
  kDropByte,          // drop a byte that a later read follows -> R4 or W3
  kDuplicateRead,     // deliver a Data read's bytes twice      -> R4 or W3
  kSwapBytes,         // swap two different adjacent bytes      -> R4 or W3
  kEmptyData,         // a Data read returns 0 bytes            -> R2
  kEarlyEof,          // Eof before the peer closed             -> R6 or C3
  kEofBeforeDrain,    // Eof after the close, data in flight    -> R5
  kSpuriousError,     // a read fails with no fault       -> R1, C2 or C3
  kOkAfterClose,      // a write after close returns Ok         -> W2
  kEarlyCloseReturn,  // close returns before the peer closed   -> C4
};

inline constexpr Mutation kAllMutations[] = {
    Mutation::kFlipByte,       Mutation::kDropByte,
    Mutation::kDuplicateRead,  Mutation::kSwapBytes,
    Mutation::kEmptyData,      Mutation::kEarlyEof,
    Mutation::kEofBeforeDrain, Mutation::kSpuriousError,
    Mutation::kOkAfterClose,   Mutation::kEarlyCloseReturn};

std::string_view MutationName(Mutation mutation);

struct Mutated {
  Script script;
  std::vector<Clause> expected;  // the checker must report one of these
};

// Applies `mutation` at a place picked by `choices` among those where it
// applies; nullopt if there is no such place in `script`.
std::optional<Mutated> Mutate(const Script& script, Mutation mutation,
                              ChoiceSource& choices);

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_HISTORY_GEN_H_
