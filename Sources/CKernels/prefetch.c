#include "CKernels.h"

// Prefetches rather than loads: the rows are wanted by the next training step, and nothing
// here waits for them. Each 64-byte line of each row is asked for once (and the row's last
// byte, for rows that do not end on a line boundary).
void ck_prefetch_rows(const float *base, int64_t row_length, const int64_t *rows, int64_t count) {
    for (int64_t r = 0; r < count; r++) {
        const char *row = (const char *)(base + rows[r] * row_length);
        const int64_t bytes = row_length * (int64_t)sizeof(float);
        for (int64_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(row + offset, 0, 2);
        __builtin_prefetch(row + bytes - 1, 0, 2);
    }
}
