// Hand-written kernels that no library here provides: products of a sparse matrix (MNIST
// pixels are about 80% zeros) with a dense one, for the first layer of a model. Each is
// compiled for AVX-512, AVX2 and plain x86-64, chosen when the program starts.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// Tells the core that the thread is spinning on a flag (x86 `pause`), so that a waiting
/// worker gives way to its neighbour and wakes quickly.
static inline void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Keeps allocations up to 64 MB on the heap instead of giving each its own mmap (glibc's
/// default above 128 KB), so that memory freed by one training step is reused by the next
/// without page faults. Does nothing where the C library has no mallopt.
void ck_keep_large_allocations_on_heap(void);

/// For the rows [row_begin, row_end) of the dense (rows, columns) matrix x: row_count[r] = the
/// number of non-zeros in row r, and column_count[c] += the number in column c among those rows.
void ck_sparse_count(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, int32_t *row_count,
    int32_t *column_count);

/// Writes rows [row_begin, row_end) of x into the compressed sparse rows (row r's entries at
/// row_start[r]..<row_start[r + 1] of row_column/row_value) and into the compressed sparse
/// columns, where column c's next free slot of column_row/column_value is column_next[c]
/// (advanced as entries are written, so rows go in increasing order).
void ck_sparse_fill(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, const int32_t *row_start,
    int32_t *row_column, float *row_value, int32_t *column_next, int32_t *column_row, float *column_value);

/// For each i in [begin, end): out[i, :] = Σ_p value[p] · base[index[p], :] over the entries p
/// in [start[i], start[i + 1]), or out[i, :] += that sum when `accumulate` is non-zero. All
/// matrices have `units` columns, stored row after row.
/// With a sparse x by rows this is the forward product x W (base = W); with x by columns it
/// is the weight gradient xᵀ dz (base = dz, accumulating).
void ck_sparse_gather_rows(
    const int32_t *start, const int32_t *index, const float *value, int64_t begin, int64_t end,
    const float *base, int64_t units, float *out, int accumulate);

#endif
