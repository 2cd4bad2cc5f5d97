// The RUSLE/CSLE product kernel in WebAssembly SIMD, for float32 inputs and a float32 output. Built by
// `npm run wasm:build` (scripts/build-wasm.mjs; Debian clang + lld) into src/model/kernel-wasm.ts (base64), which
// ships in dist. The JavaScript kernel of kernel.ts is the reference and the
// fallback; this one computes bit-identical values and row sums:
//   p = k * x0 * x1 * ... (double precision, left to right), rounded once to float;
//   valid when every factor >= 0 and p < +inf; the row sum is ((s0 + s1) + (s2 + s3)) where s_l adds, in double and
//   left to right, the rounded values of the valid cells whose column (from the row's first cell) is l mod 4.
// Bad cells (a negative or infinite factor, no NaN factor) are only counted here; the caller re-runs the block
// with the JavaScript kernel to report them per factor.
#include <wasm_simd128.h>

typedef unsigned int u32;
#define MAXIN 7

static const float *in[MAXIN];
static float *outp;
// 0..3 partial row sums by column mod 4, 4 valid count, 5 min, 6 max, 7 bad count
static double res[8];

__attribute__((export_name("inPtr"))) const float **inPtr(void) { return in; }
__attribute__((export_name("outPtr"))) float **outPtr(void) { return &outp; }
__attribute__((export_name("resPtr"))) double *resPtr(void) { return res; }

static inline __attribute__((always_inline)) v128_t high(v128_t v) { return wasm_i32x4_shuffle(v, v, 2, 3, 0, 1); }

// n cells from in[j] + off (off = the first cell of a row, or of a 4-aligned piece of one); columns are counted
// from there, so a cell's partial sum is (its column − start) mod 4.
static inline __attribute__((always_inline)) void runN(const int N, u32 off, u32 n, double k) {
  const float *x[MAXIN];
  for (int j = 0; j < N; j++) x[j] = in[j] + off;
  float *o = outp + off;
  v128_t acc01 = wasm_f64x2_make(res[0], res[1]), acc23 = wasm_f64x2_make(res[2], res[3]);
  double cnt = res[4], bad = res[7];
  v128_t vmn = wasm_f32x4_splat((float)res[5]), vmx = wasm_f32x4_splat((float)res[6]);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t pinf = wasm_f32x4_splat(__builtin_inff()), ninf = wasm_f32x4_splat(-__builtin_inff());
  const v128_t inf = wasm_f64x2_splat(__builtin_inf());
  const v128_t kk = wasm_f64x2_splat(k);
  const v128_t nanv = wasm_f32x4_splat(__builtin_nanf(""));
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t ok = wasm_i32x4_splat(-1), isnan = wasm_i32x4_splat(0);
    v128_t pl = kk, ph = kk;
    for (int j = 0; j < N; j++) {
      v128_t v = wasm_v128_load(x[j] + i);
      ok = wasm_v128_and(ok, wasm_f32x4_ge(v, zero));
      isnan = wasm_v128_or(isnan, wasm_f32x4_ne(v, v));
      pl = wasm_f64x2_mul(pl, wasm_f64x2_promote_low_f32x4(v));
      ph = wasm_f64x2_mul(ph, wasm_f64x2_promote_low_f32x4(high(v)));
    }
    ok = wasm_v128_and(ok, wasm_i32x4_shuffle(wasm_f64x2_lt(pl, inf), wasm_f64x2_lt(ph, inf), 0, 2, 4, 6));
    v128_t r = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(pl), wasm_f32x4_demote_f64x2_zero(ph), 0, 1, 4, 5);
    wasm_v128_store(o + i, wasm_v128_bitselect(r, nanv, ok));
    v128_t rz = wasm_v128_and(r, ok); // invalid lanes add +0, which leaves a partial sum unchanged
    acc01 = wasm_f64x2_add(acc01, wasm_f64x2_promote_low_f32x4(rz));
    acc23 = wasm_f64x2_add(acc23, wasm_f64x2_promote_low_f32x4(high(rz)));
    vmn = wasm_f32x4_pmin(vmn, wasm_v128_bitselect(r, pinf, ok));
    vmx = wasm_f32x4_pmax(vmx, wasm_v128_bitselect(r, ninf, ok));
    u32 okm = wasm_i32x4_bitmask(ok);
    if (okm != 15) {
      u32 badm = ~okm & ~wasm_i32x4_bitmask(isnan) & 15;
      bad += __builtin_popcount(badm);
    }
    cnt += __builtin_popcount(okm);
  }
  double part[4] = {wasm_f64x2_extract_lane(acc01, 0), wasm_f64x2_extract_lane(acc01, 1), wasm_f64x2_extract_lane(acc23, 0), wasm_f64x2_extract_lane(acc23, 1)};
  float mn = wasm_f32x4_extract_lane(vmn, 0), mx = wasm_f32x4_extract_lane(vmx, 0);
  for (int l = 1; l < 4; l++) {
    float a = wasm_f32x4_extract_lane(vmn, 0), b = wasm_f32x4_extract_lane(vmx, 0);
    switch (l) {
      case 1: a = wasm_f32x4_extract_lane(vmn, 1); b = wasm_f32x4_extract_lane(vmx, 1); break;
      case 2: a = wasm_f32x4_extract_lane(vmn, 2); b = wasm_f32x4_extract_lane(vmx, 2); break;
      default: a = wasm_f32x4_extract_lane(vmn, 3); b = wasm_f32x4_extract_lane(vmx, 3); break;
    }
    if (a < mn) mn = a;
    if (b > mx) mx = b;
  }
  for (u32 l = 0; i < n; i++, l++) {
    double p = k;
    int good = 1, nan = 0;
    for (int j = 0; j < N; j++) {
      float xj = x[j][i];
      p *= (double)xj;
      good &= xj >= 0;
      nan |= xj != xj;
    }
    if (good && p < __builtin_inf()) {
      float vv = (float)p;
      o[i] = vv;
      part[l] += vv;
      cnt += 1;
      if (vv < mn) mn = vv;
      if (vv > mx) mx = vv;
    } else {
      o[i] = __builtin_nanf("");
      if (!nan) bad += 1;
    }
  }
  res[0] = part[0]; res[1] = part[1]; res[2] = part[2]; res[3] = part[3];
  res[4] = cnt; res[5] = mn; res[6] = mx; res[7] = bad;
}

#define RUN(N) __attribute__((export_name("run" #N))) void run##N(u32 off, u32 n, double k) { runN(N, off, n, k); }
RUN(1) RUN(2) RUN(3) RUN(4) RUN(5) RUN(6) RUN(7)
