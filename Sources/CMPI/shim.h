// The MPI C API for the Distributed target. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT,
// MPI_SUM) are macros over addresses of its globals, which Swift cannot import, so the few
// calls we need are wrapped here as inline functions taking plain C types.
#ifndef LRN_CMPI_SHIM_H
#define LRN_CMPI_SHIM_H

#include <mpi.h>
#include <limits.h>
#include <stdlib.h>

// MPI counts are int: longer buffers go in pieces of at most this many elements.
#define LRN_MPI_CHUNK (1L << 30)

static void lrn_mpi_finalize_at_exit(void) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Finalize();
}

/// Initialises MPI (threads: only the calling thread talks to MPI), makes errors on
/// MPI_COMM_WORLD return codes instead of aborting, and finalises at process exit.
static inline int lrn_mpi_init(int *rank, int *size) {
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) return rc;
    atexit(lrn_mpi_finalize_at_exit);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (rc != MPI_SUCCESS) return rc;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

static inline int lrn_mpi_allreduce_sum_f32(float *buffer, long count) {
    for (long start = 0; start < count; start += LRN_MPI_CHUNK) {
        long n = count - start < LRN_MPI_CHUNK ? count - start : LRN_MPI_CHUNK;
        int rc = MPI_Allreduce(MPI_IN_PLACE, buffer + start, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

static inline int lrn_mpi_allreduce_sum_f64(double *buffer, long count) {
    for (long start = 0; start < count; start += LRN_MPI_CHUNK) {
        long n = count - start < LRN_MPI_CHUNK ? count - start : LRN_MPI_CHUNK;
        int rc = MPI_Allreduce(MPI_IN_PLACE, buffer + start, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

static inline int lrn_mpi_broadcast_bytes(void *buffer, long count, int root) {
    for (long start = 0; start < count; start += LRN_MPI_CHUNK) {
        long n = count - start < LRN_MPI_CHUNK ? count - start : LRN_MPI_CHUNK;
        int rc = MPI_Bcast((char *)buffer + start, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

static inline int lrn_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

static inline void lrn_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

/// The text of an MPI error code, into `text` (at least MPI_MAX_ERROR_STRING bytes).
static inline void lrn_mpi_error_text(int code, char *text, int capacity) {
    char buffer[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, buffer, &length) != MPI_SUCCESS) length = 0;
    int n = length < capacity - 1 ? length : capacity - 1;
    for (int i = 0; i < n; i++) text[i] = buffer[i];
    if (capacity > 0) text[n] = 0;
}

static inline int lrn_mpi_max_error_text(void) { return MPI_MAX_ERROR_STRING; }

#endif
