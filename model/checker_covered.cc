// model/checker_covered.cc: the history checker compiled a second time, for
// //model:checker_covered (see model/BUILD.bazel). Nothing but the include:
// the code, and every file:line of a report, stay model/checker.cc's.
#include "model/checker.cc"  // IWYU pragma: keep
