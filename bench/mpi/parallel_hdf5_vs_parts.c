/* bench/mpi/parallel_hdf5_vs_parts.c
 * Writing one (saves, variables, runs) float32 array from K MPI ranks, chunk by chunk, two ways:
 *   shared: one file through parallel HDF5 (MPI-IO), every rank writing its run range;
 *   parts:  each rank its own file (what `mpirun cubie run` does), flushed after every chunk,
 *           then rank 0 joins them with a virtual dataset.
 * Prints the wall time of each (slowest rank, barrier to barrier). Not part of the CMake build:
 * it needs the MPI build of HDF5 (Debian libhdf5-openmpi-dev), cubie links the serial one.
 *
 *   h5pcc.openmpi -O2 -o /tmp/phdf5_bench bench/mpi/parallel_hdf5_vs_parts.c
 *   mpirun -n 2 --oversubscribe --allow-run-as-root /tmp/phdf5_bench /tmp/phdf5 524288 32768 [parts-first]
 *   (folder, runs, runs per chunk; parts-first measures the per-rank files first, since the
 *   second measurement pays for the first one's page-cache writeback)
 */
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { S = 101, V = 4 };

static void fill(float* buf, hsize_t runs, hsize_t first) {
  for (hsize_t s = 0; s < S; ++s)
    for (hsize_t v = 0; v < V; ++v)
      for (hsize_t r = 0; r < runs; ++r) buf[(s * V + v) * runs + r] = (float)(s + v + first + r);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 4) {
    if (rank == 0) fprintf(stderr, "usage: %s FOLDER RUNS CHUNK_RUNS\n", argv[0]);
    MPI_Finalize();
    return 2;
  }
  const char* dir = argv[1];
  const hsize_t runs = strtoull(argv[2], NULL, 10), chunk = strtoull(argv[3], NULL, 10);
  const hsize_t per_rank = runs / size, first = rank * per_rank;
  float* buf = malloc(sizeof(float) * S * V * chunk);
  char path[4096];
  double t_shared = 0, t_parts = 0, t0 = 0;
  const int parts_first = argc > 4;

  for (int pass = 0; pass < 2; ++pass) {
  if (pass == (parts_first ? 0 : 1)) goto parts;
  /* ---- shared file, parallel HDF5 ---- */
  snprintf(path, sizeof path, "%s/shared.h5", dir);
  MPI_Barrier(MPI_COMM_WORLD);
  t0 = MPI_Wtime();
  {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    hsize_t dims[3] = {S, V, runs};
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t ds = H5Dcreate2(f, "time_domain", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
    for (hsize_t at = 0; at < per_rank; at += chunk) {
      const hsize_t n = at + chunk <= per_rank ? chunk : per_rank - at;
      fill(buf, n, first + at);
      hsize_t start[3] = {0, 0, first + at}, count[3] = {S, V, n};
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
      hid_t mem = H5Screate_simple(3, count, NULL);
      H5Dwrite(ds, H5T_NATIVE_FLOAT, mem, space, xfer, buf);
      H5Sclose(mem);
      H5Fflush(f, H5F_SCOPE_GLOBAL); /* what a chunk-by-chunk commit needs (collective) */
    }
    H5Pclose(xfer);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(f);
    H5Pclose(fapl);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  t_shared = MPI_Wtime() - t0;
  continue;

parts:
  /* ---- a file per rank, then a virtual dataset joining them ---- */
  MPI_Barrier(MPI_COMM_WORLD);
  t0 = MPI_Wtime();
  {
    snprintf(path, sizeof path, "%s/part-%d.h5", dir, rank);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[3] = {S, V, per_rank};
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t ds = H5Dcreate2(f, "time_domain", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (hsize_t at = 0; at < per_rank; at += chunk) {
      const hsize_t n = at + chunk <= per_rank ? chunk : per_rank - at;
      fill(buf, n, first + at);
      hsize_t start[3] = {0, 0, at}, count[3] = {S, V, n};
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
      hid_t mem = H5Screate_simple(3, count, NULL);
      H5Dwrite(ds, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, buf);
      H5Sclose(mem);
      H5Fflush(f, H5F_SCOPE_LOCAL);
    }
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(f);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
      snprintf(path, sizeof path, "%s/joined.h5", dir);
      hid_t j = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      hsize_t all[3] = {S, V, runs}, part[3] = {S, V, per_rank};
      hid_t vspace = H5Screate_simple(3, all, NULL), src = H5Screate_simple(3, part, NULL);
      hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      for (int r = 0; r < size; ++r) {
        hsize_t start[3] = {0, 0, r * per_rank};
        H5Sselect_hyperslab(vspace, H5S_SELECT_SET, start, NULL, part, NULL);
        char name[64];
        snprintf(name, sizeof name, "part-%d.h5", r);
        H5Pset_virtual(dcpl, vspace, name, "time_domain", src);
      }
      H5Sselect_all(vspace);
      hid_t ds2 = H5Dcreate2(j, "time_domain", H5T_IEEE_F32LE, vspace, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      H5Dclose(ds2);
      H5Pclose(dcpl);
      H5Sclose(src);
      H5Sclose(vspace);
      H5Fclose(j);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  t_parts = MPI_Wtime() - t0;
  }

  if (rank == 0) {
    const double gb = (double)S * V * (double)(per_rank * size) * 4 / 1e9;
    printf("%d ranks, %llu runs x %d x %d float32 (%.2f GB), chunks of %llu runs, %s first\n", size,
           (unsigned long long)(per_rank * size), S, V, gb, (unsigned long long)chunk, parts_first ? "parts" : "shared");
    printf("shared file, parallel HDF5 (collective): %.3f s (%.2f GB/s)\n", t_shared, gb / t_shared);
    printf("a file per rank + virtual dataset:      %.3f s (%.2f GB/s)\n", t_parts, gb / t_parts);
  }
  free(buf);
  MPI_Finalize();
  return 0;
}
