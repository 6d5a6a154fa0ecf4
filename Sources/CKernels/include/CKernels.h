// Hand-written kernels that no library here provides: products of a sparse matrix (MNIST
// pixels are about 80% zeros) with a dense one, direct convolutions for layers with few
// channels, and max pooling. The hot loops are compiled for AVX-512, AVX2 and plain x86-64,
// chosen when the program starts.
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

/// The number of non-zeros (NaN included) among x[0..<count].
int64_t ck_count_nonzeros(const float *x, int64_t count);

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

// Direct stride-1 convolutions over planar images, for layers with few channels, where an
// im2col matrix product would multiply matrices only 1 to 8 columns wide. A planar image is
// `channels` planes of `plane` floats each, holding rows `stride` floats apart (channel-major),
// zero-padded around the image. The kernels treat each plane as one long row: the input under
// tap (ky, kx) of output o = oy·stride + ox is in[o + ky·stride + kx], and outputs at columns
// past the image's width are computed and thrown away.

/// out[co][o] = bias[co] + Σ_{ci, ky, kx} w[((ky·kw + kx)·cin + ci)·cout + co] · in[ci][o + ky·stride + kx]
/// for o < round_up(count, 64) (w in Keras's (kh, kw, cin, cout) layout). Every `in` value read
/// must be finite (buffers need slack after the last plane); out_plane ≥ round_up(count, 64).
void ck_conv_planar_forward(
    const float *in, int64_t cin, int64_t in_plane, int64_t stride, const float *w, int64_t kh, int64_t kw,
    int64_t cout, const float *bias, float *out, int64_t out_plane, int64_t count);

/// The weight gradient Σ_{o < count} g[co][o] · in[ci][o + ky·stride + kx] of weight
/// i = ((ky·kw + kx)·cin + ci)·cout + co, added in 16 partial sums to dw_lanes[16 i ..< 16 i + 16]
/// (or stored there, when overwrite is not 0; ck_sum_lanes adds them up). count is a multiple of
/// 16, and g is zero wherever o is not an output pixel (columns past the width, and past the
/// last row).
void ck_conv_planar_weight_gradient(
    const float *in, int64_t cin, int64_t in_plane, int64_t stride, const float *g, int64_t cout, int64_t g_plane,
    int64_t count, int64_t kh, int64_t kw, float *dw_lanes, int overwrite);

/// sums[ch] += Σ_p x[p·c + ch] over the `pixels` pixels of a channels-last image (a bias gradient).
void ck_add_channel_sums(const float *x, int64_t pixels, int64_t c, float *sums);

/// out[i] += the sum of lanes[16 i ..< 16 i + 16], for i < count.
void ck_sum_lanes(float *lanes, int64_t count, float *out);

/// Writes the channels-last image x (h, w, c), each pixel repeated factor x factor times
/// (nearest upsampling; 1 for none), into the planar `out` at row `top` and column `left`,
/// with zeros everywhere else in its c planes.
void ck_to_planar(
    const float *x, int64_t h, int64_t w, int64_t c, int64_t factor, int64_t top, int64_t left, int64_t plane,
    int64_t stride, float *out);

/// The channels-last image x (h, w, c) from the top-left h x w of each plane of `planar`.
void ck_from_planar(const float *planar, int64_t c, int64_t plane, int64_t stride, int64_t h, int64_t w, float *x);

/// Splits the channels-last image y (factor·h, factor·w, c) into its factor² phases: plane
/// (py·factor + px)·c + ch of `out` holds y[m·factor + py][n·factor + px][ch] at row top + m,
/// column left + n (m < h, n < w); zeros everywhere else in its planes.
void ck_to_planar_phases(
    const float *y, int64_t h, int64_t w, int64_t c, int64_t factor, int64_t top, int64_t left, int64_t plane,
    int64_t stride, float *out);

/// The inverse of ck_to_planar_phases (with top = left = 0): interleaves the factor²·c planes
/// back into the channels-last image y (factor·h, factor·w, c).
void ck_from_planar_phases(
    const float *planar, int64_t c, int64_t factor, int64_t plane, int64_t stride, int64_t h, int64_t w, float *y);

/// Max pooling of one channels-last image x (h, w, c) over size x size windows at stride size:
/// y (h / size, w / size, c), and for each output the offset in x of the value that won (the
/// first of equal values).
void ck_max_pool(
    const float *restrict x, int64_t h, int64_t w, int64_t c, int64_t size, float *restrict y,
    int32_t *restrict winners);

/// flags[c] = 1 when column c of the (rows, columns) matrix x holds a non-zero (or NaN), else 0.
void ck_nonzero_columns(const float *x, int64_t rows, int64_t columns, int32_t *flags);

/// out (rows, count) = the columns picks[0..<count] of x (rows, columns).
void ck_gather_columns(const float *x, int64_t rows, int64_t columns, const int32_t *picks, int64_t count, float *out);

/// out[r][picks[i]] = compact[r][i] for rows [row_begin, row_end) and i in [first, last), with
/// compact (rows, count) and out (rows, columns); the other columns of out are left alone.
void ck_spread_columns(
    const float *compact, int64_t count, const int32_t *picks, int64_t columns, float *out, int64_t row_begin,
    int64_t row_end, int64_t first, int64_t last);

/// 1 when no value of x[0..<count] is infinite or NaN, else 0.
int32_t ck_all_finite(const float *x, int64_t count);

/// sums[j] (=, or += when accumulate) Σ_r rows[r][j] for j in [begin, end), the rows (count of
/// them, width floats each) added in order.
void ck_column_sums(
    const float *rows, int64_t count, int64_t width, int64_t begin, int64_t end, float *sums, int32_t accumulate);

/// The losses, numbered for ck_loss_row.
enum {
    CK_LOSS_SQUARED_ERROR = 0,
    CK_LOSS_ABSOLUTE_ERROR = 1,
    CK_LOSS_CROSS_ENTROPY_FROM_LOGITS = 2,
    CK_LOSS_CROSS_ENTROPY_FROM_PROBABILITIES = 3,
};

/// One row of a loss: element losses into e[i] and scale · dL/dy (or dL/dz for logits) into
/// g[i], for output y and target t; probabilities are clamped to [clamp, 1 - clamp] for
/// cross-entropy (with a zero gradient outside).
void ck_loss_row(
    int32_t kind, const float *restrict y, const float *restrict t, float *restrict e, float *restrict g, int64_t count,
    float scale, float clamp);

/// The activations, numbered for the two functions below (Swift's `Activation` maps onto them).
enum {
    CK_ACTIVATION_LINEAR = 0,
    CK_ACTIVATION_RELU = 1,
    CK_ACTIVATION_LEAKY_RELU = 2,
    CK_ACTIVATION_SIGMOID = 3,
    CK_ACTIVATION_TANH = 4,
    CK_ACTIVATION_ELU = 5,
    CK_ACTIVATION_SOFTPLUS = 6,
};

/// values = f(values + bias), row by row, for the (rows, width) block `values` whose rows are
/// `stride` floats apart; bias has width elements or is NULL.
void ck_activation_rows(
    int32_t kind, float *restrict values, int64_t rows, int64_t width, int64_t stride, const float *restrict bias);

/// result = gradient * f'(x), with f' recovered from the output y = f(x); result may be gradient.
void ck_activation_derivative(
    int32_t kind, const float *gradient, const float *restrict output, float *result, int64_t count);

/// One Adam step over count values (m, v its moments; step_size = lr / c1, root_c2 = sqrt(c2)),
/// the new values written to out, which may be p.
void ck_adam(
    const float *p, float *out, const float *restrict g, float *restrict m, float *restrict v, int64_t count,
    float beta1, float beta2, float epsilon, float step_size, float root_c2);

/// One step of SGD with momentum (b the momentum buffer), new values to out (which may be p).
void ck_sgd(const float *p, float *out, const float *restrict g, float *restrict b, int64_t count, float momentum, float lr);

/// One RMSprop step (v the running mean of squares), new values to out (which may be p).
void ck_rmsprop(
    const float *p, float *out, const float *restrict g, float *restrict v, int64_t count, float rho, float epsilon,
    float lr);

#endif
