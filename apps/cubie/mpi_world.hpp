// The MPI job a `cubie run` may be one process of (`mpirun -n K cubie run ...`): whether it
// is, and the few string messages a split run exchanges. Built without MPI, a process that
// a launcher started as one of several is told so instead of solving the sweep K times.
#pragma once
#include <optional>
#include <string>
#include <utility>

namespace cubie::cli {

/// @brief Processes in the job a launcher (mpirun, srun) started this one in, from its
///   environment (OMPI_COMM_WORLD_SIZE, PMI_SIZE); 1 when none did.
[[nodiscard]] int launched_processes();
/// @brief This process's place among those of the job on its own node (for picking GPUs):
///   {local rank, local size}, {0, 1} when not known.
[[nodiscard]] std::pair<int, int> local_rank_and_size();
/// @brief True when this cubie was built with MPI (CUBIE_ENABLE_MPI found it).
[[nodiscard]] bool mpi_compiled();

/// @brief MPI_COMM_WORLD for the lifetime of the object (MPI_Init_thread .. MPI_Finalize).
class mpi_world {
 public:
  /// @throws cubie::invalid_argument when this cubie was built without MPI.
  mpi_world();
  ~mpi_world();
  mpi_world(const mpi_world&) = delete;
  mpi_world& operator=(const mpi_world&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] const std::string& host() const { return host_; }
  /// True when one thread other than the main one may make MPI calls (never two at once).
  [[nodiscard]] bool threads_serialized() const { return serialized_; }

  /// Rank 0's `text` to every rank (collective).
  void broadcast(std::string& text);
  void send(int to, int tag, const std::string& text);
  /// The next message with this tag from any rank, if one has arrived: {from, text}.
  [[nodiscard]] std::optional<std::pair<int, std::string>> poll(int tag);
  /// Waits for the next message with this tag from `from`.
  [[nodiscard]] std::string receive(int from, int tag);
  /// Ends every process of the job (a protocol error nothing else can recover from).
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1;
  bool serialized_ = false;
  std::string host_;
};

}  // namespace cubie::cli
