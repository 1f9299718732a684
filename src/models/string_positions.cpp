#include "string_positions.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace cubie::models::detail {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Walks the raw text of a string literal, tracking the file position of each byte.
class raw_cursor {
 public:
  raw_cursor(std::string_view text, std::size_t offset, source_position at) : text_(text), offset_(offset), at_(at) {}

  [[nodiscard]] bool done() const { return offset_ >= text_.size(); }
  [[nodiscard]] char peek(std::size_t ahead = 0) const {
    return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
  }
  [[nodiscard]] bool starts_with(std::string_view s) const { return text_.substr(offset_).starts_with(s); }
  [[nodiscard]] source_position position() const {
    return is_continuation(peek()) ? source_position{at_.line, at_.column - 1} : at_;
  }
  void advance() {
    char c = peek();
    ++offset_;
    if (c == '\n') {
      ++at_.line;
      at_.column = 1;
    } else if (!is_continuation(c)) {
      ++at_.column;
    }
  }
  void advance(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) advance();
  }
  [[nodiscard]] bool at_newline() const { return peek() == '\n' || (peek() == '\r' && peek(1) == '\n'); }
  void skip_newline() { advance(peek() == '\r' ? 2 : 1); }

 private:
  std::string_view text_;
  std::size_t offset_;
  source_position at_;
};

std::optional<std::size_t> offset_of(std::string_view text, source_position at) {
  std::size_t offset = 0;
  for (int line = 1; line < at.line; ++line) {
    std::size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) return std::nullopt;
    offset = nl + 1;
  }
  for (int col = 1; col < at.column; ++col) {
    if (offset >= text.size() || text[offset] == '\n') return std::nullopt;
    ++offset;
    while (offset < text.size() && is_continuation(text[offset])) ++offset;
  }
  return offset;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char simple_escape(char c) {
  switch (c) {
    case 'b': return '\b';
    case 't': return '\t';
    case 'n': return '\n';
    case 'f': return '\f';
    case 'r': return '\r';
    case 'e': return '\x1B';
    case '"': return '"';
    case '\\': return '\\';
    default: return '\0';
  }
}

// Replays the literal's raw text, producing the value and each byte's position.
bool replay(raw_cursor& cur, std::string_view value, std::string& produced, std::vector<source_position>& where) {
  bool basic = cur.peek() == '"';
  bool multiline = cur.starts_with("\"\"\"") || cur.starts_with("'''");
  cur.advance(multiline ? 3 : 1);
  if (multiline && cur.at_newline()) cur.skip_newline();  // TOML trims the newline after the opening quotes
  auto emit = [&](char c, source_position at) {
    produced.push_back(c);
    where.push_back(at);
  };
  while (produced.size() < value.size() && !cur.done()) {
    source_position at = cur.position();
    if (basic && cur.peek() == '\\') {
      char kind = cur.peek(1);
      if (char e = simple_escape(kind); e != '\0') {
        emit(e, at);
        cur.advance(2);
      } else if (kind == 'u' || kind == 'U' || kind == 'x') {
        std::size_t digits = kind == 'u' ? 4 : (kind == 'U' ? 8 : 2);
        std::string hex;
        for (std::size_t i = 0; i < digits; ++i) hex.push_back(cur.peek(2 + i));
        std::size_t before = produced.size();
        append_utf8(produced, std::stoul(hex, nullptr, 16));
        where.resize(where.size() + (produced.size() - before), at);
        cur.advance(2 + digits);
      } else if (multiline) {  // line-ending backslash: drop whitespace and newlines
        cur.advance();
        while (cur.peek() == ' ' || cur.peek() == '\t' || cur.at_newline()) {
          if (cur.at_newline()) cur.skip_newline(); else cur.advance();
        }
      } else {
        return false;
      }
    } else if (multiline && cur.peek() == '\r' && cur.peek(1) == '\n') {
      emit('\n', at);
      cur.skip_newline();
    } else {
      emit(cur.peek(), at);
      cur.advance();
    }
  }
  where.push_back(cur.position());
  return produced == value;
}

}  // namespace

std::vector<source_position> string_value_positions(std::string_view file_text, source_position value_start,
                                                    std::string_view value) {
  std::vector<source_position> where;
  if (std::optional<std::size_t> offset = offset_of(file_text, value_start)) {
    raw_cursor cur(file_text, *offset, value_start);
    if (cur.peek() == '"' || cur.peek() == '\'') {
      std::string produced;
      try {
        if (replay(cur, value, produced, where)) return where;
      } catch (const std::exception&) {  // malformed \u escape: toml++ accepted it, we cannot map it
      }
    }
  }
  return std::vector<source_position>(value.size() + 1, value_start);
}

}  // namespace cubie::models::detail
