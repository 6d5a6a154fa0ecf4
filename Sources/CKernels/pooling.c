#include "CKernels.h"

void ck_max_pool(
    const float *restrict x, int64_t h, int64_t w, int64_t c, int64_t size, float *restrict y,
    int32_t *restrict winners) {
    const int64_t oh = h / size, ow = w / size;
    for (int64_t oy = 0; oy < oh; oy++) {
        for (int64_t ox = 0; ox < ow; ox++) {
            const int64_t corner = (oy * size * w + ox * size) * c;
            for (int64_t ch = 0; ch < c; ch++) {
                float best = x[corner + ch];
                int64_t best_at = corner + ch;
                for (int64_t dy = 0; dy < size; dy++) {
                    for (int64_t dx = 0; dx < size; dx++) {
                        const int64_t at = corner + (dy * w + dx) * c + ch;
                        // The first of equal values wins, as in PyTorch: only a larger one replaces it.
                        const int larger = x[at] > best;
                        best = larger ? x[at] : best;
                        best_at = larger ? at : best_at;
                    }
                }
                y[(oy * ow + ox) * c + ch] = best;
                winners[(oy * ow + ox) * c + ch] = (int32_t)best_at;
            }
        }
    }
}
