// Typed access to toml++ nodes for the model loader: every wrong type or value is a
// located model_error, and tables are read back in document order (toml++ sorts them).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "diagnostic.hpp"

namespace cubie::models::detail {

/// One key of a table and its value.
struct toml_entry {
  std::string key;
  source_position key_at;
  const toml::node* value;
};

/// The entries of `table` in the order the document writes them.
[[nodiscard]] std::vector<toml_entry> ordered_entries(const toml::table& table);

/// Reads typed values out of nodes of one document; `what` names the value in messages
/// ("solver.atol", "state 'x'").
class toml_reader {
 public:
  explicit toml_reader(text_source source) : source_(std::move(source)) {}

  [[nodiscard]] const text_source& source() const noexcept { return source_; }
  [[nodiscard]] static source_position position(const toml::node& node) noexcept;

  [[noreturn]] void fail_at(const toml::node& node, std::string_view what, std::string_view note = {}) const;

  /// An integer or a float.
  [[nodiscard]] double number(const toml::node& node, std::string_view what) const;
  /// A finite number.
  [[nodiscard]] double finite_number(const toml::node& node, std::string_view what) const;
  [[nodiscard]] std::int64_t integer(const toml::node& node, std::string_view what) const;
  [[nodiscard]] bool boolean(const toml::node& node, std::string_view what) const;
  [[nodiscard]] std::string string(const toml::node& node, std::string_view what) const;
  /// A non-empty array of numbers (or, when `single_allowed`, one number).
  [[nodiscard]] std::vector<double> numbers(const toml::node& node, std::string_view what, bool single_allowed) const;
  /// An array of strings (possibly empty).
  [[nodiscard]] std::vector<std::string> strings(const toml::node& node, std::string_view what) const;

 private:
  [[noreturn]] void wrong_type(const toml::node& node, std::string_view what, std::string_view expected) const;

  text_source source_;
};

/// "a string", "an integer", ... for messages.
[[nodiscard]] std::string_view type_phrase(const toml::node& node) noexcept;

}  // namespace cubie::models::detail
