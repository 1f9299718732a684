// cubie/io/json_writer.hpp
// A small JSON emitter (objects, arrays, strings, numbers) for the command's --json
// summary and the settings stored in result files; no third-party JSON library needed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cubie::io {

/// @brief `s` as a JSON string literal, quotes included (control characters escaped,
///   UTF-8 passed through).
[[nodiscard]] std::string json_quote(std::string_view s);

/// @brief Builds one JSON text. Calls nest like the document: begin_object(), key(),
///   a value, ..., end_object(). Separators and indentation are handled here.
class json_writer {
 public:
  /// @param indent spaces per level; 0 writes everything on one line.
  explicit json_writer(int indent = 0) : indent_(indent) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// The key of the next value inside an object.
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  /// Shortest text that reads back to the same double; NaN and infinities become null
  /// (JSON has no spelling for them).
  json_writer& value(double v);
  json_writer& value(std::int64_t v);
  json_writer& value(std::uint64_t v);
  json_writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
  json_writer& value(bool v);
  json_writer& null();
  /// An array of numbers or strings in one call.
  json_writer& value(const std::vector<double>& v);
  json_writer& value(const std::vector<std::string>& v);

  /// @brief The text written so far.
  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void before_value();
  json_writer& close_level(char bracket);
  void newline();
  std::string out_;
  std::vector<bool> has_items_;  // per open object/array: whether a separator is due
  bool after_key_ = false;
  int indent_;
};

}  // namespace cubie::io
