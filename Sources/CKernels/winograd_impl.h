// Template body of winograd.c, instantiated for float and double through ckernels_instantiate.h
// (T, S, BY_TYPE) in three parts: the context, the workers (once per instruction set), the entry
// points. The method and its transforms: Documentation/Performance.md, "Winograd convolutions".
//
// Activations are channel-blocked, [n][c / B][h][w][B] with B = 1 (NCHW), 8 or 16; the channels
// are whole blocks. A tile is a 2x2 patch of the output and the 4x4 patch of the input it reads;
// tiles run over (image, tile row, tile column). Transformed tiles are kept as 16 matrices, one
// per position xi of the 4x4 transform: V[xi][tile][cin], M[xi][tile][cout], and the filters'
// U[xi][o][c]. Forward (cin = c, cout = o): M[xi] = V[xi] U[xi]^T. Data gradient (cin = o, cout
// = c): the convolution of gy by the filters flipped in both axes with c and o swapped, whose
// matrices are U[s(xi)] with the positions 0 and 3 of each axis swapped (G J = P G for the row
// reversal J and the swap P of rows 0 and 3), so M[xi] = V[xi] U[s(xi)].

#if CK_PART == CK_PART_SHARED
typedef struct {
    const T *x, *u, *bias, *w, *gy;
    T *y, *v, *m, *u_out, *gw;
    long n, cin, cout, h, wd, block, tiles_h, tiles_w, tiles;
    long first_tile, rows;  // the weight gradient's current chunk of tiles
    int accumulate, relu, data_gradient;
} CTX(winograd);

#elif CK_PART == CK_PART_KERNELS
// The tile transforms for each block size (winograd_tiles.h).
typedef T CAT(FN(winograd_vector), 8) __attribute__((vector_size(8 * sizeof(T))));
typedef T CAT(FN(winograd_vector), 16) __attribute__((vector_size(16 * sizeof(T))));
#define WB 1
#define WV T
#include "winograd_tiles.h"
#undef WB
#undef WV
#define WB 8
#define WV CAT(FN(winograd_vector), 8)
#include "winograd_tiles.h"
#undef WB
#undef WV
#define WB 16
#define WV CAT(FN(winograd_vector), 16)
#include "winograd_tiles.h"
#undef WB
#undef WV

#define WINOGRAD_BY_BLOCK(name, ...)                                   \
    switch (k->block) {                                                \
    case 8: CAT(name, 8)(__VA_ARGS__); break;                          \
    case 16: CAT(name, 16)(__VA_ARGS__); break;                        \
    default: CAT(name, 1)(__VA_ARGS__); break;                         \
    }

// M[xi] for the `rows` tiles of v, xi in [xi0, xi1).
static void FN(winograd_products)(const CTX(winograd) *k, const T *v, T *m, long rows, long xi0, long xi1) {
    static const int swapped[4] = {3, 1, 2, 0};
    const int cin = (int)k->cin, cout = (int)k->cout;
    for (long xi = xi0; xi < xi1; xi++) {
        const long filters = k->data_gradient ? swapped[xi / 4] * 4 + swapped[xi % 4] : xi;
        BY_TYPE(cblas_sgemm, cblas_dgemm)(CblasRowMajor, CblasNoTrans, k->data_gradient ? CblasNoTrans : CblasTrans, (int)rows, cout,
                                          cin, 1, v + xi * rows * cin, cin, k->u + filters * cin * cout, k->data_gradient ? cout : cin,
                                          0, m + xi * rows * cout, cout);
    }
}

// Many tiles: the tiles are cut into chunks by the shape alone (so the results do not depend on
// the thread count); each thread takes whole chunks through all three steps, so that a chunk's V
// and M stay in cache (the products run single-threaded inside the parallel region).
#define WINOGRAD_CHUNK 64
static void CHUNK(winograd_tiles)(void *context, long chunk0, long chunk1) {
    const CTX(winograd) *k = context;
    const size_t v_bytes = 16 * WINOGRAD_CHUNK * k->cin * sizeof(T), m_bytes = 16 * WINOGRAD_CHUNK * k->cout * sizeof(T);
    T *v = ck_storage_acquire(v_bytes), *m = ck_storage_acquire(m_bytes);
    for (long chunk = chunk0; chunk < chunk1; chunk++) {
        const long a = chunk * WINOGRAD_CHUNK, b = a + WINOGRAD_CHUNK < k->tiles ? a + WINOGRAD_CHUNK : k->tiles, rows = b - a;
        WINOGRAD_BY_BLOCK(FN(winograd_input_tiles), k, a, b, v, rows, 0)
        FN(winograd_products)(k, v, m, rows, 0, 16);
        WINOGRAD_BY_BLOCK(FN(winograd_output_tiles), k, a, b, m, rows, 0)
    }
    ck_storage_release(v, v_bytes);
    ck_storage_release(m, m_bytes);
}

// Few tiles and many channels (the deepest layers): every tile is transformed first, then the 16
// products run one per thread at a time, so that each thread reads its U[xi] once.
static void CHUNK(winograd_input_all)(void *context, long t0, long t1) {
    const CTX(winograd) *k = context;
    WINOGRAD_BY_BLOCK(FN(winograd_input_tiles), k, t0, t1, k->v, k->tiles, t0)
}
static void CHUNK(winograd_products_all)(void *context, long xi0, long xi1) {
    const CTX(winograd) *k = context;
    FN(winograd_products)(k, k->v, k->m, k->tiles, xi0, xi1);
}
static void CHUNK(winograd_output_all)(void *context, long t0, long t1) {
    const CTX(winograd) *k = context;
    WINOGRAD_BY_BLOCK(FN(winograd_output_tiles), k, t0, t1, k->m, k->tiles, t0)
}

// The weight gradient, a chunk of tiles at a time (chunks fixed by the shape, so that the sums
// do not depend on the thread count): the input tiles V and output-gradient tiles dM of the
// chunk, then dU[xi] += dM[xi]^T V[xi] for each xi, one product per thread at a time, the
// chunks added in order. `m` holds dM, `u_out` dU [16][o][c].
static void CHUNK(winograd_gradient_transforms)(void *context, long t0, long t1) {
    const CTX(winograd) *k = context;
    WINOGRAD_BY_BLOCK(FN(winograd_input_tiles), k, k->first_tile + t0, k->first_tile + t1, k->v, k->rows, t0)
    WINOGRAD_BY_BLOCK(FN(winograd_gradient_tiles), k, k->first_tile + t0, k->first_tile + t1, k->m, k->rows, t0)
}
static void CHUNK(winograd_gradient_products)(void *context, long xi0, long xi1) {
    const CTX(winograd) *k = context;
    const int cin = (int)k->cin, cout = (int)k->cout, rows = (int)k->rows;
    for (long xi = xi0; xi < xi1; xi++)
        BY_TYPE(cblas_sgemm, cblas_dgemm)(CblasRowMajor, CblasTrans, CblasNoTrans, cout, cin, rows, 1, k->m + xi * rows * cout, cout,
                                          k->v + xi * rows * cin, cin, k->first_tile ? 1 : 0, k->u_out + xi * cout * cin, cin);
}
#undef WINOGRAD_BY_BLOCK

// gw[o][c] = G^T dU[o][c] G for the outputs [o0, o1) (the transpose of the weight transform
// below), eight input channels at a time as vectors.
static void CHUNK(winograd_gradient_filters)(void *context, long o0, long o1) {
    typedef CAT(FN(winograd_vector), 8) vector;
    const CTX(winograd) *k = context;
    const long C = k->cin, O = k->cout, step = O * C;
    const vector half = (vector){0} + (T)0.5;
    for (long o = o0; o < o1; o++)
        for (long c = 0; c < C; c += 8) {
            const long lanes = C - c < 8 ? C - c : 8;
            vector d[4][4], p[3][4];
            for (int xi = 0; xi < 16; xi++) {
                memset(&d[xi / 4][xi % 4], 0, sizeof(vector));
                memcpy(&d[xi / 4][xi % 4], k->u_out + xi * step + o * C + c, (size_t)lanes * sizeof(T));
            }
            for (int j = 0; j < 4; j++) {
                p[0][j] = d[0][j] + half * (d[1][j] + d[2][j]);
                p[1][j] = half * (d[1][j] - d[2][j]);
                p[2][j] = half * (d[1][j] + d[2][j]) + d[3][j];
            }
            T g[9][8];
            for (int i = 0; i < 3; i++) {
                const vector r[3] = {p[i][0] + half * (p[i][1] + p[i][2]), half * (p[i][1] - p[i][2]),
                                     half * (p[i][1] + p[i][2]) + p[i][3]};
                for (int j = 0; j < 3; j++) memcpy(g[3 * i + j], &r[j], sizeof(vector));
            }
            for (long b = 0; b < lanes; b++)
                for (int i = 0; i < 9; i++) k->gw[(o * C + c + b) * 9 + i] = g[i][b];
        }
}

// U[xi][o][c] = (G g G^T)[xi] for the filters g = w[o][c] of outputs [o0, o1), with
// G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]; eight filters (consecutive c) at a time as
// vectors, the last group padded with zeros. Reads w in order and writes 16 rows in order.
static void CHUNK(winograd_weights)(void *context, long o0, long o1) {
    typedef CAT(FN(winograd_vector), 8) vector;
    const CTX(winograd) *k = context;
    const long C = k->cin, O = k->cout, step = O * C;  // step: from one xi to the next
    const vector half = (vector){0} + (T)0.5;
    for (long o = o0; o < o1; o++)
        for (long c = 0; c < C; c += 8) {
            const long lanes = C - c < 8 ? C - c : 8;
            T g[9][8] = {{0}};
            for (long b = 0; b < lanes; b++)
                for (int i = 0; i < 9; i++) g[i][b] = k->w[(o * C + c + b) * 9 + i];
            vector f[9], a[4][3];
            memcpy(f, g, sizeof f);
            for (int j = 0; j < 3; j++) {
                a[0][j] = f[j];
                a[1][j] = half * (f[j] + f[3 + j] + f[6 + j]);
                a[2][j] = half * (f[j] - f[3 + j] + f[6 + j]);
                a[3][j] = f[6 + j];
            }
            T *u = k->u_out + o * C + c;
            for (int i = 0; i < 4; i++) {
                const vector r[4] = {a[i][0], half * (a[i][0] + a[i][1] + a[i][2]), half * (a[i][0] - a[i][1] + a[i][2]), a[i][2]};
                for (int j = 0; j < 4; j++) memcpy(u + (4 * i + j) * step, &r[j], (size_t)lanes * sizeof(T));
            }
        }
}

#elif CK_PART == CK_PART_ENTRIES
void API(ck_winograd3x3_weights)(const T *w, long o, long c, T *u) {
    CTX(winograd) k = {.w = w, .u_out = u, .cin = c, .cout = o};
    ck_parallel_for(o, 4, CHUNK(winograd_weights), &k);
}

void API(ck_winograd3x3)(const T *x, long n, long c, long h, long w, long block, const T *u, long o, const T *bias, T *y,
                         int accumulate, int relu, int data_gradient) {
    CTX(winograd) k = {.x = x, .u = u, .bias = bias, .y = y, .n = n, .cin = data_gradient ? o : c, .cout = data_gradient ? c : o,
                       .h = h, .wd = w, .block = block, .tiles_h = (h + 1) / 2, .tiles_w = (w + 1) / 2, .accumulate = accumulate,
                       .relu = relu, .data_gradient = data_gradient};
    count_call();
    k.tiles = n * k.tiles_h * k.tiles_w;
    if (k.tiles >= k.cin) {
        ck_parallel_for((k.tiles + WINOGRAD_CHUNK - 1) / WINOGRAD_CHUNK, 1, CHUNK(winograd_tiles), &k);
        return;
    }
    const size_t v_bytes = 16 * k.tiles * k.cin * sizeof(T), m_bytes = 16 * k.tiles * k.cout * sizeof(T);
    k.v = ck_storage_acquire(v_bytes), k.m = ck_storage_acquire(m_bytes);
    ck_parallel_for(k.tiles, 16, CHUNK(winograd_input_all), &k);
    ck_parallel_for(16, 1, CHUNK(winograd_products_all), &k);
    ck_parallel_for(k.tiles, 16, CHUNK(winograd_output_all), &k);
    ck_storage_release(k.v, v_bytes);
    ck_storage_release(k.m, m_bytes);
}

// Tiles per chunk of the weight gradient: products long enough to run near the GEMM's peak, V
// and dM of a chunk a few MB.
#define WINOGRAD_GRADIENT_CHUNK 256

void API(ck_winograd3x3_weight_gradient)(const T *x, const T *gy, long n, long c, long h, long w, long block, long o, T *gw) {
    CTX(winograd) k = {.x = x, .gy = gy, .gw = gw, .n = n, .cin = c, .cout = o, .h = h, .wd = w, .block = block,
                       .tiles_h = (h + 1) / 2, .tiles_w = (w + 1) / 2};
    count_call();
    k.tiles = n * k.tiles_h * k.tiles_w;
    const long chunk = k.tiles < WINOGRAD_GRADIENT_CHUNK ? k.tiles : WINOGRAD_GRADIENT_CHUNK;
    const size_t v_bytes = 16 * chunk * c * sizeof(T), m_bytes = 16 * chunk * o * sizeof(T), u_bytes = 16 * c * o * sizeof(T);
    k.v = ck_storage_acquire(v_bytes), k.m = ck_storage_acquire(m_bytes), k.u_out = ck_storage_acquire(u_bytes);
    for (k.first_tile = 0; k.first_tile < k.tiles; k.first_tile += chunk) {
        k.rows = k.tiles - k.first_tile < chunk ? k.tiles - k.first_tile : chunk;
        ck_parallel_for(k.rows, 16, CHUNK(winograd_gradient_transforms), &k);
        ck_parallel_for(16, 1, CHUNK(winograd_gradient_products), &k);
    }
    ck_parallel_for(o, 4, CHUNK(winograd_gradient_filters), &k);
    ck_storage_release(k.v, v_bytes);
    ck_storage_release(k.m, m_bytes);
    ck_storage_release(k.u_out, u_bytes);
}
#endif
