// What the kernels share: building each hot loop for AVX-512, AVX2 and plain x86-64 (the best
// the processor has is chosen when the program starts), and a 16-float vector type.
#ifndef CKERNELS_VECTOR_SUPPORT_H
#define CKERNELS_VECTOR_SUPPORT_H

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

#endif
