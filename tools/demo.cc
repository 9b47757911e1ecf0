#include "tools/demo.h"

#include <string>
#include <vector>

#include "model/checker.h"
#include "model/history_gen.h"
#include "sim/random.h"

namespace flowcheck {
namespace {

// The next choice of the sequence one seed turns into (the project's one
// SplitMix64, sim/random.h).
std::uint32_t NextChoice(std::uint64_t& state) {
  return static_cast<std::uint32_t>(sim::SplitMix64(state));
}

}  // namespace

int RunDemo(std::uint64_t seed, bool verbose, std::ostream& out) {
  std::uint64_t state = seed;
  std::vector<std::uint32_t> choices(300);
  for (std::uint32_t& choice : choices) choice = NextChoice(state);
  ChoiceSource source(choices);
  const Script script = GenerateLegalScript(source, 120);
  const History history = BuildHistory(script);
  const CheckResult legal = CheckHistory(history);

  out << "flowcheck demo, seed " << seed << "\n\n"
      << "A legal conversation between endpoints A and B, generated from the "
         "contract's state machine ("
      << history.operations().size() << " operations):\n\n";
  if (verbose) {
    out << history.ToString() << "\n";
  } else {
    int shown = 0;
    for (const Operation& op : history.operations()) {
      if (shown++ == 12) {
        out << "  ... (--verbose prints the whole history)\n";
        break;
      }
      out << "  " << op.ToString() << "\n";
    }
    out << "\n";
  }
  out << "checker verdict: "
      << (legal.ok() ? "all MUST clauses hold" : "VIOLATIONS") << "\n";
  if (!legal.ok()) out << legal.ToString();

  out << "\nThe same conversation, broken on purpose:\n\n";
  int missed = legal.ok() ? 0 : 1;
  for (Mutation mutation : kAllMutations) {
    std::vector<std::uint32_t> where = {NextChoice(state), NextChoice(state)};
    ChoiceSource where_source(where);
    const auto mutated = Mutate(script, mutation, where_source);
    std::string name(MutationName(mutation));
    name.resize(28, ' ');
    if (!mutated) {
      out << "  " << name << "  (no place to apply it in this history)\n";
      continue;
    }
    const CheckResult result = CheckHistory(BuildHistory(mutated->script));
    bool caught = false;
    for (Clause clause : mutated->expected) caught |= result.Violates(clause);
    if (!caught) ++missed;
    out << "  " << name << "  " << (caught ? "caught: " : "MISSED: ")
        << (result.ok() ? std::string("no violation")
                        : result.violations[0].ToString())
        << "\n";
  }
  out << "\n"
      << (missed == 0 ? "Every corruption was caught and named by its clause."
                      : "Some corruption was not caught: this is a flowcheck "
                        "bug; please report the seed.")
      << "\n";
  return missed == 0 ? 0 : 1;
}

}  // namespace flowcheck
