// flow/check.h: FLOWCHECK_CHECK, the project's assertion for broken
// preconditions.
//
// A failed check is a bug in the caller (slicing past the end of a Buffer,
// reading the Data of an Eof result, ...), never a reportable outcome of a
// flow under test: it prints the condition, file, line and message to stderr
// and aborts. It is active in every build mode: flowcheck's checks are cheap
// and a silently wrong certificate is worse than a crash.
#ifndef FLOWCHECK_FLOW_CHECK_H_
#define FLOWCHECK_FLOW_CHECK_H_

#include <string_view>

namespace flowcheck::internal {

// Prints "file:line: check failed: condition: message" and aborts.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              std::string_view message);

}  // namespace flowcheck::internal

#define FLOWCHECK_CHECK(condition, message)                              \
  do {                                                                   \
    if (!(condition)) {                                                  \
      ::flowcheck::internal::CheckFailed(__FILE__, __LINE__, #condition, \
                                         (message));                     \
    }                                                                    \
  } while (false)

#endif  // FLOWCHECK_FLOW_CHECK_H_
