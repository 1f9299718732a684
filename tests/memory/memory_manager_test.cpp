#include "cubie/memory/memory_manager.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "byte_literals.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/device_info.hpp"
#include "cubie/memory/host_resource.hpp"
#include "cubie/memory/limiting_resource_adaptor.hpp"

using namespace cubie::memory;
using namespace cubie::test_literals;

namespace {

// A fake device whose free memory the test controls.
struct fake_device {
  device_memory_info info{1000_MiB, 1000_MiB};
  device_info_provider provider() {
    return [this] { return info; };
  }
};

std::string message_of(const auto& f) {
  try {
    f();
  } catch (const cubie::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST(memory_manager, a_single_solver_without_proportion_gets_everything) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto r = m.register_solver(std::nullopt);
  EXPECT_DOUBLE_EQ(m.proportion_of(r), 1.0);
  EXPECT_EQ(m.budget_bytes(r, 1000_MiB), 1000_MiB);
}

TEST(memory_manager, manual_proportions_are_reserved_and_the_rest_split_evenly) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto manual = m.register_solver(0.4);
  auto a = m.register_solver(std::nullopt);
  auto b = m.register_solver(std::nullopt);
  auto c = m.register_solver(std::nullopt);
  EXPECT_DOUBLE_EQ(m.proportion_of(manual), 0.4);
  EXPECT_DOUBLE_EQ(m.proportion_of(a), 0.2);
  EXPECT_DOUBLE_EQ(m.proportion_of(b), 0.2);
  EXPECT_DOUBLE_EQ(m.proportion_of(c), 0.2);
  EXPECT_EQ(m.budget_bytes(manual, 1000), 400u);
  EXPECT_EQ(m.budget_bytes(a, 1000), 200u);
  EXPECT_EQ(m.registrations(), 4u);
  EXPECT_DOUBLE_EQ(m.manual_total(), 0.4);
}

TEST(memory_manager, unregistering_frees_the_share) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto a = m.register_solver(std::nullopt);
  {
    auto b = m.register_solver(std::nullopt);
    EXPECT_DOUBLE_EQ(m.proportion_of(a), 0.5);
    auto manual = m.register_solver(0.5);
    EXPECT_DOUBLE_EQ(m.proportion_of(a), 0.25);
  }
  EXPECT_DOUBLE_EQ(m.proportion_of(a), 1.0);
  EXPECT_EQ(m.registrations(), 1u);
  // A manual share freed can be taken again.
  auto full = std::optional<memory_manager::registration>();
  {
    auto x = m.register_solver(0.9);
    EXPECT_NEAR(m.proportion_of(a), 0.1, 1e-12);
  }
  EXPECT_NO_THROW(full.emplace(m.register_solver(0.9)));
}

TEST(memory_manager, registrations_move) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto a = m.register_solver(0.3);
  memory_manager::registration b = std::move(a);
  EXPECT_FALSE(static_cast<bool>(a));
  EXPECT_TRUE(static_cast<bool>(b));
  EXPECT_EQ(m.registrations(), 1u);
  EXPECT_DOUBLE_EQ(m.proportion_of(b), 0.3);
  auto c = m.register_solver(0.2);
  c = std::move(b);  // c's own registration ends, b's moves in
  EXPECT_EQ(m.registrations(), 1u);
  EXPECT_DOUBLE_EQ(m.manual_total(), 0.3);
  EXPECT_THROW((void)m.proportion_of(a), cubie::invalid_argument);
}

TEST(memory_manager, total_above_one_is_an_error_listing_the_current_total) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto a = m.register_solver(0.5);
  auto b = m.register_solver(0.3);
  const std::string msg = message_of([&] { (void)m.register_solver(0.4); });
  EXPECT_NE(msg.find("mem_proportion = 0.4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("already reserve 0.8"), std::string::npos) << msg;
  EXPECT_NE(msg.find("at most 1"), std::string::npos) << msg;
  EXPECT_EQ(m.registrations(), 2u);  // the failed registration left no trace
  // Decimal sums that land a few ulps above 1 are exactly 1.
  auto c = m.register_solver(0.1);
  auto d = m.register_solver(0.1);
  EXPECT_NEAR(m.manual_total(), 1.0, 1e-12);
}

TEST(memory_manager, nothing_left_for_solvers_without_proportion_is_an_error) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto a = m.register_solver(std::nullopt);
  const std::string msg = message_of([&] { (void)m.register_solver(1.0); });
  EXPECT_NE(msg.find("mem_proportion = 1"), std::string::npos) << msg;
  auto b = m.register_solver(0.6);
  auto c = m.register_solver(0.3);
  EXPECT_NEAR(m.proportion_of(a), 0.1, 1e-12);

  memory_manager full(dev.provider());
  auto f = full.register_solver(1.0);
  const std::string msg2 = message_of([&] { (void)full.register_solver(std::nullopt); });
  EXPECT_NE(msg2.find("already reserve 1"), std::string::npos) << msg2;
}

TEST(memory_manager, bad_values_name_mem_proportion_the_value_and_the_range) {
  fake_device dev;
  memory_manager m(dev.provider());
  for (double bad : {0.0, -0.5, 1.5, std::nan("")}) {
    const std::string msg = message_of([&] { (void)m.register_solver(bad); });
    EXPECT_NE(msg.find("mem_proportion"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(0, 1]"), std::string::npos) << msg;
  }
  const std::string msg = message_of([&] { (void)m.register_solver(1.5); });
  EXPECT_NE(msg.find("1.5"), std::string::npos) << msg;
  EXPECT_EQ(m.registrations(), 0u);
}

TEST(memory_manager, available_is_the_budget_or_free_plus_held) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto r = m.register_solver(0.5);  // budget 500 MiB
  EXPECT_EQ(m.available_bytes(r), 500_MiB);

  dev.info.free = 200_MiB;  // others took memory
  EXPECT_EQ(m.available_bytes(r), 200_MiB);

  r.add_held(100_MiB);  // what this solver holds is available to it again
  EXPECT_EQ(m.available_bytes(r), 300_MiB);
  EXPECT_EQ(m.total_held_bytes(), 100_MiB);
  r.remove_held(100_MiB);
  EXPECT_EQ(m.available_bytes(r, 50_MiB), 250_MiB);  // cached by its allocator

  dev.info.free = 900_MiB;
  EXPECT_EQ(m.available_bytes(r), 500_MiB);  // never above the budget
}

TEST(memory_manager, the_limiting_adaptor_reports_held_bytes) {
  fake_device dev;
  memory_manager m(dev.provider());
  auto r = m.register_solver(std::nullopt);
  host_resource host;
  limiting_resource_adaptor limit(device_resource_ref(host), 1_MiB, r.account());
  void* p = limit.allocate(4096, stream_view::default_stream());
  EXPECT_EQ(r.held_bytes(), 4096u);
  auto moved = std::move(r);  // the account survives a move of the registration
  void* q = limit.allocate_sync(1024);
  EXPECT_EQ(moved.held_bytes(), 5120u);
  limit.deallocate(p, 4096, stream_view::default_stream());
  limit.deallocate_sync(q, 1024);
  EXPECT_EQ(moved.held_bytes(), 0u);
}

TEST(memory_manager, concurrent_registration_is_safe) {
  fake_device dev;
  memory_manager m(dev.provider());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = m.register_solver(i % 2 == 0 ? std::optional<double>(0.1) : std::nullopt);
        EXPECT_GT(m.proportion_of(r), 0.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.registrations(), 0u);
}

TEST(memory_manager, for_device_is_one_manager_per_device_and_needs_no_gpu) {
  memory_manager& a = memory_manager::for_device(0);
  memory_manager& b = memory_manager::for_device(0);
  memory_manager& c = memory_manager::for_device(1);
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  auto r = a.register_solver(0.25);
  EXPECT_EQ(a.budget_bytes(r, 1000), 250u);
  EXPECT_THROW((void)memory_manager::for_device(-1), cubie::invalid_argument);
  // Querying the device works only where one exists; elsewhere it is a device_error.
  if (cuda_device_count() == 0) {
    EXPECT_THROW((void)a.device_info(), cubie::device_error);
    EXPECT_THROW((void)a.available_bytes(r), cubie::device_error);
  } else {
    EXPECT_GT(a.device_info().total, 0u);
  }
}
