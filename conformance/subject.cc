#include "conformance/subject.h"

namespace flowcheck::conformance {

std::string_view EvidenceName(Evidence evidence) {
  return evidence == Evidence::kExact ? "exact (simulated quiescence)"
                                      : "bounded (real-time watchdog)";
}

}  // namespace flowcheck::conformance
