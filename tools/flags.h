// tools/flags.h: the flag syntax of every flowcheck command, parsed in one
// place.
//
// A flag is "--name", "--name=value" or "--name value" (the value is then
// the next argument). Each command passes its own table of flags; ParseFlags
// splits the arguments against it and either returns every flag in order or
// one sentence, naming the flag, that says what is wrong. The caller turns
// that sentence into its usage error (exit status 2). Pure functions with no
// global state: callable from any thread.
#ifndef FLOWCHECK_TOOLS_FLAGS_H_
#define FLOWCHECK_TOOLS_FLAGS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flowcheck::tools {

// One row of a command's flag table.
struct FlagSpec {
  std::string_view name;  // with its dashes: "--flow", "-h"
  bool takes_value = false;
};

// One flag as given on the command line.
struct Flag {
  std::string_view name;  // the table's spelling, e.g. "--flow"
  std::string value;      // never empty for a flag that takes a value;
                          // empty for one that does not
};

// ParseFlags()
//
// On success, the flags of `args` in the order given. A usage error (the
// returned string) for: an unknown flag or a stray argument; a value given
// to a flag that takes none ("--quiet=1"); a flag that takes a value given
// none, an empty one ("--mutant="), or, when the value would be the next
// argument, a next argument that is itself a flag ("--flow --quiet").
// A value that starts with '-' is fine after '=' ("--output=-").
std::variant<std::vector<Flag>, std::string> ParseFlags(
    std::span<const std::string_view> args, std::span<const FlagSpec> specs);

// ParseWholeNumber()
//
// True, with `value` set, if `text` is a decimal number from 0 to `max`
// (digits only: no sign, no spaces, no exponent). False otherwise, and
// `value` is left untouched.
bool ParseWholeNumber(std::string_view text, std::uint64_t max,
                      std::uint64_t& value);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_FLAGS_H_
