/* rectifiers._relu: the loops of rectifiers.relu and relu_grad for float16,
 * float32 and float64, as NumPy ufuncs. Private: the public functions check
 * their arguments and call them; without a C compiler the package uses NumPy
 * instead (same results, slower).
 *
 * The loops work on the IEEE 754 bit patterns read as signed integers: every
 * negative number, from -0.0 to -inf, has a pattern at or below that of -inf,
 * and every other value (the positive numbers, +0.0, NaNs of either sign) one
 * above it. So one integer comparison per element decides:
 *
 *     relu(x) = x if bits(x) > bits(-inf) else +0.0
 *
 * which keeps NaN (with its payload and sign), turns -0.0 into +0.0 and, being
 * integer work, raises no floating-point flag. The derivative, relu_grad, is
 * the same kind of loop: NaN stays, a pattern above that of +0.0 gives 1.0,
 * and the rest (both zeros and the negative numbers) gives 0.0.
 *
 * Contiguous loops are compiled for AVX2 and for the x86-64 baseline (GCC's
 * target_clones, chosen when the module loads). A relu output of at least
 * nt_bytes bytes is written with
 * streaming (non-temporal) stores, on x86-64 with AVX2: they send each cache
 * line to memory without first reading it into the cache, which an ordinary
 * store does (write-allocate), and which only pays off while the line may be
 * used again. Chapter 2 of the book measures both effects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_2_0_API_VERSION
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>
#include <stdint.h>
#include <string.h>

/* RECTIFIERS_PORTABLE (a test sets it) builds the plain loops everywhere.
 * target_clones needs the loader's ifunc support: glibc has it, musl not. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && \
    defined(__GLIBC__) && !defined(RECTIFIERS_PORTABLE)
#define X86_DISPATCH 1
#include <immintrin.h>
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define X86_DISPATCH 0
#define CLONES
#endif

/* The bit pattern of -inf, as a signed integer of each width. */
#define NEG_INF_16 ((int16_t)0xfc00)
#define NEG_INF_32 ((int32_t)0xff800000)
#define NEG_INF_64 ((int64_t)0xfff0000000000000)

/* Branch-free: a mask of all ones where the input is kept, zeros elsewhere.
 * The casts name int##BITS##_t, not __typeof__ (MSVC lacks it before 17.9). */
#define RELU_BITS(s, BITS) ((s) & -(int##BITS##_t)((s) > NEG_INF_##BITS))

/* For relu_grad: the patterns of +inf (a magnitude above it is NaN), of 1.0,
 * and the mask that clears the sign bit. */
#define INF_16 ((int16_t)0x7c00)
#define INF_32 ((int32_t)0x7f800000)
#define INF_64 ((int64_t)0x7ff0000000000000)
#define ONE_16 ((int16_t)0x3c00)
#define ONE_32 ((int32_t)0x3f800000)
#define ONE_64 ((int64_t)0x3ff0000000000000)
#define MAG_16 ((int16_t)0x7fff)
#define MAG_32 ((int32_t)0x7fffffff)
#define MAG_64 ((int64_t)0x7fffffffffffffff)
#define MAGNITUDE(s, BITS) ((int##BITS##_t)((s) & MAG_##BITS))
#define GRAD_BITS(s, BITS)                                                    \
    (((s) & -(int##BITS##_t)(MAGNITUDE(s, BITS) > INF_##BITS)) |              \
     (ONE_##BITS &                                                            \
      -(int##BITS##_t)((s) > 0 && MAGNITUDE(s, BITS) <= INF_##BITS)))

/* Outputs of at least this many bytes (32 MiB) get streaming stores. On the
 * machine that builds the book (32 MiB of L3 cache) ordinary stores were as
 * fast or faster up to 16 MiB, streaming stores clearly faster from 32 MiB.
 * A machine with a larger cache wants a larger value: users set it with
 * rectifiers.set_streaming_threshold. */
static npy_intp nt_bytes = (npy_intp)1 << 25;
/* Set at import: whether this processor can run the streaming loops. */
static int have_avx2 = 0;

/* ELEMENT(s, BITS) on n contiguous elements. */
#define CONTIGUOUS(NAME, BITS, ELEMENT)                                       \
    CLONES static void NAME(const int##BITS##_t *x, int##BITS##_t *y,        \
                            npy_intp n)                                       \
    {                                                                         \
        for (npy_intp i = 0; i < n; i++) {                                    \
            y[i] = ELEMENT(x[i], BITS);                                       \
        }                                                                     \
    }

#if X86_DISPATCH
/* relu, 32 bytes at a time with GCC's vector extensions; aligned streaming
 * stores. */
#define STREAMING(NAME, BITS)                                                 \
    __attribute__((target("avx2"))) static void NAME(                        \
        const int##BITS##_t *x, int##BITS##_t *y, npy_intp n)                 \
    {                                                                         \
        typedef int##BITS##_t vec __attribute__((vector_size(32)));           \
        const npy_intp lanes = 32 / sizeof(*y);                               \
        const vec neg_inf = (vec){0} + NEG_INF_##BITS;                        \
        npy_intp i = 0;                                                       \
        for (; i < n && ((uintptr_t)(y + i) & 31); i++) {                     \
            y[i] = RELU_BITS(x[i], BITS);                                     \
        }                                                                     \
        for (; i + lanes <= n; i += lanes) {                                  \
            vec v;                                                            \
            memcpy(&v, x + i, sizeof v);                                      \
            v &= (vec)(v > neg_inf);                                          \
            _mm256_stream_si256((__m256i *)(y + i), (__m256i)v);             \
        }                                                                     \
        _mm_sfence();                                                         \
        for (; i < n; i++) {                                                  \
            y[i] = RELU_BITS(x[i], BITS);                                     \
        }                                                                     \
    }
STREAMING(relu_streaming_16, 16)
STREAMING(relu_streaming_32, 32)
STREAMING(relu_streaming_64, 64)
#define STREAM_IF_LARGE(BITS, x, y, n)                                        \
    if (have_avx2 && (n) * (npy_intp)sizeof(*(y)) >= nt_bytes) {              \
        relu_streaming_##BITS(x, y, n);                                       \
        return;                                                               \
    }
#else
#define STREAM_IF_LARGE(BITS, x, y, n)
#endif

/* relu on contiguous data: streaming stores for a large output. */
#define RELU_CONTIGUOUS(BITS)                                                 \
    CONTIGUOUS(relu_plain_##BITS, BITS, RELU_BITS)                            \
    static void relu_contiguous_##BITS(const int##BITS##_t *x,               \
                                       int##BITS##_t *y, npy_intp n)          \
    {                                                                         \
        STREAM_IF_LARGE(BITS, x, y, n)                                        \
        relu_plain_##BITS(x, y, n);                                           \
    }

RELU_CONTIGUOUS(16)
RELU_CONTIGUOUS(32)
RELU_CONTIGUOUS(64)
CONTIGUOUS(grad_contiguous_16, 16, GRAD_BITS)
CONTIGUOUS(grad_contiguous_32, 32, GRAD_BITS)
CONTIGUOUS(grad_contiguous_64, 64, GRAD_BITS)

/* A ufunc's inner loop: n elements at byte strides steps[0] (in), steps[1]
 * (out). NumPy hands it either distinct buffers or exactly the same one (in
 * place), never a partial overlap, so the loops may run in any order. */
#define UFUNC_LOOP(NAME, BITS, FAST, ELEMENT)                                 \
    static void NAME(char **args, const npy_intp *dimensions,                 \
                     const npy_intp *steps, void *data)                       \
    {                                                                         \
        typedef int##BITS##_t S;                                              \
        npy_intp n = dimensions[0], is = steps[0], os = steps[1];             \
        char *in = args[0], *out = args[1];                                   \
        (void)data;                                                           \
        if (is == (npy_intp)sizeof(S) && os == (npy_intp)sizeof(S)) {         \
            FAST((const S *)in, (S *)out, n);                                 \
            return;                                                           \
        }                                                                     \
        for (npy_intp i = 0; i < n; i++, in += is, out += os) {               \
            S v; /* memcpy: strides promise no alignment */                   \
            memcpy(&v, in, sizeof v);                                         \
            v = ELEMENT(v, BITS);                                             \
            memcpy(out, &v, sizeof v);                                        \
        }                                                                     \
    }

UFUNC_LOOP(relu_loop_16, 16, relu_contiguous_16, RELU_BITS)
UFUNC_LOOP(relu_loop_32, 32, relu_contiguous_32, RELU_BITS)
UFUNC_LOOP(relu_loop_64, 64, relu_contiguous_64, RELU_BITS)
UFUNC_LOOP(grad_loop_16, 16, grad_contiguous_16, GRAD_BITS)
UFUNC_LOOP(grad_loop_32, 32, grad_contiguous_32, GRAD_BITS)
UFUNC_LOOP(grad_loop_64, 64, grad_contiguous_64, GRAD_BITS)

static PyUFuncGenericFunction loops[] = {relu_loop_16, relu_loop_32,
                                         relu_loop_64};
static char types[] = {NPY_HALF, NPY_HALF, NPY_FLOAT, NPY_FLOAT,
                       NPY_DOUBLE, NPY_DOUBLE};
static PyUFuncGenericFunction grad_loops[] = {grad_loop_16, grad_loop_32,
                                              grad_loop_64};
static void *data[] = {NULL, NULL, NULL};

static PyObject *
set_streaming_threshold(PyObject *Py_UNUSED(self), PyObject *arg)
{
    npy_intp old = nt_bytes, value = PyLong_AsSsize_t(arg);
    if (value == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (value < 0) {
        PyErr_SetString(PyExc_ValueError, "threshold must be >= 0 bytes");
        return NULL;
    }
    nt_bytes = value;
    return PyLong_FromSsize_t(old);
}

static PyObject *
get_streaming_threshold(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(arg))
{
    return PyLong_FromSsize_t(nt_bytes);
}

/* Private: rectifiers.set_streaming_threshold checks the value and calls this. */
static PyMethodDef methods[] = {
    {"set_streaming_threshold", set_streaming_threshold, METH_O,
     "Set the output size in bytes from which relu streams its stores; "
     "returns the previous value."},
    {"get_streaming_threshold", get_streaming_threshold, METH_NOARGS,
     "The output size in bytes from which relu streams its stores."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "rectifiers._relu",
    "Compiled loops of rectifiers.relu and relu_grad (private: call those).",
    -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__relu(void)
{
    import_array();
    import_umath();
#if X86_DISPATCH
    __builtin_cpu_init();
    have_avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    PyObject *ufunc = PyUFunc_FromFuncAndData(
        loops, data, types, 3, 1, 1, PyUFunc_None, "relu",
        "relu(x, /, out=None, ...): x where x > 0 or NaN, +0.0 elsewhere.", 0);
    if (PyModule_AddObject(m, "relu", ufunc) < 0) {
        Py_XDECREF(ufunc);
        Py_DECREF(m);
        return NULL;
    }
    ufunc = PyUFunc_FromFuncAndData(
        grad_loops, data, types, 3, 1, 1, PyUFunc_None, "relu_grad",
        "relu_grad(x, /, out=None, ...): 1.0 where x > 0, x where NaN, "
        "+0.0 elsewhere.", 0);
    if (PyModule_AddObject(m, "relu_grad", ufunc) < 0) {
        Py_XDECREF(ufunc);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "streaming",
                                have_avx2) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
