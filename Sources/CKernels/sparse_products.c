#include "CKernels.h"

#include "vector_support.h"

CK_CLONES
void ck_sparse_count(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, int32_t *row_count,
    int32_t *column_count) {
    for (int64_t r = row_begin; r < row_end; r++) {
        const float *line = x + r * columns;
        int32_t n = 0;
        for (int64_t c = 0; c < columns; c++) {
            const int32_t nonzero = line[c] != 0.0f;
            n += nonzero;
            column_count[c] += nonzero;
        }
        row_count[r] = n;
    }
}

CK_CLONES
void ck_sparse_fill(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, const int32_t *row_start,
    int32_t *row_column, float *row_value, int32_t *column_next, int32_t *column_row, float *column_value) {
    for (int64_t r = row_begin; r < row_end; r++) {
        const float *line = x + r * columns;
        const int32_t first = row_start[r], count = row_start[r + 1] - first;
        int32_t *columns_out = row_column + first;
        float *values_out = row_value + first;
        // Branch-free (zeros cost a mispredicted branch each otherwise): every column is written
        // at the next free slot, which moves on only past a non-zero. Once the row's count is
        // reached only zeros are left, and the loop stops before writing into the next row.
        int32_t p = 0;
        for (int64_t c = 0; c < columns && p < count; c++) {
            const float v = line[c];
            columns_out[p] = (int32_t)c;
            values_out[p] = v;
            p += v != 0.0f;
        }
        for (int32_t q = 0; q < count; q++) {
            const int32_t slot = column_next[columns_out[q]]++;
            column_row[slot] = (int32_t)r;
            column_value[slot] = values_out[q];
        }
    }
}

// Why this shape: each output row's sum is kept in registers, 64 floats (four vectors) at a
// time, while the selected rows of `base` stream past, so the output is written once per block
// rather than once per entry. The blocks of 64 columns are the outer loop: one block of a
// 784x512 weight matrix (200 KB) stays in the L2 cache while every row of the band uses it,
// where the whole matrix (1.6 MB) would not.
CK_CLONES
void ck_sparse_gather_rows(
    const int32_t *start, const int32_t *index, const float *value, int64_t begin, int64_t end,
    const float *base, int64_t units, float *out, int accumulate) {
    int64_t j = 0;
    for (; j + 64 <= units; j += 64) {
        for (int64_t i = begin; i < end; i++) {
            const int32_t first = start[i], last = start[i + 1];
            float *o = out + i * units + j;
            v16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
            for (int32_t p = first; p < last; p++) {
                const float *b = base + (int64_t)index[p] * units + j;
                const float v = value[p];
                a0 += v * *(const v16 *)(b);
                a1 += v * *(const v16 *)(b + 16);
                a2 += v * *(const v16 *)(b + 32);
                a3 += v * *(const v16 *)(b + 48);
            }
            if (accumulate) {
                a0 += *(v16 *)(o);
                a1 += *(v16 *)(o + 16);
                a2 += *(v16 *)(o + 32);
                a3 += *(v16 *)(o + 48);
            }
            *(v16 *)(o) = a0;
            *(v16 *)(o + 16) = a1;
            *(v16 *)(o + 32) = a2;
            *(v16 *)(o + 48) = a3;
        }
    }
    for (; j + 16 <= units; j += 16) {
        for (int64_t i = begin; i < end; i++) {
            float *o = out + i * units + j;
            v16 a = {0};
            for (int32_t p = start[i]; p < start[i + 1]; p++) a += value[p] * *(const v16 *)(base + (int64_t)index[p] * units + j);
            if (accumulate) a += *(v16 *)(o);
            *(v16 *)(o) = a;
        }
    }
    if (j == units) return;
    for (int64_t i = begin; i < end; i++) {
        float *o = out + i * units;
        int64_t t = j;
        if (units >= 16) {
            // The last few columns: one vector over the final 16 columns (overlapping the block
            // before), of which only the new ones are written.
            const int64_t from = units - 16;
            v16 a = {0};
            for (int32_t p = start[i]; p < start[i + 1]; p++) a += value[p] * *(const v16 *)(base + (int64_t)index[p] * units + from);
            for (; t < units; t++) o[t] = accumulate ? o[t] + a[t - from] : a[t - from];
        }
        for (; t < units; t++) {
            float a = 0;
            for (int32_t p = start[i]; p < start[i + 1]; p++) a += value[p] * base[(int64_t)index[p] * units + t];
            o[t] = accumulate ? o[t] + a : a;
        }
    }
}
