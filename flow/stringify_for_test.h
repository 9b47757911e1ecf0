// flow/stringify_for_test.h: calls a type's AbslStringify hook with a local
// sink, so tests can check the hook although Debian's Abseil (20220623)
// predates AbslStringify support in absl::StrCat.
#ifndef FLOWCHECK_FLOW_STRINGIFY_FOR_TEST_H_
#define FLOWCHECK_FLOW_STRINGIFY_FOR_TEST_H_

#include <string>
#include <string_view>

namespace flowcheck::testing {

struct StringSink {
  void Append(std::string_view text) { out.append(text); }
  void Append(std::size_t count, char c) { out.append(count, c); }
  std::string out;
};

// What absl::StrCat(value) prints with an Abseil that supports AbslStringify.
template <typename T>
std::string Stringify(const T& value) {
  StringSink sink;
  AbslStringify(sink, value);
  return sink.out;
}

}  // namespace flowcheck::testing

#endif  // FLOWCHECK_FLOW_STRINGIFY_FOR_TEST_H_
