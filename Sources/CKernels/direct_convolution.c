#include <string.h>

#include "CKernels.h"

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#endif
#ifndef CK_CLONES
#define CK_CLONES
#endif

// Sixteen floats, loaded and stored without any alignment assumption.
typedef float v16 __attribute__((vector_size(64), aligned(4)));

// Macros rather than functions: a 64-byte vector may not cross a call in the plain x86-64 clone.
#define load16(p) (*(const v16 *)(p))
#define store16(p, v) (*(v16 *)(p) = (v))

// Output channels [co, co + CO) of output rows [row_begin, row_end), ROWS rows at a time,
// columns in vectors of 16: NV vectors per block of 16·NV columns. Each input vector loaded
// feeds CO multiply-adds, and CO·NV·ROWS independent sums keep the multiply-add units busy.
#define FORWARD_BLOCK(CO, NV, ROWS, row_begin, row_end)                                            \
    for (int64_t oy = (row_begin); oy + (ROWS) <= (row_end); oy += (ROWS)) {                       \
        for (int64_t x0 = 0; x0 < ow; x0 += 16 * (NV)) {                                           \
            v16 acc[ROWS][CO][NV];                                                                 \
            for (int r = 0; r < (ROWS); r++)                                                       \
                for (int c = 0; c < (CO); c++)                                                     \
                    for (int v = 0; v < (NV); v++) acc[r][c][v] = (v16){0} + bias[co + c];         \
            for (int64_t ci = 0; ci < cin; ci++) {                                                 \
                const float *plane = in + ci * in_rows * in_stride;                                \
                for (int64_t ky = 0; ky < kh; ky++) {                                              \
                    const float *row = plane + (oy + ky) * in_stride + x0;                         \
                    const float *taps = w + ((ky * kw) * cin + ci) * cout + co;                    \
                    for (int64_t kx = 0; kx < kw; kx++) {                                          \
                        const float *t = taps + kx * cin * cout;                                   \
                        for (int r = 0; r < (ROWS); r++) {                                         \
                            v16 x[NV];                                                             \
                            for (int v = 0; v < (NV); v++)                                         \
                                x[v] = load16(row + r * in_stride + kx + 16 * v);                  \
                            for (int c = 0; c < (CO); c++)                                         \
                                for (int v = 0; v < (NV); v++) acc[r][c][v] += t[c] * x[v];        \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            for (int r = 0; r < (ROWS); r++)                                                       \
                for (int c = 0; c < (CO); c++)                                                     \
                    for (int v = 0; v < (NV); v++)                                                 \
                        store16(out + ((co + c) * oh + oy + r) * out_stride + x0 + 16 * v, acc[r][c][v]); \
        }                                                                                          \
    }

// Channels [co, co + CO), all rows: two at a time, then the last one when oh is odd.
#define FORWARD_CHANNELS(CO, NV)                                                                   \
    {                                                                                              \
        const int64_t even = oh - oh % 2;                                                          \
        FORWARD_BLOCK(CO, NV, 2, 0, even)                                                          \
        FORWARD_BLOCK(CO, NV, 1, even, oh)                                                         \
    }

CK_CLONES
void ck_conv_planar_forward(
    const float *in, int64_t cin, int64_t in_rows, int64_t in_stride, const float *w, int64_t kh, int64_t kw,
    int64_t cout, const float *bias, float *out, int64_t oh, int64_t ow, int64_t out_stride) {
    int64_t co = 0;
    if (ow > 16) {
        for (; co + 4 <= cout; co += 4) FORWARD_CHANNELS(4, 2)
        for (; co < cout; co++) FORWARD_CHANNELS(1, 2)
    } else {
        for (; co + 4 <= cout; co += 4) FORWARD_CHANNELS(4, 1)
        for (; co < cout; co++) FORWARD_CHANNELS(1, 1)
    }
}

// Kernel columns [kx, kx + KX) and output channels [co, co + CO) of one (ci, ky): each loaded
// input vector meets CO gradient vectors and each gradient vector KX input vectors. The sums
// stay in 16 lanes and are added to dw_lanes (16 floats per weight), so that the lanes are
// summed once per batch chunk rather than once per image.
#define GRADIENT_BLOCK(KX, CO)                                                                     \
    {                                                                                              \
        v16 acc[KX][CO];                                                                           \
        for (int a = 0; a < (KX); a++)                                                             \
            for (int c = 0; c < (CO); c++) acc[a][c] = (v16){0};                                   \
        for (int64_t oy = 0; oy < oh; oy++) {                                                      \
            const float *row = plane + (oy + ky) * in_stride + kx;                                 \
            for (int64_t x0 = 0; x0 < ow; x0 += 16) {                                              \
                v16 gv[CO];                                                                        \
                for (int c = 0; c < (CO); c++) gv[c] = load16(g + ((co + c) * g_rows + oy) * g_stride + x0); \
                for (int a = 0; a < (KX); a++) {                                                   \
                    const v16 xv = load16(row + a + x0);                                           \
                    for (int c = 0; c < (CO); c++) acc[a][c] += xv * gv[c];                        \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        for (int a = 0; a < (KX); a++)                                                             \
            for (int c = 0; c < (CO); c++) {                                                       \
                float *lanes = dw_lanes + 16 * (((ky * kw + kx + a) * cin + ci) * cout + co + c);  \
                store16(lanes, load16(lanes) + acc[a][c]);                                         \
            }                                                                                      \
    }

CK_CLONES
void ck_conv_planar_weight_gradient(
    const float *in, int64_t cin, int64_t in_rows, int64_t in_stride, const float *g, int64_t cout, int64_t g_rows,
    int64_t g_stride, int64_t oh, int64_t ow, int64_t kh, int64_t kw, float *dw_lanes) {
    (void)in_rows;
    for (int64_t ci = 0; ci < cin; ci++) {
        const float *plane = in + ci * in_rows * in_stride;
        for (int64_t ky = 0; ky < kh; ky++) {
            int64_t kx = 0;
            for (; kx + 4 <= kw; kx += 4) {
                int64_t co = 0;
                for (; co + 4 <= cout; co += 4) GRADIENT_BLOCK(4, 4)
                for (; co < cout; co++) GRADIENT_BLOCK(4, 1)
            }
            for (; kx < kw; kx++) {
                int64_t co = 0;
                for (; co + 4 <= cout; co += 4) GRADIENT_BLOCK(1, 4)
                for (; co < cout; co++) GRADIENT_BLOCK(1, 1)
            }
        }
    }
}

void ck_sum_lanes(float *lanes, int64_t count, float *out) {
    for (int64_t i = 0; i < count; i++) {
        float total = 0;
        for (int lane = 0; lane < 16; lane++) total += lanes[16 * i + lane];
        out[i] += total;
    }
}

void ck_to_planar(
    const float *x, int64_t h, int64_t w, int64_t c, int64_t factor, int64_t top, int64_t left, int64_t rows,
    int64_t stride, float *out) {
    memset(out, 0, sizeof(float) * (size_t)(c * rows * stride));
    for (int64_t y = 0; y < h; y++) {
        const float *line = x + y * w * c;
        for (int64_t ch = 0; ch < c; ch++) {
            float *dst = out + (ch * rows + top + y * factor) * stride + left;
            if (factor == 1) {
                if (c == 1) {
                    memcpy(dst, line, sizeof(float) * (size_t)w);
                } else {
                    for (int64_t xx = 0; xx < w; xx++) dst[xx] = line[xx * c + ch];
                }
            } else {
                for (int64_t xx = 0; xx < w; xx++)
                    for (int64_t f = 0; f < factor; f++) dst[xx * factor + f] = line[xx * c + ch];
                for (int64_t f = 1; f < factor; f++) memcpy(dst + f * stride, dst, sizeof(float) * (size_t)(w * factor));
            }
        }
    }
}

void ck_from_planar(const float *planar, int64_t c, int64_t rows, int64_t stride, int64_t h, int64_t w, float *x) {
    for (int64_t y = 0; y < h; y++) {
        float *line = x + y * w * c;
        for (int64_t ch = 0; ch < c; ch++) {
            const float *src = planar + (ch * rows + y) * stride;
            if (c == 1) {
                memcpy(line, src, sizeof(float) * (size_t)w);
            } else {
                for (int64_t xx = 0; xx < w; xx++) line[xx * c + ch] = src[xx];
            }
        }
    }
}
