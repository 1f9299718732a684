#include "toml_reader.hpp"

#include <algorithm>
#include <cmath>

namespace cubie::models::detail {

std::vector<toml_entry> ordered_entries(const toml::table& table) {
  std::vector<toml_entry> out;
  for (auto&& [key, value] : table) {
    const toml::source_position& b = key.source().begin;
    out.push_back({std::string(key.str()), {static_cast<int>(b.line), static_cast<int>(b.column)}, &value});
  }
  std::stable_sort(out.begin(), out.end(), [](const toml_entry& a, const toml_entry& b) {
    return a.key_at.line != b.key_at.line ? a.key_at.line < b.key_at.line : a.key_at.column < b.key_at.column;
  });
  return out;
}

std::string_view type_phrase(const toml::node& node) noexcept {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

source_position toml_reader::position(const toml::node& node) noexcept {
  const toml::source_position& b = node.source().begin;
  return {static_cast<int>(b.line), static_cast<int>(b.column)};
}

void toml_reader::fail_at(const toml::node& node, std::string_view what, std::string_view note) const {
  fail(source_, position(node), what, note);
}

void toml_reader::wrong_type(const toml::node& node, std::string_view what, std::string_view expected) const {
  fail_at(node, std::string(what) + " must be " + std::string(expected) + ", but this is " +
                    std::string(type_phrase(node)));
}

double toml_reader::number(const toml::node& node, std::string_view what) const {
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node.as_floating_point()) return f->get();
  wrong_type(node, what, "a number");
}

double toml_reader::finite_number(const toml::node& node, std::string_view what) const {
  double v = number(node, what);
  if (!std::isfinite(v)) fail_at(node, std::string(what) + " must be a finite number");
  return v;
}

std::int64_t toml_reader::integer(const toml::node& node, std::string_view what) const {
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) {
    double v = f->get();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  }
  wrong_type(node, what, "an integer");
}

bool toml_reader::boolean(const toml::node& node, std::string_view what) const {
  if (const auto* b = node.as_boolean()) return b->get();
  wrong_type(node, what, "true or false");
}

std::string toml_reader::string(const toml::node& node, std::string_view what) const {
  if (const auto* s = node.as_string()) return s->get();
  wrong_type(node, what, "a string");
}

std::vector<double> toml_reader::numbers(const toml::node& node, std::string_view what, bool single_allowed) const {
  if (single_allowed && (node.is_integer() || node.is_floating_point())) return {number(node, what)};
  const toml::array* array = node.as_array();
  if (array == nullptr) wrong_type(node, what, single_allowed ? "a number or an array of numbers" : "an array of numbers");
  if (array->empty()) fail_at(node, std::string(what) + " must not be empty");
  std::vector<double> out;
  for (const toml::node& item : *array) out.push_back(number(item, std::string("every element of ") + std::string(what)));
  return out;
}

std::vector<std::string> toml_reader::strings(const toml::node& node, std::string_view what) const {
  const toml::array* array = node.as_array();
  if (array == nullptr) wrong_type(node, what, "an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *array) out.push_back(string(item, std::string("every element of ") + std::string(what)));
  return out;
}

}  // namespace cubie::models::detail
