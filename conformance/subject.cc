#include "conformance/subject.h"

namespace flowcheck::conformance {

std::string_view EvidenceName(Evidence evidence) {
  switch (evidence) {
    case Evidence::kExact:
      return "exact (simulated: the run proved nothing more could happen)";
    case Evidence::kCompleted:
      return "completed in real time (every run ended by itself before its "
             "watchdog)";
    case Evidence::kNone:
      return "none (no judged case ran to its end)";
    case Evidence::kBounded:
      break;
  }
  return "bounded (a run was stopped by its time limit; what was pending "
         "then was judged as if final)";
}

std::string_view EvidenceKey(Evidence evidence) {
  switch (evidence) {
    case Evidence::kExact:
      return "exact";
    case Evidence::kCompleted:
      return "completed";
    case Evidence::kNone:
      return "none";
    case Evidence::kBounded:
      break;
  }
  return "bounded";
}

}  // namespace flowcheck::conformance
