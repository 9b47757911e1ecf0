// tools/demo.h: `flowcheck demo`, a tour of the model checker.
//
// Generates one legal conversation from a seed (model/history_gen.h), shows
// the checker accepting it, then breaks it in each of the ways
// history_gen knows and shows the clause the checker names for each.
#ifndef FLOWCHECK_TOOLS_DEMO_H_
#define FLOWCHECK_TOOLS_DEMO_H_

#include <cstdint>
#include <ostream>

namespace flowcheck {

// Runs the demo for `seed`, writing to `out`. Returns 0 if every corruption
// was caught with its clause and the legal history was accepted, 1
// otherwise (which would be a bug in flowcheck).
int RunDemo(std::uint64_t seed, bool verbose, std::ostream& out);

}  // namespace flowcheck

#endif  // FLOWCHECK_TOOLS_DEMO_H_
