#include <stdint.h>
#include <string.h>

#include "CKernels.h"
#include "vector_support.h"

// These loops replace Swift loops that the Swift compiler could vectorise only four floats wide
// (Swift code here is built for plain x86-64). They do the same operations in the same order
// as FastMath and the Swift loops did, with no fused multiply-adds, so every clone gives the
// same bits as before and as each other.
#pragma clang fp contract(off)

#define CK_INLINE static inline __attribute__((always_inline))

CK_INLINE float ck_bits_to_float(uint32_t bits) {
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

CK_INLINE uint32_t ck_float_to_bits(float f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

// Swift.max(x, y) is `y >= x ? y : x` and Swift.min(x, y) is `y < x ? y : x`; written the same
// way, a NaN passes through as it did.
CK_INLINE float ck_swift_max(float x, float y) { return y >= x ? y : x; }
CK_INLINE float ck_swift_min(float x, float y) { return y < x ? y : x; }

// FastMath.exp: e^x clamped to the float range, by range reduction and a degree-6 polynomial.
CK_INLINE float ck_exp(float x) {
    const float clamped = ck_swift_min(ck_swift_max(x, -87.0f), 88.0f);
    const float magic = 12582912.0f;
    const float scaled = clamped * 1.44269504f + magic;
    const float n = scaled - magic;
    const float r = clamped - n * 0.69314575f - n * 1.4286068e-6f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const uint32_t exponent = (ck_float_to_bits(scaled) - ck_float_to_bits(magic) + 127u) << 23;
    return p * ck_bits_to_float(exponent);
}

// FastMath.log for positive, normal x.
CK_INLINE float ck_log(float x) {
    const uint32_t bits = ck_float_to_bits(x);
    float e = (float)((int32_t)((bits >> 23) & 0xFF) - 127);
    float m = ck_bits_to_float((bits & 0x007FFFFFu) | 0x3F800000u);
    const int fold = m > 1.41421356f;
    m = fold ? m * 0.5f : m;
    e = fold ? e + 1.0f : e;
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    float q = 1.0f / 11.0f;
    q = q * s2 + 1.0f / 9.0f;
    q = q * s2 + 1.0f / 7.0f;
    q = q * s2 + 1.0f / 5.0f;
    q = q * s2 + 1.0f / 3.0f;
    q = q * s2 + 1.0f;
    return 2.0f * s * q + e * 0.69314718f;
}

CK_INLINE float ck_sigmoid(float x) { return 1.0f / (1.0f + ck_exp(-x)); }

CK_INLINE float ck_tanh(float x) {
    const float far = 1.0f - 2.0f / (ck_exp(2.0f * x) + 1.0f);
    const float x2 = x * x;
    const float near = x * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f - x2 * (17.0f / 315.0f))));
    return __builtin_fabsf(x) < 0.125f ? near : far;
}

// No exponent field all ones: an integer maximum over the masked bits, which vectorises.
CK_CLONES
int32_t ck_all_finite(const float *x, int64_t count) {
    uint32_t largest = 0;
    for (int64_t i = 0; i < count; i++) {
        const uint32_t exponent = ck_float_to_bits(x[i]) & 0x7F800000u;
        largest = exponent > largest ? exponent : largest;
    }
    return largest != 0x7F800000u;
}

// values = f(values + bias) for each row of a (rows, width) block whose rows are `stride`
// floats apart; bias may be NULL.
#define CK_MAP_ROWS(EXPRESSION)                                                                    \
    do {                                                                                           \
        if (bias || stride != width) {                                                             \
            for (int64_t row = 0; row < rows; row++) {                                             \
                float *restrict line = values + row * stride;                                      \
                for (int64_t j = 0; j < width; j++) {                                              \
                    const float x = bias ? line[j] + bias[j] : line[j];                            \
                    line[j] = (EXPRESSION);                                                        \
                }                                                                                  \
            }                                                                                      \
        } else {                                                                                   \
            const int64_t count = rows * width;                                                    \
            for (int64_t i = 0; i < count; i++) {                                                  \
                const float x = values[i];                                                         \
                values[i] = (EXPRESSION);                                                          \
            }                                                                                      \
        }                                                                                          \
    } while (0)

CK_CLONES
void ck_activation_rows(
    int32_t kind, float *restrict values, int64_t rows, int64_t width, int64_t stride, const float *restrict bias) {
    switch (kind) {
    case CK_ACTIVATION_LINEAR: CK_MAP_ROWS(x); break;
    case CK_ACTIVATION_RELU: CK_MAP_ROWS(ck_swift_max(x, 0.0f)); break;
    // 0.2 is Swift's Activation.leakySlope (ElementwiseKernelTests holds the two together).
    case CK_ACTIVATION_LEAKY_RELU: CK_MAP_ROWS(x > 0.0f ? x : x * 0.2f); break;
    case CK_ACTIVATION_SIGMOID: CK_MAP_ROWS(ck_sigmoid(x)); break;
    case CK_ACTIVATION_TANH: CK_MAP_ROWS(ck_tanh(x)); break;
    case CK_ACTIVATION_ELU: CK_MAP_ROWS(x > 0.0f ? x : ck_exp(x) - 1.0f); break;
    case CK_ACTIVATION_SOFTPLUS:
        CK_MAP_ROWS(ck_swift_max(x, 0.0f) + ck_log(1.0f + ck_exp(-__builtin_fabsf(x))));
        break;
    default: break;
    }
}

// result = f(gradient, output) element by element. The in-place case gets a loop of its own:
// with result == gradient, the compiler's overlap check would send the general loop down its
// scalar path.
#define CK_ZIP(EXPRESSION)                                                                         \
    do {                                                                                           \
        if (result == gradient) {                                                                  \
            float *restrict io = result;                                                           \
            for (int64_t i = 0; i < count; i++) {                                                  \
                const float g = io[i], y = output[i];                                              \
                io[i] = (EXPRESSION);                                                              \
            }                                                                                      \
        } else {                                                                                   \
            float *restrict out = result;                                                          \
            const float *restrict in = gradient;                                                   \
            for (int64_t i = 0; i < count; i++) {                                                  \
                const float g = in[i], y = output[i];                                              \
                out[i] = (EXPRESSION);                                                             \
            }                                                                                      \
        }                                                                                          \
    } while (0)

CK_CLONES
void ck_activation_derivative(
    int32_t kind, const float *gradient, const float *restrict output, float *result, int64_t count) {
    switch (kind) {
    case CK_ACTIVATION_LINEAR: CK_ZIP(g); break;
    case CK_ACTIVATION_RELU: CK_ZIP(y > 0.0f ? g : 0.0f); break;
    case CK_ACTIVATION_LEAKY_RELU: CK_ZIP(y > 0.0f ? g : g * 0.2f); break;
    case CK_ACTIVATION_SIGMOID: CK_ZIP(g * y * (1.0f - y)); break;
    case CK_ACTIVATION_TANH: CK_ZIP(g * (1.0f - y * y)); break;
    case CK_ACTIVATION_ELU: CK_ZIP(y > 0.0f ? g : g * (y + 1.0f)); break;
    case CK_ACTIVATION_SOFTPLUS: CK_ZIP(g * (1.0f - ck_exp(-y))); break;
    default: break;
    }
}

// The optimizers' updates. `out` may be `p` itself (no copy of the previous weights is kept),
// which again gets a loop of its own.
#define CK_UPDATE(BODY)                                                                            \
    do {                                                                                           \
        if (out == p) {                                                                            \
            float *restrict io = out;                                                              \
            for (int64_t i = 0; i < count; i++) {                                                  \
                const float pi = io[i];                                                            \
                float updated;                                                                     \
                BODY;                                                                              \
                io[i] = updated;                                                                   \
            }                                                                                      \
        } else {                                                                                   \
            float *restrict o = out;                                                               \
            const float *restrict in = p;                                                          \
            for (int64_t i = 0; i < count; i++) {                                                  \
                const float pi = in[i];                                                            \
                float updated;                                                                     \
                BODY;                                                                              \
                o[i] = updated;                                                                    \
            }                                                                                      \
        }                                                                                          \
    } while (0)

CK_CLONES
void ck_adam(
    const float *p, float *out, const float *restrict g, float *restrict m, float *restrict v, int64_t count,
    float beta1, float beta2, float epsilon, float step_size, float root_c2) {
    const float keep1 = 1.0f - beta1, keep2 = 1.0f - beta2;
    CK_UPDATE({
        const float gi = g[i];
        const float mi = beta1 * m[i] + keep1 * gi;
        const float vi = beta2 * v[i] + keep2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        // m̂ / (√v̂ + ε) = (m / c1) / (√v / √c2 + ε), PyTorch's order of operations.
        updated = pi - step_size * mi / (__builtin_sqrtf(vi) / root_c2 + epsilon);
    });
}

CK_CLONES
void ck_sgd(const float *p, float *out, const float *restrict g, float *restrict b, int64_t count, float momentum, float lr) {
    CK_UPDATE({
        const float bi = momentum * b[i] + g[i];
        b[i] = bi;
        updated = pi - lr * bi;
    });
}

CK_CLONES
void ck_rmsprop(
    const float *p, float *out, const float *restrict g, float *restrict v, int64_t count, float rho, float epsilon,
    float lr) {
    const float keep = 1.0f - rho;
    CK_UPDATE({
        const float gi = g[i];
        const float vi = rho * v[i] + keep * gi * gi;
        v[i] = vi;
        updated = pi - lr * gi / (__builtin_sqrtf(vi) + epsilon);
    });
}

CK_CLONES
void ck_column_sums(
    const float *rows, int64_t count, int64_t width, int64_t begin, int64_t end, float *sums, int32_t accumulate) {
    float *restrict s = sums;
    if (!accumulate)
        for (int64_t j = begin; j < end; j++) s[j] = 0.0f;
    for (int64_t r = 0; r < count; r++) {
        const float *restrict line = rows + r * width;
        for (int64_t j = begin; j < end; j++) s[j] += line[j];
    }
}

// The losses, each as the Swift loops wrote them (same operations, same order).
CK_CLONES
void ck_loss_row(
    int32_t kind, const float *restrict y, const float *restrict t, float *restrict e, float *restrict g, int64_t count,
    float scale, float clamp) {
    switch (kind) {
    case CK_LOSS_SQUARED_ERROR:
        for (int64_t i = 0; i < count; i++) {
            const float d = y[i] - t[i];
            e[i] = d * d;
            g[i] = 2.0f * d * scale;
        }
        break;
    case CK_LOSS_ABSOLUTE_ERROR:
        for (int64_t i = 0; i < count; i++) {
            const float d = y[i] - t[i];
            e[i] = __builtin_fabsf(d);
            g[i] = d > 0.0f ? scale : (d < 0.0f ? -scale : 0.0f);
        }
        break;
    case CK_LOSS_CROSS_ENTROPY_FROM_LOGITS:
        // max(z, 0) - z t + log(1 + e^{-|z|}); gradient σ(z) - t. One exponential serves both:
        // with q = e^{-|z|}, σ(z) = 1 / (1 + q) for z ≥ 0 and q / (1 + q) below.
        for (int64_t i = 0; i < count; i++) {
            const float z = y[i];
            const float q = ck_exp(-__builtin_fabsf(z));
            const float one_plus = 1.0f + q;
            e[i] = ck_swift_max(z, 0.0f) - z * t[i] + ck_log(one_plus);
            g[i] = ((z >= 0.0f ? 1.0f : q) / one_plus - t[i]) * scale;
        }
        break;
    case CK_LOSS_CROSS_ENTROPY_FROM_PROBABILITIES: {
        const float low = clamp, high = 1.0f - clamp;
        for (int64_t i = 0; i < count; i++) {
            const float p = ck_swift_min(ck_swift_max(y[i], low), high);
            e[i] = -(t[i] * ck_log(p) + (1.0f - t[i]) * ck_log(1.0f - p));
            const int inside = y[i] > low && y[i] < high;
            g[i] = inside ? (p - t[i]) / (p * (1.0f - p)) * scale : 0.0f;
        }
        break;
    }
    default: break;
    }
}
