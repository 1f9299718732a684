#include "cubie/execution/thread_pool.hpp"

namespace cubie {

thread_pool::thread_pool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

thread_pool::~thread_pool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void thread_pool::run_blocks() {
  while (true) {
    std::int64_t block;
    {
      std::lock_guard lock(mutex_);
      if (next_block_ >= n_blocks_) return;
      block = next_block_++;
    }
    try {
      (*body_)(block);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
      next_block_ = n_blocks_;  // stop handing out work
    }
  }
}

void thread_pool::worker_loop() {
  std::uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      ++busy_;
    }
    run_blocks();
    {
      std::lock_guard lock(mutex_);
      --busy_;
    }
    done_.notify_all();
  }
}

void thread_pool::parallel_for(std::int64_t n_blocks, const std::function<void(std::int64_t)>& body) {
  {
    std::lock_guard lock(mutex_);
    body_ = &body;
    n_blocks_ = n_blocks;
    next_block_ = 0;
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  run_blocks();
  std::exception_ptr err;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return busy_ == 0 && next_block_ >= n_blocks_; });
    body_ = nullptr;
    err = error_;
  }
  if (err) std::rethrow_exception(err);
}

}  // namespace cubie
