// Template body, instantiated for float and double by pool.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// Each (image, channel) plane is pooled independently; planes are spread over threads.

#if CK_PART == CK_PART_SHARED
typedef struct {
    const ck_pool2d_shape *s;
    const T *x, *gy;
    T *y, *gx;
    const int32_t *argmax_in;
    int32_t *argmax;
} CTX(pool);

#elif CK_PART == CK_PART_KERNELS
static void CHUNK(maxpool_fw)(void *context, long p0, long p1) {
    CTX(pool) *k = context;
    const ck_pool2d_shape *s = k->s;
    for (long p = p0; p < p1; p++) {
        const T *x = k->x + p * s->h * s->w;
        T *y = k->y + p * s->oh * s->ow;
        int32_t *arg = k->argmax + p * s->oh * s->ow;
        for (long oy = 0; oy < s->oh; oy++) {
            const long y0 = oy * s->stride - s->pad;
            const long ya = y0 < 0 ? 0 : y0, yb = y0 + s->kernel < s->h ? y0 + s->kernel : s->h;
            for (long ox = 0; ox < s->ow; ox++) {
                const long x0 = ox * s->stride - s->pad;
                const long xa = x0 < 0 ? 0 : x0, xb = x0 + s->kernel < s->w ? x0 + s->kernel : s->w;
                // Fast pass: strict > keeps the first maximum; a NaN anywhere sends the window
                // to the slow pass, which propagates it as PyTorch does.
                T best = x[ya * s->w + xa];
                long where = ya * s->w + xa;
                int has_nan = 0;
                for (long iy = ya; iy < yb; iy++)
                    for (long ix = xa; ix < xb; ix++) {
                        const T v = x[iy * s->w + ix];
                        has_nan |= v != v;
                        if (v > best) { best = v; where = iy * s->w + ix; }
                    }
                if (has_nan) {
                    for (long iy = ya; iy < yb && best == best; iy++)
                        for (long ix = xa; ix < xb; ix++) {
                            const T v = x[iy * s->w + ix];
                            if (v != v) { best = v; where = iy * s->w + ix; break; }
                        }
                }
                y[oy * s->ow + ox] = best;
                arg[oy * s->ow + ox] = (int32_t)where;
            }
        }
    }
}

static void CHUNK(maxpool_bw)(void *context, long p0, long p1) {
    CTX(pool) *k = context;
    const ck_pool2d_shape *s = k->s;
    for (long p = p0; p < p1; p++) {
        T *gx = k->gx + p * s->h * s->w;
        const T *gy = k->gy + p * s->oh * s->ow;
        const int32_t *arg = k->argmax_in + p * s->oh * s->ow;
        memset(gx, 0, sizeof(T) * s->h * s->w);
        for (long i = 0; i < s->oh * s->ow; i++)
            if (arg[i] >= 0) gx[arg[i]] += gy[i];
    }
}

static void CHUNK(avgpool_fw)(void *context, long p0, long p1) {
    CTX(pool) *k = context;
    const ck_pool2d_shape *s = k->s;
    for (long p = p0; p < p1; p++) {
        const T *x = k->x + p * s->h * s->w;
        T *y = k->y + p * s->oh * s->ow;
        for (long oy = 0; oy < s->oh; oy++) {
            long ya, yb, xa, xb;
            const long rows = pool_window(oy, s->stride, s->pad, s->kernel, s->h, &ya, &yb);
            for (long ox = 0; ox < s->ow; ox++) {
                const long cols = pool_window(ox, s->stride, s->pad, s->kernel, s->w, &xa, &xb);
                T acc = 0;
                for (long iy = ya; iy < yb; iy++)
                    for (long ix = xa; ix < xb; ix++) acc += x[iy * s->w + ix];
                y[oy * s->ow + ox] = acc / (T)(rows * cols);
            }
        }
    }
}

static void CHUNK(avgpool_bw)(void *context, long p0, long p1) {
    CTX(pool) *k = context;
    const ck_pool2d_shape *s = k->s;
    for (long p = p0; p < p1; p++) {
        T *gx = k->gx + p * s->h * s->w;
        const T *gy = k->gy + p * s->oh * s->ow;
        memset(gx, 0, sizeof(T) * s->h * s->w);
        for (long oy = 0; oy < s->oh; oy++) {
            long ya, yb, xa, xb;
            const long rows = pool_window(oy, s->stride, s->pad, s->kernel, s->h, &ya, &yb);
            for (long ox = 0; ox < s->ow; ox++) {
                const long cols = pool_window(ox, s->stride, s->pad, s->kernel, s->w, &xa, &xb);
                const T share = gy[oy * s->ow + ox] / (T)(rows * cols);
                for (long iy = ya; iy < yb; iy++)
                    for (long ix = xa; ix < xb; ix++) gx[iy * s->w + ix] += share;
            }
        }
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_maxpool2d_forward)(const ck_pool2d_shape *s, const T *x, T *y, int32_t *argmax) {
    CTX(pool) k = {s, x, NULL, y, NULL, NULL, argmax};
    ck_parallel_for(s->planes, pool_grain(s), CHUNK(maxpool_fw), &k);
}

void FN(ck_maxpool2d_backward)(const ck_pool2d_shape *s, const int32_t *argmax, const T *gy, T *gx) {
    CTX(pool) k = {s, NULL, gy, NULL, gx, argmax, NULL};
    ck_parallel_for(s->planes, pool_grain(s), CHUNK(maxpool_bw), &k);
}

void FN(ck_avgpool2d_forward)(const ck_pool2d_shape *s, const T *x, T *y) {
    CTX(pool) k = {s, x, NULL, y, NULL, NULL, NULL};
    ck_parallel_for(s->planes, pool_grain(s), CHUNK(avgpool_fw), &k);
}

void FN(ck_avgpool2d_backward)(const ck_pool2d_shape *s, const T *gy, T *gx) {
    CTX(pool) k = {s, NULL, gy, NULL, gx, NULL, NULL};
    ck_parallel_for(s->planes, pool_grain(s), CHUNK(avgpool_bw), &k);
}
#endif
