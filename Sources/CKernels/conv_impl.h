// Template body, instantiated for float and double by conv.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// Convolution as im2col + gemm. The batch is cut into chunks of `per_gemm` images whose columns
// sit side by side in one gemm (small feature maps give gemms too thin for OpenBLAS otherwise);
// threads claim chunks one at a time (a thread slowed by other processes on a shared machine
// then simply takes fewer), each with its own scratch (OpenBLAS runs single-threaded inside our
// parallel region). Backward claims "slabs" of chunks, each accumulating its own weight-gradient
// partial; the partials are summed in slab order, so results don't depend on thread timing.

#if CK_PART == CK_PART_SHARED
typedef struct {
    const ck_conv2d_shape *s;
    const T *x, *w, *bias, *gy;
    T *y, *gx;
    T *partials;  // backward: per part, o*ckk weight gradient then o bias gradient
    int want_gw, want_gb;
    long per_gemm, chunks, slabs;
    long next;  // the next chunk (forward) or slab (backward) to claim, atomically
} CTX(conv);

// Images per gemm: enough columns for an efficient gemm, but leave every thread some chunks.
static long FN(conv_images_per_gemm)(const ck_conv2d_shape *s, long threads) {
    const long ohw = s->oh * s->ow;
    long g = (CONV_MIN_GEMM_COLUMNS + ohw - 1) / ohw;
    const long fair = (s->n + 2 * threads - 1) / (2 * threads);
    if (g > fair) g = fair;
    return g < 1 ? 1 : g;
}

#elif CK_PART == CK_PART_KERNELS
// Columns of `count` images (starting at image x) for channels [c0, c0 + cg) into col, laid out
// [cg*kh*kw rows, count*oh*ow columns], row stride ld.
static void FN(im2col)(const ck_conv2d_shape *s, const T *x, long count, long c0, long cg, T *col,
                       long ld) {
    const long ohw = s->oh * s->ow, hw = s->h * s->w;
    for (long j = 0; j < count; j++) {
        const T *image = x + (j * s->c + c0) * hw;
        for (long c = 0; c < cg; c++)
            for (long ki = 0; ki < s->kh; ki++)
                for (long kj = 0; kj < s->kw; kj++) {
                    T *row = col + ((c * s->kh + ki) * s->kw + kj) * ld + j * ohw;
                    const long off_h = ki * s->dilation - s->pad, off_w = kj * s->dilation - s->pad;
                    const long lo = first_valid(off_w, s->stride);
                    const long hi = end_valid(off_w, s->stride, s->w, s->ow);
                    for (long oy = 0; oy < s->oh; oy++) {
                        T *dst = row + oy * s->ow;
                        const long iy = oy * s->stride + off_h;
                        if (iy < 0 || iy >= s->h || lo >= hi) {
                            memset(dst, 0, sizeof(T) * s->ow);
                            continue;
                        }
                        const T *src = image + c * hw + iy * s->w + off_w;
                        for (long ox = 0; ox < lo; ox++) dst[ox] = 0;
                        if (s->stride == 1) memcpy(dst + lo, src + lo, sizeof(T) * (hi - lo));
                        else for (long ox = lo; ox < hi; ox++) dst[ox] = src[ox * s->stride];
                        for (long ox = hi; ox < s->ow; ox++) dst[ox] = 0;
                    }
                }
    }
}

// The adjoint of im2col: adds columns back onto the (already zeroed) image gradients.
static void FN(col2im)(const ck_conv2d_shape *s, const T *col, long ld, long count, long c0, long cg,
                       T *gx) {
    const long ohw = s->oh * s->ow, hw = s->h * s->w;
    for (long j = 0; j < count; j++) {
        T *image = gx + (j * s->c + c0) * hw;
        for (long c = 0; c < cg; c++)
            for (long ki = 0; ki < s->kh; ki++)
                for (long kj = 0; kj < s->kw; kj++) {
                    const T *row = col + ((c * s->kh + ki) * s->kw + kj) * ld + j * ohw;
                    const long off_h = ki * s->dilation - s->pad, off_w = kj * s->dilation - s->pad;
                    const long lo = first_valid(off_w, s->stride);
                    const long hi = end_valid(off_w, s->stride, s->w, s->ow);
                    for (long oy = 0; oy < s->oh; oy++) {
                        const long iy = oy * s->stride + off_h;
                        if (iy < 0 || iy >= s->h) continue;
                        const T *src = row + oy * s->ow;
                        T *dst = image + c * hw + iy * s->w + off_w;
                        if (s->stride == 1) for (long ox = lo; ox < hi; ox++) dst[ox] += src[ox];
                        else for (long ox = lo; ox < hi; ox++) dst[ox * s->stride] += src[ox];
                    }
                }
    }
}

// Scratch per part: columns, a gathered output block, and (backward) column gradients.
static size_t FN(conv_scratch_elements)(const ck_conv2d_shape *s, long per_gemm, int backward) {
    const long cg = s->c / s->groups, og = s->o / s->groups;
    const long ckk = cg * s->kh * s->kw, cols = per_gemm * s->oh * s->ow;
    return (size_t)(ckk * cols + og * cols + (backward ? ckk * cols : 0));
}

static void CHUNK(conv_forward)(void *context, long unused_begin, long unused_end) {
    (void)unused_begin; (void)unused_end;
    CTX(conv) *k = context;
    const ck_conv2d_shape *s = k->s;
    const long cg = s->c / s->groups, og = s->o / s->groups, ckk = cg * s->kh * s->kw;
    const long ohw = s->oh * s->ow, hw = s->h * s->w;
    const int pointwise = s->kh == 1 && s->kw == 1 && s->stride == 1 && s->pad == 0;
    T *scratch = ck_scratch(CK_SCRATCH_WORK, sizeof(T) * FN(conv_scratch_elements)(s, k->per_gemm, 0));
    T *col = scratch, *block = scratch + ckk * k->per_gemm * ohw;
    for (;;) {
        const long q = __atomic_fetch_add(&k->next, 1, __ATOMIC_RELAXED);
        if (q >= k->chunks) break;
        {
            const long i0 = q * k->per_gemm;
            const long count = i0 + k->per_gemm <= s->n ? k->per_gemm : s->n - i0;
            const long cols = count * ohw;
            for (long g = 0; g < s->groups; g++) {
                const T *wg = k->w + g * og * ckk;
                const T *b = col;
                long ldb = cols;
                if (pointwise && count == 1) { b = k->x + (i0 * s->c + g * cg) * hw; ldb = hw; }
                else FN(im2col)(s, k->x + i0 * s->c * hw, count, g * cg, cg, col, cols);
                if (count == 1) {
                    API(ck_gemm)(0, 0, og, cols, ckk, 1, wg, ckk, b, ldb, 0,
                                k->y + (i0 * s->o + g * og) * ohw, ohw);
                } else {
                    API(ck_gemm)(0, 0, og, cols, ckk, 1, wg, ckk, b, ldb, 0, block, cols);
                    for (long j = 0; j < count; j++)
                        for (long o = 0; o < og; o++)
                            memcpy(k->y + ((i0 + j) * s->o + g * og + o) * ohw,
                                   block + o * cols + j * ohw, sizeof(T) * ohw);
                }
            }
            if (k->bias)
                for (long j = 0; j < count; j++)
                    for (long o = 0; o < s->o; o++) {
                        T *out = k->y + ((i0 + j) * s->o + o) * ohw;
                        const T bo = k->bias[o];
                        for (long t = 0; t < ohw; t++) out[t] += bo;
                    }
        }
    }
}

static void CHUNK(conv_backward)(void *context, long unused_begin, long unused_end) {
    (void)unused_begin; (void)unused_end;
    CTX(conv) *k = context;
    const ck_conv2d_shape *s = k->s;
    const long cg = s->c / s->groups, og = s->o / s->groups, ckk = cg * s->kh * s->kw;
    const long ohw = s->oh * s->ow, hw = s->h * s->w;
    const int pointwise = s->kh == 1 && s->kw == 1 && s->stride == 1 && s->pad == 0;
    T *scratch = ck_scratch(CK_SCRATCH_WORK, sizeof(T) * FN(conv_scratch_elements)(s, k->per_gemm, 1));
    T *col = scratch, *block = col + ckk * k->per_gemm * ohw, *dcol = block + og * k->per_gemm * ohw;
    for (;;) {
        const long p = __atomic_fetch_add(&k->next, 1, __ATOMIC_RELAXED);
        if (p >= k->slabs) break;
        T *pw = k->partials + p * (s->o * ckk + s->o), *pb = pw + s->o * ckk;
        if (k->want_gw) memset(pw, 0, sizeof(T) * s->o * ckk);
        if (k->want_gb) memset(pb, 0, sizeof(T) * s->o);
        const long q0 = p * k->chunks / k->slabs, q1 = (p + 1) * k->chunks / k->slabs;
        for (long q = q0; q < q1; q++) {
            const long i0 = q * k->per_gemm;
            const long count = i0 + k->per_gemm <= s->n ? k->per_gemm : s->n - i0;
            const long cols = count * ohw;
            if (k->gx) memset(k->gx + i0 * s->c * hw, 0, sizeof(T) * count * s->c * hw);
            for (long g = 0; g < s->groups; g++) {
                const T *wg = k->w + g * og * ckk;
                // The output gradient of this group as [og, cols].
                const T *gyg = k->gy + (i0 * s->o + g * og) * ohw;
                long ldg = ohw;
                if (count > 1) {
                    for (long j = 0; j < count; j++)
                        for (long o = 0; o < og; o++)
                            memcpy(block + o * cols + j * ohw,
                                   k->gy + ((i0 + j) * s->o + g * og + o) * ohw, sizeof(T) * ohw);
                    gyg = block;
                    ldg = cols;
                }
                if (k->want_gw) {
                    const T *b = col;
                    long ldb = cols;
                    if (pointwise && count == 1) { b = k->x + (i0 * s->c + g * cg) * hw; ldb = hw; }
                    else FN(im2col)(s, k->x + i0 * s->c * hw, count, g * cg, cg, col, cols);
                    API(ck_gemm)(0, 1, og, ckk, cols, 1, gyg, ldg, b, ldb, 1, pw + g * og * ckk, ckk);
                }
                if (k->gx) {
                    if (pointwise && count == 1) {
                        API(ck_gemm)(1, 0, ckk, cols, og, 1, wg, ckk, gyg, ldg, 0,
                                    k->gx + (i0 * s->c + g * cg) * hw, hw);
                    } else {
                        API(ck_gemm)(1, 0, ckk, cols, og, 1, wg, ckk, gyg, ldg, 0, dcol, cols);
                        FN(col2im)(s, dcol, cols, count, g * cg, cg, k->gx + i0 * s->c * hw);
                    }
                }
                if (k->want_gb)
                    for (long o = 0; o < og; o++) {
                        const T *row = gyg + o * ldg;
                        T acc = 0;
                        for (long t = 0; t < cols; t++) acc += row[t];
                        pb[g * og + o] += acc;
                    }
            }
        }
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_conv2d_im2col_forward)(const ck_conv2d_shape *s, const T *x, const T *w, const T *bias, T *y) {
    if (s->n == 0) return;
    const long threads = ck_max_threads();
    CTX(conv) k = {s, x, w, bias, NULL, y, NULL, NULL, 0, 0, 0, 0, 0, 0};
    // Sized for a fixed thread count, as in backward: OpenBLAS's result for an image's columns
    // can depend on how many columns the gemm has (ThreadCountIndependenceTests).
    k.per_gemm = FN(conv_images_per_gemm)(s, CONV_CHUNKING_THREADS);
    k.chunks = (s->n + k.per_gemm - 1) / k.per_gemm;
    ck_parallel_for(k.chunks < threads ? k.chunks : threads, 1, CHUNK(conv_forward), &k);
}

void FN(ck_conv2d_im2col_backward)(const ck_conv2d_shape *s, const T *x, const T *w, const T *gy,
                                   T *gx, T *gw, T *gb) {
    const long ckk = s->c / s->groups * s->kh * s->kw;
    if (s->n == 0) {
        if (gw) memset(gw, 0, sizeof(T) * s->o * ckk);
        if (gb) memset(gb, 0, sizeof(T) * s->o);
        return;
    }
    const long threads = ck_max_threads();
    CTX(conv) k = {s, x, w, NULL, gy, NULL, gx, NULL, gw != NULL, gb != NULL, 0, 0, 0, 0};
    // Chunks sized for a fixed thread count, not the actual one: a chunk's images are summed
    // inside one gemm, so a chunk size that followed the threads would make the weight gradient
    // (and every run's results) depend on OMP_NUM_THREADS.
    k.per_gemm = FN(conv_images_per_gemm)(s, CONV_CHUNKING_THREADS);
    k.chunks = (s->n + k.per_gemm - 1) / k.per_gemm;
    // A fixed number of slabs (not one per thread that happens to run), so the summation order
    // is the same on every call.
    k.slabs = k.chunks < CONV_BACKWARD_SLABS ? k.chunks : CONV_BACKWARD_SLABS;
    const long per_part = s->o * ckk + s->o;
    k.partials = ck_scratch(CK_SCRATCH_REDUCE, sizeof(T) * per_part * k.slabs);
    ck_parallel_for(k.slabs < threads ? k.slabs : threads, 1, CHUNK(conv_backward), &k);
    // Parts are summed in a fixed order, so results do not depend on thread timing.
    if (gw) {
        memcpy(gw, k.partials, sizeof(T) * s->o * ckk);
        for (long p = 1; p < k.slabs; p++) {
            const T *pw = k.partials + p * per_part;
            for (long i = 0; i < s->o * ckk; i++) gw[i] += pw[i];
        }
    }
    if (gb) {
        memcpy(gb, k.partials + s->o * ckk, sizeof(T) * s->o);
        for (long p = 1; p < k.slabs; p++) {
            const T *pb = k.partials + p * per_part + s->o * ckk;
            for (long i = 0; i < s->o; i++) gb[i] += pb[i];
        }
    }
}
#endif
