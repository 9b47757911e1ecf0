// tools/shell_words.h: command lines as /bin/sh reads them -- quoting one
// word for a replay line, and splitting a replay line back into words.
//
// ShellSplit(ShellQuote(w)) is {w} for every string w; that is what makes a
// printed replay line (a --plan, --driver or --relay with spaces and
// quotes, a path) read back exactly. Pure functions; any thread.
#ifndef FLOWCHECK_TOOLS_SHELL_WORDS_H_
#define FLOWCHECK_TOOLS_SHELL_WORDS_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flowcheck::tools {

// `text` as one shell word: in single quotes, each ' as '\''. Never fails.
std::string ShellQuote(std::string_view text);

// `line` split into words as /bin/sh would (single quotes, double quotes
// with backslash escapes, backslashes outside quotes, a backslash-newline
// joins lines; no expansions), or a sentence saying what is wrong:
// "unterminated ' quote at character 40", or an unquoted operator (; | & <
// > ( ) #, a backquote or $) that a replay line never holds and sh would
// not pass on as part of a word.
std::variant<std::vector<std::string>, std::string> ShellSplit(
    std::string_view line);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_SHELL_WORDS_H_
