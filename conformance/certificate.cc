#include "conformance/certificate.h"

#include "flow/check.h"

namespace flowcheck::conformance {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kNotApplicable:
      return "NOT APPLICABLE";
    case Verdict::kCrash:
      return "CRASH";
    case Verdict::kNotReached:
      return "NOT REACHED";
  }
  return "?";
}

std::uint64_t SeedRange::size() const {
  const std::uint64_t span = last - first;
  return span == UINT64_MAX ? UINT64_MAX : span + 1;
}

std::string FormatSeedRange(const SeedRange& range) {
  if (range.first == range.last) return std::to_string(range.first);
  return std::to_string(range.first) + ".." + std::to_string(range.last);
}

bool Certificate::passed() const {
  if (!crashes.empty()) return false;
  for (const ClauseResult& clause : clauses) {
    if (clause.verdict == Verdict::kFail || clause.verdict == Verdict::kCrash)
      return false;
  }
  return true;
}

std::vector<Clause> Certificate::failed_clauses() const {
  std::vector<Clause> failed;
  for (const ClauseResult& clause : clauses) {
    if (clause.verdict == Verdict::kFail) failed.push_back(clause.clause);
  }
  return failed;
}

const ClauseResult& Certificate::result(Clause clause) const {
  for (const ClauseResult& result : clauses) {
    if (result.clause == clause) return result;
  }
  FLOWCHECK_CHECK(false, "Certificate without a result for a clause");
  return clauses.front();
}

}  // namespace flowcheck::conformance
