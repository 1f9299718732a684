#include "diagnostic.hpp"

#include <algorithm>
#include <cctype>

#include "cubie/core/error.hpp"

namespace cubie::models::detail {
namespace {

std::string_view line_of(std::string_view text, int line) {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  std::size_t end = text.find('\n', start);
  std::string_view out = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

// Spaces up to the column, keeping tabs so the caret lines up under the quoted line.
std::string caret_padding(std::string_view line, int column) {
  std::string pad;
  int col = 1;
  for (char ch : line) {
    if (col >= column) break;
    if ((static_cast<unsigned char>(ch) & 0xC0) == 0x80) continue;  // UTF-8 continuation
    pad.push_back(ch == '\t' ? '\t' : ' ');
    ++col;
  }
  pad.append(static_cast<std::size_t>(std::max(0, column - col)), ' ');
  return pad;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string format_diagnostic(const text_source& source, source_position at, std::string_view what,
                              std::string_view note, std::string_view severity) {
  std::string out = source.name;
  if (at.line > 0) {
    out += ':' + std::to_string(at.line) + ':' + std::to_string(at.column);
  }
  out += ": ";
  out += severity;
  out += ": ";
  out += what;
  if (at.line > 0) {
    std::string number = std::to_string(at.line);
    std::string gutter(number.size(), ' ');
    std::string_view line = line_of(source.text, at.line);
    out += "\n " + number + " | " + std::string(line);
    out += "\n " + gutter + " | " + caret_padding(line, at.column) + '^';
  }
  if (!note.empty()) {
    out += "\nnote: ";
    out += note;
  }
  return out;
}

void fail(const text_source& source, source_position at, std::string_view what, std::string_view note) {
  throw model_error(format_diagnostic(source, at, what, note));
}

std::vector<std::string> close_matches(std::string_view name, const std::vector<std::string>& candidates) {
  std::size_t limit = name.size() <= 2 ? 1 : (name.size() <= 5 ? 2 : 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(name, c);
    if (d <= limit && d < std::max(name.size(), c.size())) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string> matches = close_matches(name, candidates);
  if (matches.empty()) return {};
  std::string out = "; did you mean ";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (i) out += (i + 1 == matches.size()) ? " or " : ", ";
    out += '\'' + matches[i] + '\'';
  }
  return out + '?';
}

std::string quoted_list(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += '\'' + names[i] + '\'';
  }
  return out;
}

}  // namespace cubie::models::detail
