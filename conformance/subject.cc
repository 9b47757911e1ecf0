#include "conformance/subject.h"

namespace flowcheck::conformance {

std::string_view EvidenceName(Evidence evidence) {
  return evidence == Evidence::kExact
             ? "exact (the run proved nothing more could happen)"
             : "bounded (the run was stopped by a time limit)";
}

}  // namespace flowcheck::conformance
