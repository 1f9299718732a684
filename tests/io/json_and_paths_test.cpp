// The JSON emitter (escaping, nesting, numbers), the settings as JSON, and result file
// names (format from the extension, the partial name).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cubie/core/error.hpp"
#include "cubie/io/json_writer.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/io/settings_json.hpp"

namespace {

using namespace cubie;

TEST(json_writer, escapes_strings) {
  EXPECT_EQ(io::json_quote("plain"), "\"plain\"");
  EXPECT_EQ(io::json_quote("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  EXPECT_EQ(io::json_quote("ünï"), "\"ünï\"");
}

TEST(json_writer, nests_objects_and_arrays) {
  io::json_writer w;
  w.begin_object();
  w.key("runs").value(std::int64_t{2000});
  w.key("failed").begin_object().key("count").value(0).key("by_status").begin_object().end_object().end_object();
  w.key("list").value(std::vector<double>{1.0, 0.5, 1e-6});
  w.key("names").value(std::vector<std::string>{"x", "y"});
  w.key("ok").value(true);
  w.key("nothing").null();
  w.key("nan").value(std::numeric_limits<double>::quiet_NaN());
  w.key("bytes").value(std::uint64_t{18446744073709551615ull});
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\"runs\":2000,\"failed\":{\"count\":0,\"by_status\":{}},\"list\":[1,0.5,1e-06],\"names\":[\"x\",\"y\"],"
            "\"ok\":true,\"nothing\":null,\"nan\":null,\"bytes\":18446744073709551615}");
}

TEST(json_writer, indents_when_asked) {
  io::json_writer w(2);
  w.begin_object().key("a").value(1).key("b").begin_array().value(2).end_array().end_object();
  EXPECT_EQ(w.str(), "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}");
}

TEST(json_writer, doubles_read_back_exactly) {
  for (double v : {0.1, 1.0 / 3.0, 2.6666666666666665, 1e-300, -123456.789}) {
    io::json_writer w;
    w.value(v);
    EXPECT_EQ(std::strtod(w.str().c_str(), nullptr), v);
  }
}

TEST(settings_json, names_every_field) {
  solver_settings s;
  s.atol = {1e-8, 1e-9};
  s.kp = 0.5;
  s.memory.host_budget_bytes = 1024;
  solve_spec spec{.duration = 2.0, .save_every = 0.1, .grid = grid_type::combinatorial};
  const std::string j = io::settings_json(s, spec);
  for (const char* needle :
       {"\"algorithm\":\"dormand_prince_54\"", "\"atol\":[1e-08,1e-09]", "\"kp\":0.5", "\"ki\":null", "\"dt\":null",
        "\"duration\":2", "\"save_every\":0.1", "\"grid\":\"combinatorial\"", "\"precision\":\"float64\"",
        "\"memory\":{\"allocator\":\"default\"", "\"host_budget_bytes\":1024", "\"saved_states\":null",
        "\"max_events\":16", "\"land_on_samples\":false", "\"drivers\":[]"}) {
    EXPECT_NE(j.find(needle), std::string::npos) << needle << " not in " << j;
  }
  // auto_passes is written when it is set (1 or 2), left out at 0 (the default's choice).
  EXPECT_EQ(j.find("auto_passes"), std::string::npos) << j;
  s.auto_passes = 2;
  const std::string set = io::settings_json(s, spec);
  EXPECT_NE(set.find("\"auto_passes\":2"), std::string::npos) << set;
}

TEST(result_paths, format_from_extension) {
  EXPECT_EQ(io::format_for_path("a/b.h5"), io::result_format::hdf5);
  EXPECT_EQ(io::format_for_path("b.HDF5"), io::result_format::hdf5);
  EXPECT_EQ(io::format_for_path("b.CSV"), io::result_format::csv);
  try {
    (void)io::format_for_path("results.txt");
    FAIL() << "expected invalid_argument";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(".txt"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(".h5"), std::string::npos);
  }
  EXPECT_THROW((void)io::format_for_path("noextension"), invalid_argument);
}

TEST(result_paths, partial_name_keeps_folder_and_extension) {
  EXPECT_EQ(io::partial_path("out/sweep.h5"), std::filesystem::path("out/sweep.partial.h5"));
  EXPECT_EQ(io::partial_path("r.csv"), std::filesystem::path("r.partial.csv"));
  EXPECT_EQ(io::partial_path("/tmp/a.b.h5"), std::filesystem::path("/tmp/a.b.partial.h5"));
}

}  // namespace
