#include "mpi_world.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cubie/core/error.hpp"

#ifdef CUBIE_HAS_MPI
#include <mpi.h>
#endif

namespace cubie::cli {

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return end != v && *end == '\0' && n >= 0 && n < (1L << 30) ? static_cast<int>(n) : fallback;
}

}  // namespace

int launched_processes() {
  int n = env_int("OMPI_COMM_WORLD_SIZE", 0);
  if (n == 0) n = env_int("PMI_SIZE", 0);
  if (n == 0) n = env_int("PMIX_SIZE", 0);
  return n > 0 ? n : 1;
}

std::pair<int, int> local_rank_and_size() {
  const int rank = env_int("OMPI_COMM_WORLD_LOCAL_RANK", env_int("MPI_LOCALRANKID", env_int("SLURM_LOCALID", -1)));
  const int size = env_int("OMPI_COMM_WORLD_LOCAL_SIZE", env_int("MPI_LOCALNRANKS", -1));
  if (rank < 0 || size < 1 || rank >= size) return {0, 1};
  return {rank, size};
}

#ifdef CUBIE_HAS_MPI

bool mpi_compiled() { return true; }

mpi_world::mpi_world() {
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  serialized_ = provided >= MPI_THREAD_SERIALIZED;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  host_.assign(name, static_cast<std::size_t>(length));
}

mpi_world::~mpi_world() { MPI_Finalize(); }

void mpi_world::broadcast(std::string& text) {
  long long n = static_cast<long long>(text.size());
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  text.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(text.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
}

void mpi_world::send(int to, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::optional<std::pair<int, std::string>> mpi_world::poll(int tag) {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &arrived, &status);
  if (!arrived) return std::nullopt;
  const int from = status.MPI_SOURCE;
  return std::make_pair(from, receive(from, tag));
}

std::string mpi_world::receive(int from, int tag) {
  MPI_Status status;
  MPI_Probe(from, tag, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void mpi_world::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

#else

bool mpi_compiled() { return false; }

mpi_world::mpi_world() {
  throw invalid_argument(
      "this process is one of " + std::to_string(launched_processes()) +
      " started by mpirun, but this cubie was built without MPI: each process would solve the whole sweep into the "
      "same file. Rebuild cubie with MPI (Debian: apt-get install libopenmpi-dev; CMake finds it, "
      "CUBIE_ENABLE_MPI=AUTO), or run cubie without mpirun");
}
mpi_world::~mpi_world() = default;
void mpi_world::broadcast(std::string&) {}
void mpi_world::send(int, int, const std::string&) {}
std::optional<std::pair<int, std::string>> mpi_world::poll(int) { return std::nullopt; }
std::string mpi_world::receive(int, int) { return {}; }
void mpi_world::abort(int code) { std::_Exit(code); }

#endif

}  // namespace cubie::cli
