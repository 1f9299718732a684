// cubie/execution/thread_pool.hpp
// A fixed set of worker threads that share out the blocks of a range dynamically
// (adaptive runs take different times), kept alive across solves so a solve never pays
// for thread start-up.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cubie {

class thread_pool {
 public:
  /// @param threads workers; 0 = std::thread::hardware_concurrency().
  explicit thread_pool(int threads = 0);
  ~thread_pool();
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  [[nodiscard]] int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Calls body(block) for every block in [0, n_blocks), spread over the workers and the
  /// calling thread; returns when all are done. Rethrows the first exception thrown.
  void parallel_for(std::int64_t n_blocks, const std::function<void(std::int64_t)>& body);

 private:
  void worker_loop();
  void run_blocks();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::int64_t)>* body_ = nullptr;
  std::int64_t n_blocks_ = 0;
  std::int64_t next_block_ = 0;
  int busy_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace cubie
