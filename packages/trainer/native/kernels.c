/*
 * WebAssembly SIMD kernels of the trainer's WASM backend (see build.sh and
 * src/wasm-kernels/simd-kernels.ts). The module imports the memory of tfjs-backend-wasm and works
 * in place on its tensors: every kernel reads and writes only the buffers it is given, uses no
 * stack, no globals and no data segment (build.sh checks this), so it never touches memory that
 * belongs to the backend's own allocator.
 *
 * Layouts are channel-last (NHWC), float32.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define INLINE static inline __attribute__((always_inline))

/* Output pixels accumulated per pass over the taps: keeps x and dy of a chunk in L1/L2. */
#define CHUNK_PIXELS 1024

/* Geometry of a filter gradient pass: one tap, a range of images, rows and columns. */
typedef struct {
  const float *x;
  const float *dy;
  int img_lo, img_hi;
  int row_lo, row_hi; /* output rows whose input row (row·sh + tap_h − pad_top) is inside */
  int col_lo, col_hi; /* output columns likewise */
  int h, w, ci, oh, ow, co;
  int sh, sw;
  int in_row_off, in_col_off; /* tap_h − pad_top, tap_w − pad_left */
} pass_t;

/*
 * acc[c][v] += x[pixel, c0 + c] · dy[pixel, j0 + 4v .. j0 + 4v + 3] over the pass's pixels, for
 * CB input channels and VB vectors of 4 output channels; d points at dw[tap, c0, j0].
 */
#define DEFINE_BLOCK(CB, VB)                                                              \
  INLINE void block_##CB##_##VB(const pass_t *p, float *d, int c0, int j0) {             \
    v128_t acc[CB][VB];                                                                   \
    for (int c = 0; c < CB; c++)                                                          \
      for (int v = 0; v < VB; v++)                                                        \
        acc[c][v] = wasm_v128_load(d + c * p->co + 4 * v);                                \
    const int xstep = p->sw * p->ci;                                                      \
    const int count = p->col_hi - p->col_lo;                                              \
    for (int img = p->img_lo; img < p->img_hi; img++) {                                   \
      for (int r = p->row_lo; r < p->row_hi; r++) {                                       \
        const int ir = r * p->sh + p->in_row_off;                                         \
        const float *xr =                                                                 \
            p->x + ((img * p->h + ir) * p->w + p->col_lo * p->sw + p->in_col_off) * p->ci + \
            c0;                                                                           \
        const float *dr = p->dy + ((img * p->oh + r) * p->ow + p->col_lo) * p->co + j0;   \
        for (int q = 0; q < count; q++) {                                                 \
          v128_t g[VB];                                                                   \
          for (int v = 0; v < VB; v++) g[v] = wasm_v128_load(dr + 4 * v);                 \
          for (int c = 0; c < CB; c++) {                                                  \
            const v128_t xs = wasm_v128_load32_splat(xr + c);                             \
            for (int v = 0; v < VB; v++)                                                  \
              acc[c][v] = wasm_f32x4_add(acc[c][v], wasm_f32x4_mul(xs, g[v]));            \
          }                                                                               \
          xr += xstep;                                                                    \
          dr += p->co;                                                                    \
        }                                                                                 \
      }                                                                                   \
    }                                                                                     \
    for (int c = 0; c < CB; c++)                                                          \
      for (int v = 0; v < VB; v++)                                                        \
        wasm_v128_store(d + c * p->co + 4 * v, acc[c][v]);                                \
  }

DEFINE_BLOCK(1, 1)
DEFINE_BLOCK(2, 1)
DEFINE_BLOCK(3, 1)
DEFINE_BLOCK(4, 1)
DEFINE_BLOCK(1, 2)
DEFINE_BLOCK(2, 2)
DEFINE_BLOCK(3, 2)
DEFINE_BLOCK(4, 2)

/* Output channels j0 .. co − 1 (fewer than 4) of input channel c0 + c, one at a time. */
INLINE void block_tail(const pass_t *p, float *d, int c0, int j0) {
  const int xstep = p->sw * p->ci;
  const int count = p->col_hi - p->col_lo;
  for (int j = j0; j < p->co; j++) {
    float acc = d[j - j0];
    for (int img = p->img_lo; img < p->img_hi; img++) {
      for (int r = p->row_lo; r < p->row_hi; r++) {
        const int ir = r * p->sh + p->in_row_off;
        const float *xr =
            p->x + ((img * p->h + ir) * p->w + p->col_lo * p->sw + p->in_col_off) * p->ci + c0;
        const float *dr = p->dy + ((img * p->oh + r) * p->ow + p->col_lo) * p->co + j;
        for (int q = 0; q < count; q++) {
          acc += *xr * *dr;
          xr += xstep;
          dr += p->co;
        }
      }
    }
    d[j - j0] = acc;
  }
}

/* All input channels c0 .. c0 + cb − 1 (cb ≤ 4) against every output channel. */
INLINE void channel_group(const pass_t *p, float *d, int c0, int cb) {
  int j = 0;
  for (; j + 8 <= p->co; j += 8) {
    float *dj = d + c0 * p->co + j;
    switch (cb) {
      case 4: block_4_2(p, dj, c0, j); break;
      case 3: block_3_2(p, dj, c0, j); break;
      case 2: block_2_2(p, dj, c0, j); break;
      default: block_1_2(p, dj, c0, j); break;
    }
  }
  if (j + 4 <= p->co) {
    float *dj = d + c0 * p->co + j;
    switch (cb) {
      case 4: block_4_1(p, dj, c0, j); break;
      case 3: block_3_1(p, dj, c0, j); break;
      case 2: block_2_1(p, dj, c0, j); break;
      default: block_1_1(p, dj, c0, j); break;
    }
    j += 4;
  }
  if (j < p->co) {
    for (int c = 0; c < cb; c++) block_tail(p, d + (c0 + c) * p->co + j, c0 + c, j);
  }
}

/* First output index o ≥ 0 with o·s + off ≥ 0, and the end of those with o·s + off < size. */
INLINE int first_inside(int s, int off) {
  if (off >= 0) return 0;
  return (-off + s - 1) / s;
}
INLINE int end_inside(int s, int off, int size, int out) {
  if (size - 1 - off < 0) return 0;
  const int e = (size - 1 - off) / s + 1;
  return e < out ? e : out;
}

/*
 * Filter gradient of a 2-D convolution (NHWC, dilation 1):
 *   dw[th, tw, c, j] = Σ_{n, r, q} x[n, r·sh + th − pt, q·sw + tw − pl, c] · dy[n, r, q, j]
 * (terms outside x are zero padding). dw is [kh, kw, ci, co], overwritten.
 */
EXPORT("conv2d_filter_grad")
void conv2d_filter_grad(const float *x, const float *dy, float *dw, int n, int h, int w, int ci,
                        int oh, int ow, int co, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int size = kh * kw * ci * co;
  for (int i = 0; i < size; i++) dw[i] = 0.0f;
  int chunk = CHUNK_PIXELS / (oh * ow);
  if (chunk < 1) chunk = 1;
  pass_t p;
  p.x = x;
  p.dy = dy;
  p.h = h;
  p.w = w;
  p.ci = ci;
  p.oh = oh;
  p.ow = ow;
  p.co = co;
  p.sh = sh;
  p.sw = sw;
  for (int n0 = 0; n0 < n; n0 += chunk) {
    p.img_lo = n0;
    p.img_hi = n0 + chunk < n ? n0 + chunk : n;
    for (int th = 0; th < kh; th++) {
      p.in_row_off = th - pt;
      p.row_lo = first_inside(sh, p.in_row_off);
      p.row_hi = end_inside(sh, p.in_row_off, h, oh);
      if (p.row_lo >= p.row_hi) continue;
      for (int tw = 0; tw < kw; tw++) {
        p.in_col_off = tw - pl;
        p.col_lo = first_inside(sw, p.in_col_off);
        p.col_hi = end_inside(sw, p.in_col_off, w, ow);
        if (p.col_lo >= p.col_hi) continue;
        float *d = dw + (th * kw + tw) * ci * co;
        int c0 = 0;
        for (; c0 + 4 <= ci; c0 += 4) channel_group(&p, d, c0, 4);
        if (c0 < ci) channel_group(&p, d, c0, ci - c0);
      }
    }
  }
}

/*
 * Convolution of a zero-padded input with stride s:
 *   out[n, i, j, o] = Σ_{th, tw, k} in[n, i·s + th, j·s + tw, k] · wk[th, tw, k, o]
 * with in [n, hp, wp, cin] (hp ≥ (h − 1)·s + kh, wp ≥ (w − 1)·s + kw) and out [n, h, w, cout]. Blocks of
 * P output pixels of a row × VB vectors of 4 output channels stay in registers while the
 * reduction runs over taps and input channels.
 */
typedef struct {
  const float *in;
  const float *wk;
  float *out;
  int wp, cin, cout, kh, kw;
  int step; /* stride · cin: floats from one output pixel's window to the next one's */
} conv_t;

/* The accumulators' start: the bias, or zero when there is none (bias pointer 0). */
INLINE v128_t conv_start(const float *bias, int o) {
  return bias ? wasm_v128_load(bias + o) : wasm_f32x4_splat(0.0f);
}

#define DEFINE_CONV_BLOCK(P, VB)                                                          \
  INLINE void conv_block_##P##_##VB(const conv_t *p, const float *in, const float *wk,   \
                                    const float *bias, float *out) {                      \
    v128_t acc[P][VB];                                                                    \
    for (int q = 0; q < P; q++)                                                           \
      for (int v = 0; v < VB; v++) acc[q][v] = conv_start(bias, 4 * v);                   \
    const int row = p->wp * p->cin;                                                       \
    /* One row of taps reads kw·cin consecutive inputs and filter rows: one loop. */      \
    const int span = p->kw * p->cin;                                                      \
    for (int th = 0; th < p->kh; th++) {                                                  \
      const float *ip = in + th * row;                                                    \
      const float *wt = wk + th * span * p->cout;                                         \
      for (int k = 0; k < span; k++) {                                                    \
        v128_t g[VB];                                                                     \
        for (int v = 0; v < VB; v++) g[v] = wasm_v128_load(wt + 4 * v);                   \
        for (int q = 0; q < P; q++) {                                                     \
          const v128_t s = wasm_v128_load32_splat(ip + q * p->step);                      \
          for (int v = 0; v < VB; v++)                                                    \
            acc[q][v] = wasm_f32x4_add(acc[q][v], wasm_f32x4_mul(s, g[v]));               \
        }                                                                                 \
        ip += 1;                                                                          \
        wt += p->cout;                                                                    \
      }                                                                                   \
    }                                                                                     \
    for (int q = 0; q < P; q++)                                                           \
      for (int v = 0; v < VB; v++) wasm_v128_store(out + q * p->cout + 4 * v, acc[q][v]); \
  }

DEFINE_CONV_BLOCK(4, 2)
DEFINE_CONV_BLOCK(4, 1)
DEFINE_CONV_BLOCK(1, 2)
DEFINE_CONV_BLOCK(1, 1)

/* Output channels in blocks of 8, then 4 (cout is a multiple of 4), for P pixels. */
#define CONV_CHANNELS(P)                                                         \
  do {                                                                           \
    int o = 0;                                                                   \
    for (; o + 8 <= cout; o += 8)                                                \
      conv_block_##P##_2(&p, ip, wk + o, bias ? bias + o : 0, op + o);           \
    if (o < cout) conv_block_##P##_1(&p, ip, wk + o, bias ? bias + o : 0, op + o); \
  } while (0)

/* See conv_t above, plus bias[o] when bias is not 0; cout must be a multiple of 4. */
EXPORT("conv2d_padded")
void conv2d_padded(const float *in, const float *wk, const float *bias, float *out, int n,
                   int hp, int wp, int cin, int h, int w, int cout, int kh, int kw, int stride) {
  conv_t p;
  p.in = in;
  p.wk = wk;
  p.out = out;
  p.wp = wp;
  p.cin = cin;
  p.cout = cout;
  p.kh = kh;
  p.kw = kw;
  p.step = stride * cin;
  for (int img = 0; img < n; img++) {
    for (int i = 0; i < h; i++) {
      const float *irow = in + ((img * hp + i * stride) * wp) * cin;
      float *orow = out + ((img * h + i) * w) * cout;
      int j = 0;
      for (; j + 4 <= w; j += 4) {
        const float *ip = irow + j * p.step;
        float *op = orow + j * cout;
        CONV_CHANNELS(4);
      }
      for (; j < w; j++) {
        const float *ip = irow + j * p.step;
        float *op = orow + j * cout;
        CONV_CHANNELS(1);
      }
    }
  }
}

/*
 * dst [n, hp, wp, c] = src [n, h, w, c] placed at (top, left), zero elsewhere; source rows and
 * columns that land outside dst are dropped (top and left may be negative).
 */
EXPORT("pad_nhwc")
void pad_nhwc(const float *src, float *dst, int n, int h, int w, int c, int hp, int wp, int top,
              int left) {
  const int total = n * hp * wp * c;
  for (int i = 0; i < total; i++) dst[i] = 0.0f;
  const int r0 = top < 0 ? -top : 0;
  const int r1 = h < hp - top ? h : hp - top;
  const int q0 = left < 0 ? -left : 0;
  const int q1 = w < wp - left ? w : wp - left;
  if (r0 >= r1 || q0 >= q1) return;
  const int len = (q1 - q0) * c;
  for (int img = 0; img < n; img++) {
    for (int r = r0; r < r1; r++) {
      const float *s = src + ((img * h + r) * w + q0) * c;
      float *d = dst + ((img * hp + r + top) * wp + q0 + left) * c;
      for (int k = 0; k < len; k++) d[k] = s[k];
    }
  }
}

/* wt[kh − 1 − th, kw − 1 − tw, o, i] = w[th, tw, i, o]: the filter of the input gradient. */
EXPORT("flip_filter")
void flip_filter(const float *w, float *wt, int kh, int kw, int ci, int co) {
  for (int th = 0; th < kh; th++)
    for (int tw = 0; tw < kw; tw++) {
      const float *s = w + (th * kw + tw) * ci * co;
      float *d = wt + ((kh - 1 - th) * kw + (kw - 1 - tw)) * co * ci;
      for (int i = 0; i < ci; i++)
        for (int o = 0; o < co; o++) d[o * ci + i] = s[i * co + o];
    }
}

/*
 * Batch-norm passes over channel-last data x [pixels, c], c a multiple of 4. Sums run in float32
 * over blocks of BN_BLOCK pixels and add up in float64 (sums[2c]), like the plain-JS kernels.
 */
#define BN_BLOCK 256

INLINE void add_lanes(double *to, v128_t v) {
  to[0] += wasm_f32x4_extract_lane(v, 0);
  to[1] += wasm_f32x4_extract_lane(v, 1);
  to[2] += wasm_f32x4_extract_lane(v, 2);
  to[3] += wasm_f32x4_extract_lane(v, 3);
}

/* sums[k] = Σ (x − shift)[k], sums[c + k] = Σ (x − shift)²[k] (shift: c values). */
EXPORT("bn_sums")
void bn_sums(const float *x, const float *shift, double *sums, int pixels, int c) {
  for (int k = 0; k < 2 * c; k++) sums[k] = 0.0;
  for (int p0 = 0; p0 < pixels; p0 += BN_BLOCK) {
    const int p1 = p0 + BN_BLOCK < pixels ? p0 + BN_BLOCK : pixels;
    for (int v = 0; v < c; v += 4) {
      const v128_t k = wasm_v128_load(shift + v);
      v128_t s = wasm_f32x4_splat(0.0f), q = s;
      const float *xp = x + p0 * c + v;
      for (int p = p0; p < p1; p++, xp += c) {
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(xp), k);
        s = wasm_f32x4_add(s, d);
        q = wasm_f32x4_add(q, wasm_f32x4_mul(d, d));
      }
      add_lanes(sums + v, s);
      add_lanes(sums + c + v, q);
    }
  }
}

/* sums[k] = Σ dy[k], sums[c + k] = Σ dy·(x − mean)[k]. */
EXPORT("bn_grad_sums")
void bn_grad_sums(const float *dy, const float *x, const float *mean, double *sums, int pixels,
                  int c) {
  for (int k = 0; k < 2 * c; k++) sums[k] = 0.0;
  for (int p0 = 0; p0 < pixels; p0 += BN_BLOCK) {
    const int p1 = p0 + BN_BLOCK < pixels ? p0 + BN_BLOCK : pixels;
    for (int v = 0; v < c; v += 4) {
      const v128_t m = wasm_v128_load(mean + v);
      v128_t s = wasm_f32x4_splat(0.0f), q = s;
      const int start = p0 * c + v;
      const float *gp = dy + start;
      const float *xp = x + start;
      for (int p = p0; p < p1; p++, gp += c, xp += c) {
        const v128_t g = wasm_v128_load(gp);
        s = wasm_f32x4_add(s, g);
        q = wasm_f32x4_add(q, wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_v128_load(xp), m)));
      }
      add_lanes(sums + v, s);
      add_lanes(sums + c + v, q);
    }
  }
}

/* y = (x − mean)·a + b per channel. */
EXPORT("bn_apply")
void bn_apply(const float *x, const float *mean, const float *a, const float *b, float *y,
              int pixels, int c) {
  for (int p0 = 0; p0 < pixels; p0 += BN_BLOCK) {
    const int p1 = p0 + BN_BLOCK < pixels ? p0 + BN_BLOCK : pixels;
    for (int v = 0; v < c; v += 4) {
      const v128_t m = wasm_v128_load(mean + v);
      const v128_t av = wasm_v128_load(a + v);
      const v128_t bv = wasm_v128_load(b + v);
      const float *xp = x + p0 * c + v;
      float *yp = y + p0 * c + v;
      for (int p = p0; p < p1; p++, xp += c, yp += c) {
        const v128_t centered = wasm_f32x4_sub(wasm_v128_load(xp), m);
        wasm_v128_store(yp, wasm_f32x4_add(wasm_f32x4_mul(centered, av), bv));
      }
    }
  }
}

/* dx = dy·a + (x − mean)·q + r per channel. */
EXPORT("bn_grad_apply")
void bn_grad_apply(const float *dy, const float *x, const float *mean, const float *a,
                   const float *q, const float *r, float *dx, int pixels, int c) {
  for (int p0 = 0; p0 < pixels; p0 += BN_BLOCK) {
    const int p1 = p0 + BN_BLOCK < pixels ? p0 + BN_BLOCK : pixels;
    for (int v = 0; v < c; v += 4) {
      const v128_t m = wasm_v128_load(mean + v);
      const v128_t av = wasm_v128_load(a + v);
      const v128_t qv = wasm_v128_load(q + v);
      const v128_t rv = wasm_v128_load(r + v);
      const int start = p0 * c + v;
      const float *gp = dy + start;
      const float *xp = x + start;
      float *op = dx + start;
      for (int p = p0; p < p1; p++, gp += c, xp += c, op += c) {
        const v128_t centered = wasm_f32x4_sub(wasm_v128_load(xp), m);
        const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gp), av), rv);
        wasm_v128_store(op, wasm_f32x4_add(t, wasm_f32x4_mul(centered, qv)));
      }
    }
  }
}

/* sums[k] = Σ x[k] over pixels (x [pixels, c], c a multiple of 4), float64 like bn_sums. */
EXPORT("channel_sums")
void channel_sums(const float *x, double *sums, int pixels, int c) {
  for (int k = 0; k < c; k++) sums[k] = 0.0;
  for (int p0 = 0; p0 < pixels; p0 += BN_BLOCK) {
    const int p1 = p0 + BN_BLOCK < pixels ? p0 + BN_BLOCK : pixels;
    for (int v = 0; v < c; v += 4) {
      v128_t s = wasm_f32x4_splat(0.0f);
      const float *xp = x + p0 * c + v;
      for (int p = p0; p < p1; p++, xp += c) s = wasm_f32x4_add(s, wasm_v128_load(xp));
      add_lanes(sums + v, s);
    }
  }
}

/*
 * Gradient of average pooling whose fh × fw windows tile the input (stride = window, no
 * padding): dx[n, r, q] = dy[n, r / fh, q / fw]·scale, zero in rows and columns past the last
 * window. x, dy channel-last with c a multiple of 4.
 */
EXPORT("avg_pool_tiles_grad")
void avg_pool_tiles_grad(const float *dy, float *dx, int n, int h, int w, int c, int fh, int fw,
                         int oh, int ow, float scale) {
  const v128_t sv = wasm_f32x4_splat(scale);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int img = 0; img < n; img++) {
    for (int r = 0; r < h; r++) {
      const int orow = r / fh;
      float *d = dx + ((img * h + r) * w) * c;
      if (orow >= oh) {
        for (int k = 0; k < w * c; k += 4) wasm_v128_store(d + k, zero);
        continue;
      }
      const float *g = dy + ((img * oh + orow) * ow) * c;
      for (int q = 0; q < w; q++, d += c) {
        const int ocol = q / fw;
        if (ocol >= ow) {
          for (int k = 0; k < c; k += 4) wasm_v128_store(d + k, zero);
          continue;
        }
        const float *gp = g + ocol * c;
        for (int k = 0; k < c; k += 4)
          wasm_v128_store(d + k, wasm_f32x4_mul(wasm_v128_load(gp + k), sv));
      }
    }
  }
}

/*
 * Gradient of ReLU as tfjs composes it, dy·step(x) with step(x) = NaN for NaN x, 1 for x > 0,
 * else 0 (so the same bits, signed zeros included). size a multiple of 4.
 */
EXPORT("relu_grad")
void relu_grad(const float *dy, const float *x, float *dx, int size) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < size; i += 4) {
    const v128_t xv = wasm_v128_load(x + i);
    v128_t s = wasm_v128_bitselect(one, zero, wasm_f32x4_gt(xv, zero));
    s = wasm_v128_bitselect(xv, s, wasm_f32x4_ne(xv, xv));
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
}

/*
 * Input gradient of a convolution with stride s > 1, directly (no zero taps):
 *   dx[n, i, j, c] = Σ_{th, tw, o} dy[n, (i + pt − th)/s, (j + pl − tw)/s, o] · w[th, tw, c, o]
 * over the taps where both divisions are exact. dy comes zero-padded (dyp [n, hp, wp, co], dy
 * row r at r + pad_top, column q at q + pad_left) so that every such row and column is inside;
 * wt is the filter transposed to [kh, kw, co, ci]. Output pixels of a row with the same phase
 * j mod s read consecutive dy columns, so blocks of P of them (j, j + s, ...) share the taps.
 * ci must be a multiple of 4.
 */
typedef struct {
  int h, w, ci, hp, wp, co, kh, kw, s, pt, pl, pad_top, pad_left;
} tgrad_t;

#define DEFINE_TGRAD_BLOCK(P, VB)                                                          \
  INLINE void tgrad_block_##P##_##VB(const tgrad_t *p, const float *dyimg, const float *wt, \
                                     float *out, int i, int j0, int c0) {                  \
    v128_t acc[P][VB];                                                                     \
    for (int q = 0; q < P; q++)                                                            \
      for (int v = 0; v < VB; v++) acc[q][v] = wasm_f32x4_splat(0.0f);                     \
    for (int th = (i + p->pt) % p->s; th < p->kh; th += p->s) {                            \
      const int r = (i + p->pt - th) / p->s + p->pad_top;                                  \
      for (int tw = (j0 + p->pl) % p->s; tw < p->kw; tw += p->s) {                         \
        const int col = (j0 + p->pl - tw) / p->s + p->pad_left;                            \
        const float *ip = dyimg + (r * p->wp + col) * p->co;                               \
        const float *wp_ = wt + (th * p->kw + tw) * p->co * p->ci + c0;                    \
        for (int o = 0; o < p->co; o++) {                                                  \
          v128_t g[VB];                                                                    \
          for (int v = 0; v < VB; v++) g[v] = wasm_v128_load(wp_ + 4 * v);                 \
          for (int q = 0; q < P; q++) {                                                    \
            const v128_t sv = wasm_v128_load32_splat(ip + q * p->co);                      \
            for (int v = 0; v < VB; v++)                                                   \
              acc[q][v] = wasm_f32x4_add(acc[q][v], wasm_f32x4_mul(sv, g[v]));             \
          }                                                                                \
          ip += 1;                                                                         \
          wp_ += p->ci;                                                                    \
        }                                                                                  \
      }                                                                                    \
    }                                                                                      \
    for (int q = 0; q < P; q++)                                                            \
      for (int v = 0; v < VB; v++)                                                         \
        wasm_v128_store(out + q * p->s * p->ci + 4 * v, acc[q][v]);                        \
  }

DEFINE_TGRAD_BLOCK(4, 2)
DEFINE_TGRAD_BLOCK(4, 1)
DEFINE_TGRAD_BLOCK(1, 2)
DEFINE_TGRAD_BLOCK(1, 1)

#define TGRAD_CHANNELS(P)                                                            \
  do {                                                                               \
    int c0 = 0;                                                                      \
    for (; c0 + 8 <= ci; c0 += 8) tgrad_block_##P##_2(&p, dyimg, wt, op + c0, i, j, c0); \
    if (c0 < ci) tgrad_block_##P##_1(&p, dyimg, wt, op + c0, i, j, c0);              \
  } while (0)

EXPORT("conv2d_input_grad_strided")
void conv2d_input_grad_strided(const float *dyp, const float *wt, float *dx, int n, int h, int w,
                               int ci, int hp, int wp, int co, int kh, int kw, int s, int pt,
                               int pl, int pad_top, int pad_left) {
  tgrad_t p;
  p.h = h;
  p.w = w;
  p.ci = ci;
  p.hp = hp;
  p.wp = wp;
  p.co = co;
  p.kh = kh;
  p.kw = kw;
  p.s = s;
  p.pt = pt;
  p.pl = pl;
  p.pad_top = pad_top;
  p.pad_left = pad_left;
  for (int img = 0; img < n; img++) {
    const float *dyimg = dyp + img * hp * wp * co;
    for (int i = 0; i < h; i++) {
      float *orow = dx + ((img * h + i) * w) * ci;
      for (int b = 0; b < s && b < w; b++) {
        int j = b;
        for (; j + 3 * s < w; j += 4 * s) {
          float *op = orow + j * ci;
          TGRAD_CHANNELS(4);
        }
        for (; j < w; j += s) {
          float *op = orow + j * ci;
          TGRAD_CHANNELS(1);
        }
      }
    }
  }
}

/* wt[th, tw, o, i] = w[th, tw, i, o]. */
EXPORT("transpose_filter")
void transpose_filter(const float *w, float *wt, int kh, int kw, int ci, int co) {
  for (int t = 0; t < kh * kw; t++) {
    const float *src = w + t * ci * co;
    float *dst = wt + t * co * ci;
    for (int i = 0; i < ci; i++)
      for (int o = 0; o < co; o++) dst[o * ci + i] = src[i * co + o];
  }
}

/*
 * One SGD-with-momentum update, every operation a float32 operation as in the op sequence:
 *   d = g + wd·p (wd > 0) or g;  buf' = m·buf + d;  dir = d + m·buf' (nesterov) or buf';
 *   p' = p − lr·dir.
 */
EXPORT("sgd_update")
void sgd_update(const float *p, const float *g, const float *b, float *p_out, float *b_out,
                int size, float lr, float m, float wd, int nesterov) {
  const v128_t lrv = wasm_f32x4_splat(lr), mv = wasm_f32x4_splat(m), wdv = wasm_f32x4_splat(wd);
  const int decay = wd > 0.0f;
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    const v128_t pv = wasm_v128_load(p + i);
    v128_t d = wasm_v128_load(g + i);
    if (decay) d = wasm_f32x4_add(d, wasm_f32x4_mul(pv, wdv));
    const v128_t buf = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(b + i), mv), d);
    const v128_t dir = nesterov ? wasm_f32x4_add(d, wasm_f32x4_mul(buf, mv)) : buf;
    wasm_v128_store(b_out + i, buf);
    wasm_v128_store(p_out + i, wasm_f32x4_sub(pv, wasm_f32x4_mul(dir, lrv)));
  }
  for (; i < size; i++) {
    float d = g[i];
    if (decay) d = d + p[i] * wd;
    const float buf = b[i] * m + d;
    const float dir = nesterov ? d + buf * m : buf;
    b_out[i] = buf;
    p_out[i] = p[i] - dir * lr;
  }
}
