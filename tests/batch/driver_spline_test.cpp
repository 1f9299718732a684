// Driver interpolation (the loop's own evaluation, through interpolate_driver) against
// SciPy: CubicSpline with each boundary condition, make_interp_spline (k = 1) and
// interp1d('previous'), wrapped and zero outside, padded clamped ends, 2 to 12 samples.
// tests/data/drivers/make_spline_reference.py wrote the reference file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cubie/batch/driver_signal.hpp"
#include "cubie/core/error.hpp"

namespace cubie {
namespace {

struct reference_case {
  std::string name;
  driver_signal signal;
  std::vector<double> t, value, rate;
};

std::vector<reference_case> read_reference() {
  std::ifstream in(CUBIE_DRIVER_REFERENCE);
  EXPECT_TRUE(in) << "cannot read " << CUBIE_DRIVER_REFERENCE;
  std::vector<reference_case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string word;
    s >> word;
    if (word == "case") {
      reference_case c;
      std::string key, bc;
      int wrap = 0;
      double dt = 0;
      s >> c.name >> key >> c.signal.order >> key >> wrap >> key >> bc >> key >> c.signal.t0 >> key >> dt;
      c.signal.name = "u";
      c.signal.wrap = wrap != 0;
      c.signal.dt = dt;
      if (bc != "none") c.signal.boundary = parse_spline_boundary(bc);
      cases.push_back(c);
    } else if (word == "samples") {
      double v;
      while (s >> v) cases.back().signal.samples.push_back(v);
    } else {
      reference_case& c = cases.back();
      c.t.push_back(std::stod(word));
      double v, r;
      s >> v >> r;
      c.value.push_back(v);
      c.rate.push_back(r);
    }
  }
  return cases;
}

// Within `width` (in grid units) of a knot: where a linear or held signal has a kink or a
// jump, the side a time falls on depends on rounding.
bool near_knot(const driver_signal& s, double t, double width) {
  const double x = (t - s.t0) / *s.dt;
  return std::fabs(x - std::round(x)) < width;
}

TEST(DriverSplines, MatchSciPy) {
  const std::vector<reference_case> cases = read_reference();
  ASSERT_GE(cases.size(), 34u);
  for (const reference_case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<double> rates;
    const std::vector<double> values = interpolate_driver(c.signal, c.t, 0, &rates);
    double scale = 0;
    for (double v : c.signal.samples) scale = std::max(scale, std::fabs(v));
    for (std::size_t i = 0; i < c.t.size(); ++i) {
      const bool kink = c.signal.order <= 1 && near_knot(c.signal, c.t[i], 1e-9);
      if (!(c.signal.order == 0 && kink)) {
        EXPECT_NEAR(values[i], c.value[i], 1e-12 * (1 + scale)) << "value at t = " << c.t[i];
      }
      if (!kink) EXPECT_NEAR(rates[i], c.rate[i], 1e-10 * (1 + scale) / *c.signal.dt) << "rate at t = " << c.t[i];
    }
  }
}

TEST(DriverSplines, OneSignalPerRun) {
  // Two runs' signals side by side (run innermost) interpolate as each alone.
  driver_signal a{.name = "u", .samples = {0.0, 1.0, 4.0, 9.0, 16.0}, .dt = 0.5, .wrap = false,
                  .boundary = spline_boundary::natural};
  driver_signal b = a;
  b.samples = {3.0, -1.0, 2.0, 0.5, 7.0};
  driver_signal both = a;
  both.runs = 2;
  both.samples.clear();
  for (std::size_t k = 0; k < a.samples.size(); ++k) {
    both.samples.push_back(a.samples[k]);
    both.samples.push_back(b.samples[k]);
  }
  const std::vector<double> t = {-0.1, 0.0, 0.3, 0.77, 1.5, 1.99, 2.0, 2.4};
  EXPECT_EQ(interpolate_driver(both, t, 0), interpolate_driver(a, t));
  EXPECT_EQ(interpolate_driver(both, t, 1), interpolate_driver(b, t));
}

TEST(DriverSplines, CubicsAreExactWithNotAKnot) {
  // A cubic through evenly spaced samples is its own not-a-knot spline, inside and at the
  // ends; the rate is its derivative.
  auto p = [](double t) { return 0.5 - 1.25 * t + 0.75 * t * t - 0.125 * t * t * t; };
  auto dp = [](double t) { return -1.25 + 1.5 * t - 0.375 * t * t; };
  driver_signal s{.name = "u", .dt = 0.25, .t0 = -1.0, .wrap = false, .boundary = spline_boundary::not_a_knot};
  for (int k = 0; k <= 16; ++k) s.samples.push_back(p(-1.0 + 0.25 * k));
  std::vector<double> t;
  for (int i = 0; i <= 400; ++i) t.push_back(-1.0 + 4.0 * i / 400.0);
  std::vector<double> rates;
  const std::vector<double> v = interpolate_driver(s, t, 0, &rates);
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_NEAR(v[i], p(t[i]), 1e-13) << t[i];
    EXPECT_NEAR(rates[i], dp(t[i]), 1e-12) << t[i];
  }
}

TEST(DriverSplines, EvenlySpacedTimesEqualDtAndT0) {
  driver_signal by_dt{.name = "u", .samples = {1.0, 2.0, 0.0, -1.0, 1.0}, .dt = 0.2, .t0 = 0.1};
  driver_signal by_time = by_dt;
  by_time.dt.reset();
  by_time.time = {0.1, 0.3, 0.5, 0.7, 0.9};
  const std::vector<double> t = {0.0, 0.15, 0.42, 0.9, 1.3, 5.55};
  const std::vector<double> a = interpolate_driver(by_dt, t), b = interpolate_driver(by_time, t);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-14);
}

void expect_rejected(const driver_signal& s, const std::string& fragment, std::int64_t runs = 1) {
  try {
    validate_driver(s, runs);
    ADD_FAILURE() << "accepted; expected an error containing '" << fragment << "'";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("driver 'u'"), std::string::npos) << e.what();
  }
}

TEST(DriverSplines, BadSignalsAreRejected) {
  const driver_signal good{.name = "u", .samples = {0.0, 1.0, 0.0}, .dt = 0.1};
  EXPECT_NO_THROW(validate_driver(good, 1));
  driver_signal s = good;
  s.samples[1] = std::nan("");
  expect_rejected(s, "sample 1 is nan");
  s = good;
  s.samples = {1.0};
  expect_rejected(s, "at least 2");
  s = good;
  s.dt.reset();
  expect_rejected(s, "give the sample times");
  s = good;
  s.dt.reset();
  s.time = {0.0, 0.2, 0.1};
  expect_rejected(s, "must increase, but time[2]");
  s.time = {0.0, 0.1, 0.25};
  expect_rejected(s, "evenly spaced");
  s.time = {0.0, 0.1};
  expect_rejected(s, "2 sample times for 3 samples");
  s = good;
  s.order = 2;
  expect_rejected(s, "allowed: 0 (each sample held), 1 (linear), 3 (cubic spline)");
  s = good;
  s.samples = {0.0, 1.0, 0.5};
  expect_rejected(s, "first and last samples equal");
  s.wrap = false;
  s.boundary = spline_boundary::periodic;
  expect_rejected(s, "needs wrap = true");
  s = good;
  s.runs = 3;
  s.samples = {0, 0, 0, 1, 1, 1, 0, 0, 0};
  expect_rejected(s, "for 3 runs, but the solve has 4 runs", 4);
  s.samples.pop_back();
  expect_rejected(s, "not a whole number of samples", 3);
}

}  // namespace
}  // namespace cubie
