#ifndef LATENT_CBLAS_SHIM_H
#define LATENT_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface; Debian's libopenblas also carries LAPACK, whose Fortran entry
// points have no C header there, so the few the project uses are declared here.
#include <cblas.h>

// Symmetric eigen-decomposition (divide and conquer), single and double precision.
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Singular value decomposition (divide and conquer).
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s,
             float *u, const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork,
             int *iwork, int *info);
#endif
