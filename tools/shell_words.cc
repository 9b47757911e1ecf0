#include "tools/shell_words.h"

namespace flowcheck::tools {

// `text` as one shell word: in single quotes, each ' as '\''.
std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::variant<std::vector<std::string>, std::string> ShellSplit(
    std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const std::size_t end = line.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return "unterminated ' quote at character " + std::to_string(i + 1);
      }
      word += line.substr(i + 1, end - i - 1);
      in_word = true;
      i = end;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() &&
            std::string_view("\"\\$`").find(line[j + 1]) !=
                std::string_view::npos) {
          ++j;
        }
        word += line[j];
      }
      if (j >= line.size()) {
        return "unterminated \" quote at character " + std::to_string(i + 1);
      }
      in_word = true;
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) {
        return "a backslash ends the line";
      }
      if (line[i + 1] == '\n') {  // a continued line
        ++i;
        continue;
      }
      word += line[++i];
      in_word = true;
    } else if (std::string_view(";|&<>()#`$").find(c) !=
               std::string_view::npos) {
      return std::string("an unquoted '") + c + "' at character " +
             std::to_string(i + 1) +
             ": the shell would not pass it on as part of a word (quote it)";
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace flowcheck::tools
