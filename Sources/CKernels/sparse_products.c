#include "CKernels.h"

#include "vector_support.h"

// Inlined into each clone of its caller, so that it is compiled for that clone's instructions.
#define CK_INLINE_GATHER static inline __attribute__((always_inline))

CK_CLONES
int64_t ck_count_nonzeros(const float *x, int64_t count) {
    int32_t n = 0;
    for (int64_t i = 0; i < count; i++) n += x[i] != 0.0f;
    return n;
}

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

// Row r's non-zeros, in column order, into columns_out and values_out; returns their count.
// Branch-free (zeros would cost a mispredicted branch each otherwise): every column is written
// at the next free slot, which moves on only past a non-zero. Once `count` is reached only zeros
// are left, and the loop stops before writing past the row's slots.
CK_INLINE_GATHER void ck_compress_row_plain(const float *line, int64_t columns, int32_t count, int32_t *columns_out,
    float *values_out) {
    int32_t p = 0;
    for (int64_t c = 0; c < columns && p < count; c++) {
        const float v = line[c];
        columns_out[p] = (int32_t)c;
        values_out[p] = v;
        p += v != 0.0f;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
// The same with AVX-512, sixteen columns at a time: compare with zero, then compress the
// non-zeros (and their column numbers) to the front of a register and store just those. The
// register form of the compress is used: storing straight from it is microcoded and slow on
// AMD's Zen 4. A NaN counts as non-zero, as in the plain loop.
__attribute__((target("avx512f"))) static void ck_compress_row_avx512(
    const float *line, int64_t columns, int32_t count, int32_t *columns_out, float *values_out) {
    (void)count;
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int32_t p = 0;
    int64_t c = 0;
    for (; c + 16 <= columns; c += 16) {
        const __m512 v = _mm512_loadu_ps(line + c);
        const __mmask16 nonzero = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
        if (!nonzero) continue;
        const __m512i index = _mm512_add_epi32(_mm512_set1_epi32((int32_t)c), lanes);
        const int n = __builtin_popcount(nonzero);
        const __mmask16 front = (__mmask16)((1u << n) - 1);
        _mm512_mask_storeu_ps(values_out + p, front, _mm512_maskz_compress_ps(nonzero, v));
        _mm512_mask_storeu_epi32(columns_out + p, front, _mm512_maskz_compress_epi32(nonzero, index));
        p += n;
    }
    for (; c < columns; c++) {
        const float v = line[c];
        if (v != 0.0f) {
            columns_out[p] = (int32_t)c;
            values_out[p] = v;
            p++;
        }
    }
}
#endif

CK_CLONES
static void ck_sparse_fill_plain(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, const int32_t *row_start,
    int32_t *row_column, float *row_value, int32_t *column_next, int32_t *column_row, float *column_value,
    int compress_avx512) {
    for (int64_t r = row_begin; r < row_end; r++) {
        const float *line = x + r * columns;
        const int32_t first = row_start[r], count = row_start[r + 1] - first;
        int32_t *columns_out = row_column + first;
        float *values_out = row_value + first;
#if defined(__x86_64__)
        if (compress_avx512)
            ck_compress_row_avx512(line, columns, count, columns_out, values_out);
        else
#endif
            ck_compress_row_plain(line, columns, count, columns_out, values_out);
        for (int32_t q = 0; q < count; q++) {
            const int32_t slot = column_next[columns_out[q]]++;
            column_row[slot] = (int32_t)r;
            column_value[slot] = values_out[q];
        }
    }
}

void ck_sparse_fill(
    const float *x, int64_t row_begin, int64_t row_end, int64_t columns, const int32_t *row_start,
    int32_t *row_column, float *row_value, int32_t *column_next, int32_t *column_row, float *column_value) {
#if defined(__x86_64__)
    const int avx512 = __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    const int avx512 = 0;
#endif
    ck_sparse_fill_plain(
        x, row_begin, row_end, columns, row_start, row_column, row_value, column_next, column_row, column_value,
        avx512);
}

// Why this shape: each output row's sums are kept in registers, eight vectors (128 floats) at a
// time, while the selected rows of `base` stream past, so the output is written once per block
// rather than once per entry. Eight independent sums keep the core's fused multiply-adds busy
// (one result takes four cycles); with fewer, each entry waited on the one before. A block
// narrower than eight vectors ends on a vector that overlaps the one before it; the shared
// lanes get the same sums in both, so they are simply written twice. The blocks are the outer
// loop, so one block of a 784x512 weight matrix (400 KB) stays in the L2 cache while every row
// of the band uses it.
#define CK_GATHER_LANES 8

CK_INLINE_GATHER void ck_gather_block(
    const int32_t *start, const int32_t *index, const float *value, int64_t begin, int64_t end,
    const float *base, int64_t units, float *out, int accumulate, int64_t j, int64_t vectors, int64_t last,
    int64_t skip) {
    // Vector v covers columns j + 16 v, except the last, which covers j + last. When `skip` is
    // not 0 there is one vector, whose first `skip` lanes belong to the block before.
    int64_t offset[CK_GATHER_LANES];
    for (int64_t v = 0; v < CK_GATHER_LANES; v++) offset[v] = v < vectors - 1 ? 16 * v : last;
    for (int64_t i = begin; i < end; i++) {
        const int32_t first = start[i], stop = start[i + 1];
        float *o = out + i * units + j;
        v16 a[CK_GATHER_LANES];
        for (int64_t v = 0; v < CK_GATHER_LANES; v++) a[v] = (v16){0};
        for (int32_t p = first; p < stop; p++) {
            const float *b = base + (int64_t)index[p] * units + j;
            const float x = value[p];
            for (int64_t v = 0; v < CK_GATHER_LANES; v++)
                if (v < vectors) a[v] += x * load16(b + offset[v]);
        }
        if (skip == 0) {
            // All of `out` is read before any of it is written: the last vector may overlap.
            if (accumulate)
                for (int64_t v = 0; v < CK_GATHER_LANES; v++)
                    if (v < vectors) a[v] += load16(o + offset[v]);
            for (int64_t v = 0; v < CK_GATHER_LANES; v++)
                if (v < vectors) store16(o + offset[v], a[v]);
        } else {
            // A lone vector reaching back into a block already written: only its new lanes.
            for (int64_t t = skip; t < 16; t++) o[last + t] = accumulate ? o[last + t] + a[0][t] : a[0][t];
        }
    }
}

CK_CLONES
void ck_sparse_gather_rows(
    const int32_t *start, const int32_t *index, const float *value, int64_t begin, int64_t end,
    const float *base, int64_t units, float *out, int accumulate) {
    if (units >= 16) {
        for (int64_t j = 0; j < units; j += 16 * CK_GATHER_LANES) {
            const int64_t width = units - j < 16 * CK_GATHER_LANES ? units - j : 16 * CK_GATHER_LANES;
            const int64_t vectors = (width + 15) / 16;
            if (vectors == CK_GATHER_LANES && width == 16 * CK_GATHER_LANES) {
                // The common full block, with every offset known to the compiler.
                ck_gather_block(start, index, value, begin, end, base, units, out, accumulate, j, CK_GATHER_LANES,
                    16 * (CK_GATHER_LANES - 1), 0);
            } else {
                // A narrower block, which may begin before j so as to end on the last column.
                // A separate copy for each vector count keeps the inner loop free of branches.
                const int64_t from = width < 16 ? units - 16 : j, last = units - 16 - from;
                const int64_t skip = width < 16 ? 16 - width : 0;
                switch (width < 16 ? 1 : vectors) {
#define CK_GATHER_CASE(N)                                                                          \
    case N: ck_gather_block(start, index, value, begin, end, base, units, out, accumulate, from, N, last, skip); break;
                    CK_GATHER_CASE(1)
                    CK_GATHER_CASE(2)
                    CK_GATHER_CASE(3)
                    CK_GATHER_CASE(4)
                    CK_GATHER_CASE(5)
                    CK_GATHER_CASE(6)
                    CK_GATHER_CASE(7)
                    CK_GATHER_CASE(8)
#undef CK_GATHER_CASE
                }
            }
        }
        return;
    }
    for (int64_t i = begin; i < end; i++) {
        float *o = out + i * units;
        for (int64_t t = 0; t < units; t++) {
            float a = 0;
            for (int32_t p = start[i]; p < start[i + 1]; p++) a += value[p] * base[(int64_t)index[p] * units + t];
            o[t] = accumulate ? o[t] + a : a;
        }
    }
}
