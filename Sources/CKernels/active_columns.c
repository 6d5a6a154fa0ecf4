#include "CKernels.h"

#include "vector_support.h"

// The columns of a layer's input that are not all zero, and copies between the full matrix
// and the one holding only those columns (see ActiveInputs.swift).
CK_CLONES
void ck_nonzero_columns(const float *x, int64_t rows, int64_t columns, int32_t *flags) {
    for (int64_t c = 0; c < columns; c++) flags[c] = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *line = x + r * columns;
        for (int64_t c = 0; c < columns; c++) flags[c] |= line[c] != 0.0f;
    }
}

void ck_gather_columns(const float *x, int64_t rows, int64_t columns, const int32_t *picks, int64_t count, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *line = x + r * columns;
        float *to = out + r * count;
        for (int64_t i = 0; i < count; i++) to[i] = line[picks[i]];
    }
}

void ck_spread_columns(
    const float *compact, int64_t count, const int32_t *picks, int64_t columns, float *out, int64_t row_begin,
    int64_t row_end, int64_t first, int64_t last) {
    for (int64_t r = row_begin; r < row_end; r++) {
        const float *from = compact + r * count;
        float *line = out + r * columns;
        for (int64_t i = first; i < last; i++) line[picks[i]] = from[i];
    }
}
