// The tile transforms of winograd_impl.h for one block size, included there once per size with
// WB (lanes per block: 1, 8 or 16) and WV (a vector of WB elements of T, or T itself for 1)
// defined: one block of a tile is transformed as whole vectors, whatever the instruction set.

// Tiles [t0, t1) of x into rows base.. of V (`rows` rows each): B^T d B with
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], sums and differences only.
static void CAT(FN(winograd_input_tiles), WB)(const CTX(winograd) *k, long t0, long t1, T *v, long rows, long base) {
    const long H = k->h, W = k->wd, C = k->cin, blocks = C / WB, per_image = k->tiles_h * k->tiles_w;
    const long step = rows * C;  // from one xi to the next
    for (long t = t0; t < t1; t++) {
        const long n = t / per_image, ty = t % per_image / k->tiles_w, tx = t % k->tiles_w;
        const long y0 = 2 * ty - 1, x0 = 2 * tx - 1;
        const int interior = y0 >= 0 && y0 + 4 <= H && x0 >= 0 && x0 + 4 <= W;
        for (long cb = 0; cb < blocks; cb++) {
            const T *plane = k->x + (n * blocks + cb) * H * W * WB;
            WV d[4][4], e[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    const long yy = y0 + i, xx = x0 + j;
                    if (interior || (yy >= 0 && yy < H && xx >= 0 && xx < W)) memcpy(&d[i][j], plane + (yy * W + xx) * WB, sizeof(WV));
                    else memset(&d[i][j], 0, sizeof(WV));
                }
            for (int j = 0; j < 4; j++) {
                e[0][j] = d[0][j] - d[2][j];
                e[1][j] = d[1][j] + d[2][j];
                e[2][j] = d[2][j] - d[1][j];
                e[3][j] = d[1][j] - d[3][j];
            }
            T *out = v + (t - t0 + base) * C + cb * WB;
            for (int i = 0; i < 4; i++) {
                const WV r[4] = {e[i][0] - e[i][2], e[i][1] + e[i][2], e[i][2] - e[i][1], e[i][1] - e[i][3]};
                for (int j = 0; j < 4; j++) memcpy(out + (4 * i + j) * step, &r[j], sizeof(WV));
            }
        }
    }
}

// Rows base.. of M back to the output tiles [t0, t1): A^T m A with A^T = [1 1 1 0; 0 1 -1 -1],
// plus the bias, written or added (accumulate) into y, then ReLU if asked (NaN passes, as
// ck_unary_ops.h's RELU); a tile's row or column past the edge is dropped.
static void CAT(FN(winograd_output_tiles), WB)(const CTX(winograd) *k, long t0, long t1, const T *m, long rows, long base) {
    const long H = k->h, W = k->wd, O = k->cout, blocks = O / WB, per_image = k->tiles_h * k->tiles_w;
    const long step = rows * O;
    for (long t = t0; t < t1; t++) {
        const long n = t / per_image, ty = t % per_image / k->tiles_w, tx = t % k->tiles_w;
        for (long ob = 0; ob < blocks; ob++) {
            const T *in = m + (t - t0 + base) * O + ob * WB;
            WV a[4][4], e[2][4];
            for (int xi = 0; xi < 16; xi++) memcpy(&a[xi / 4][xi % 4], in + xi * step, sizeof(WV));
            for (int j = 0; j < 4; j++) {
                e[0][j] = a[0][j] + a[1][j] + a[2][j];
                e[1][j] = a[1][j] - a[2][j] - a[3][j];
            }
            WV bias;
            if (k->bias) memcpy(&bias, k->bias + ob * WB, sizeof(WV));
            else memset(&bias, 0, sizeof(WV));
            T *plane = k->y + (n * blocks + ob) * H * W * WB;
            for (int i = 0; i < 2 && 2 * ty + i < H; i++) {
                const WV row[2] = {e[i][0] + e[i][1] + e[i][2], e[i][1] - e[i][2] - e[i][3]};
                for (int j = 0; j < 2 && 2 * tx + j < W; j++) {
                    T *out = plane + ((2 * ty + i) * W + 2 * tx + j) * WB;
                    WV value = row[j] + bias, before;
                    if (k->accumulate) {
                        memcpy(&before, out, sizeof(WV));
                        value = before + value;
                    }
                    T lanes[WB];
                    memcpy(lanes, &value, sizeof(WV));
                    if (k->relu)
                        for (int b = 0; b < WB; b++) lanes[b] = lanes[b] < 0 ? 0 : lanes[b];
                    memcpy(out, lanes, sizeof(WV));
                }
            }
        }
    }
}

// Output-gradient tiles [t0, t1) of gy (cout channels) into rows base.. of dM: A g A^T with
// A = [1 0; 1 1; 1 -1; 0 -1] for each 2x2 tile g (zeros past the edge), the transform the
// weight gradient multiplies the input tiles by.
static void CAT(FN(winograd_gradient_tiles), WB)(const CTX(winograd) *k, long t0, long t1, T *dm, long rows, long base) {
    const long H = k->h, W = k->wd, O = k->cout, blocks = O / WB, per_image = k->tiles_h * k->tiles_w;
    const long step = rows * O;
    for (long t = t0; t < t1; t++) {
        const long n = t / per_image, ty = t % per_image / k->tiles_w, tx = t % k->tiles_w;
        for (long ob = 0; ob < blocks; ob++) {
            const T *plane = k->gy + (n * blocks + ob) * H * W * WB;
            WV g[2][2], r[4][2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    const long yy = 2 * ty + i, xx = 2 * tx + j;
                    if (yy < H && xx < W) memcpy(&g[i][j], plane + (yy * W + xx) * WB, sizeof(WV));
                    else memset(&g[i][j], 0, sizeof(WV));
                }
            for (int j = 0; j < 2; j++) {
                r[0][j] = g[0][j];
                r[1][j] = g[0][j] + g[1][j];
                r[2][j] = g[0][j] - g[1][j];
                r[3][j] = -g[1][j];
            }
            T *out = dm + (t - t0 + base) * O + ob * WB;
            for (int i = 0; i < 4; i++) {
                const WV q[4] = {r[i][0], r[i][0] + r[i][1], r[i][0] - r[i][1], -r[i][1]};
                for (int j = 0; j < 4; j++) memcpy(out + (4 * i + j) * step, &q[j], sizeof(WV));
            }
        }
    }
}
