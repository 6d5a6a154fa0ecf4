#include <string.h>

#include "CKernels.h"

#include "vector_support.h"


// The kernels see each plane as one long row: with rows `stride` floats apart, the input
// value under tap (ky, kx) of output o = oy·stride + ox is in[o + ky·stride + kx]. Outputs at
// columns ox ≥ ow are computed too and thrown away, so a narrow image (7 or 14 pixels wide)
// still fills whole vectors.

// Output channels [co, co + CO), outputs o0 ..< o0 + 16·NV of each.
#define FORWARD_BLOCK(CO, NV)                                                                      \
    for (int64_t o0 = 0; o0 < count; o0 += 16 * (NV)) {                                            \
        v16 acc[CO][NV];                                                                           \
        for (int c = 0; c < (CO); c++)                                                             \
            for (int v = 0; v < (NV); v++) acc[c][v] = (v16){0} + bias[co + c];                    \
        for (int64_t ci = 0; ci < cin; ci++) {                                                     \
            for (int64_t ky = 0; ky < kh; ky++) {                                                  \
                const float *row = in + ci * in_plane + o0 + ky * stride;                          \
                const float *taps = w + ((ky * kw) * cin + ci) * cout + co;                        \
                for (int64_t kx = 0; kx < kw; kx++) {                                              \
                    const float *t = taps + kx * cin * cout;                                       \
                    v16 x[NV];                                                                     \
                    for (int v = 0; v < (NV); v++) x[v] = load16(row + kx + 16 * v);               \
                    for (int c = 0; c < (CO); c++)                                                 \
                        for (int v = 0; v < (NV); v++) acc[c][v] += t[c] * x[v];                   \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        for (int c = 0; c < (CO); c++)                                                             \
            for (int v = 0; v < (NV); v++) store16(out + (co + c) * out_plane + o0 + 16 * v, acc[c][v]); \
    }

CK_CLONES
void ck_conv_planar_forward(
    const float *in, int64_t cin, int64_t in_plane, int64_t stride, const float *w, int64_t kh, int64_t kw,
    int64_t cout, const float *bias, float *out, int64_t out_plane, int64_t count) {
    int64_t co = 0;
    for (; co + 4 <= cout; co += 4) FORWARD_BLOCK(4, 2)
    for (; co < cout; co++) FORWARD_BLOCK(1, 4)
}

// Kernel columns 0 ..< KX of one (ci, ky) and output channels [co, co + CO): each loaded input
// vector meets CO gradient vectors and each gradient vector KX input vectors. The sums stay in
// 16 lanes and are added to dw_lanes (16 floats per weight), so that the lanes are summed once
// per batch chunk rather than once per image; the chunk's first image stores them instead (no
// pass to zero the lanes first).
#define GRADIENT_BLOCK(KX, CO, kx0)                                                                \
    {                                                                                              \
        v16 acc[KX][CO];                                                                           \
        for (int a = 0; a < (KX); a++)                                                             \
            for (int c = 0; c < (CO); c++) acc[a][c] = (v16){0};                                   \
        const float *row = in + ci * in_plane + ky * stride + (kx0);                               \
        for (int64_t o0 = 0; o0 < count; o0 += 16) {                                               \
            v16 gv[CO];                                                                            \
            for (int c = 0; c < (CO); c++) gv[c] = load16(g + (co + c) * g_plane + o0);            \
            for (int a = 0; a < (KX); a++) {                                                       \
                const v16 xv = load16(row + a + o0);                                               \
                for (int c = 0; c < (CO); c++) acc[a][c] += xv * gv[c];                            \
            }                                                                                      \
        }                                                                                          \
        for (int a = 0; a < (KX); a++)                                                             \
            for (int c = 0; c < (CO); c++) {                                                       \
                float *lanes = dw_lanes + 16 * (((ky * kw + (kx0) + a) * cin + ci) * cout + co + c); \
                store16(lanes, overwrite ? acc[a][c] : load16(lanes) + acc[a][c]);                 \
            }                                                                                      \
    }

// All output channels for kernel columns 0 ..< KX (the whole kernel width): CO at a time, then
// one at a time.
#define GRADIENT_ROW(KX, CO)                                                                       \
    {                                                                                              \
        int64_t co = 0;                                                                            \
        for (; co + (CO) <= cout; co += (CO)) GRADIENT_BLOCK(KX, CO, 0)                            \
        for (; co < cout; co++) GRADIENT_BLOCK(KX, 1, 0)                                           \
    }

CK_CLONES
void ck_conv_planar_weight_gradient(
    const float *in, int64_t cin, int64_t in_plane, int64_t stride, const float *g, int64_t cout, int64_t g_plane,
    int64_t count, int64_t kh, int64_t kw, float *dw_lanes, int overwrite) {
    for (int64_t ci = 0; ci < cin; ci++) {
        for (int64_t ky = 0; ky < kh; ky++) {
            // As many sums as the registers hold: kernel width x channels up to about 24.
            switch (kw) {
            case 1: GRADIENT_ROW(1, 8) break;
            case 2: GRADIENT_ROW(2, 8) break;
            case 3: GRADIENT_ROW(3, 6) break;
            case 4: GRADIENT_ROW(4, 4) break;
            case 5: GRADIENT_ROW(5, 4) break;
            case 6: GRADIENT_ROW(6, 4) break;
            case 7: GRADIENT_ROW(7, 3) break;
            default: {
                int64_t kx = 0;
                for (; kx + 4 <= kw; kx += 4) {
                    int64_t co = 0;
                    for (; co + 4 <= cout; co += 4) GRADIENT_BLOCK(4, 4, kx)
                    for (; co < cout; co++) GRADIENT_BLOCK(4, 1, kx)
                }
                for (; kx < kw; kx++) {
                    for (int64_t co = 0; co < cout; co++) GRADIENT_BLOCK(1, 1, kx)
                }
            }
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

// Zeroes what lies around the h x w window at (top, left) of one plane: the rows above and
// below, and on each row of the window the columns to its left and right (the window itself is
// written next, so zeroing all of the plane first would write it twice).
static void zero_around(float *plane, int64_t size, int64_t stride, int64_t top, int64_t left, int64_t h, int64_t w) {
    memset(plane, 0, sizeof(float) * (size_t)(top * stride + left));
    for (int64_t y = 0; y + 1 < h; y++)
        memset(plane + (top + y) * stride + left + w, 0, sizeof(float) * (size_t)(stride - w));
    const int64_t end = (top + h - 1) * stride + left + w;
    memset(plane + end, 0, sizeof(float) * (size_t)(size - end));
}

void ck_to_planar(
    const float *x, int64_t h, int64_t w, int64_t c, int64_t factor, int64_t top, int64_t left, int64_t plane,
    int64_t stride, float *out) {
    for (int64_t ch = 0; ch < c; ch++) zero_around(out + ch * plane, plane, stride, top, left, h * factor, w * factor);
    for (int64_t y = 0; y < h; y++) {
        const float *line = x + y * w * c;
        for (int64_t ch = 0; ch < c; ch++) {
            float *dst = out + ch * plane + (top + y * factor) * stride + left;
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

void ck_from_planar(const float *planar, int64_t c, int64_t plane, int64_t stride, int64_t h, int64_t w, float *x) {
    for (int64_t y = 0; y < h; y++) {
        float *line = x + y * w * c;
        for (int64_t ch = 0; ch < c; ch++) {
            const float *src = planar + ch * plane + y * stride;
            if (c == 1) {
                memcpy(line, src, sizeof(float) * (size_t)w);
            } else {
                for (int64_t xx = 0; xx < w; xx++) line[xx * c + ch] = src[xx];
            }
        }
    }
}

void ck_to_planar_phases(
    const float *y, int64_t h, int64_t w, int64_t c, int64_t factor, int64_t top, int64_t left, int64_t plane,
    int64_t stride, float *out) {
    const int64_t phases = factor * factor;
    for (int64_t i = 0; i < phases * c; i++) zero_around(out + i * plane, plane, stride, top, left, h, w);
    const int64_t full_width = w * factor;
    for (int64_t m = 0; m < h; m++) {
        for (int64_t py = 0; py < factor; py++) {
            const float *line = y + (m * factor + py) * full_width * c;
            for (int64_t px = 0; px < factor; px++) {
                for (int64_t ch = 0; ch < c; ch++) {
                    float *dst = out + ((py * factor + px) * c + ch) * plane + (top + m) * stride + left;
                    for (int64_t n = 0; n < w; n++) dst[n] = line[(n * factor + px) * c + ch];
                }
            }
        }
    }
}

void ck_from_planar_phases(
    const float *planar, int64_t c, int64_t factor, int64_t plane, int64_t stride, int64_t h, int64_t w, float *y) {
    const int64_t full_width = w * factor;
    for (int64_t m = 0; m < h; m++) {
        for (int64_t py = 0; py < factor; py++) {
            float *line = y + (m * factor + py) * full_width * c;
            for (int64_t px = 0; px < factor; px++) {
                for (int64_t ch = 0; ch < c; ch++) {
                    const float *src = planar + ((py * factor + px) * c + ch) * plane + m * stride;
                    for (int64_t n = 0; n < w; n++) line[(n * factor + px) * c + ch] = src[n];
                }
            }
        }
    }
}

CK_CLONES
void ck_add_channel_sums(const float *x, int64_t pixels, int64_t c, float *sums) {
    if (c <= 16 && 16 % c == 0) {
        // Whole vectors hold 16 / c pixels each, lane j always channel j mod c.
        const int64_t total = pixels * c;
        v16 lanes = {0};
        int64_t i = 0;
        for (; i + 16 <= total; i += 16) lanes += load16(x + i);
        for (int lane = 0; lane < 16; lane++) sums[lane % c] += lanes[lane];
        for (; i < total; i++) sums[i % c] += x[i];
        return;
    }
    for (int64_t p = 0; p < pixels; p++)
        for (int64_t ch = 0; ch < c; ch++) sums[ch] += x[p * c + ch];
}
