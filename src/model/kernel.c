// The RUSLE/CSLE product kernel in WebAssembly SIMD, for float32 inputs and a float32 output. Built by
// scripts/build-kernel-wasm.sh (Debian clang + lld: clang --target=wasm32 -msimd128 -O3 -nostdlib) into
// src/model/kernel-wasm.ts (base64), which ships in dist. The JavaScript kernel of kernel.ts is the reference and the
// fallback; this one computes bit-identical values and row sums:
//   p = k * x0 * x1 * ... (double precision, left to right), rounded once to float;
//   valid when every factor >= 0 and p < +inf; the row sum adds the rounded values left to right in double.
// Bad cells (a negative or infinite factor, no NaN factor) are only counted here; the caller re-runs the block
// with the JavaScript kernel to report them per factor.
#include <wasm_simd128.h>

typedef unsigned int u32;
#define MAXIN 7

static const float *in[MAXIN];
static float *outp;
static double res[8]; // 0 row sum, 1 row count, 2 min, 3 max, 4 bad count

__attribute__((export_name("inPtr"))) const float **inPtr(void) { return in; }
__attribute__((export_name("outPtr"))) float **outPtr(void) { return &outp; }
__attribute__((export_name("resPtr"))) double *resPtr(void) { return res; }

static inline __attribute__((always_inline)) v128_t high(v128_t v) { return wasm_i32x4_shuffle(v, v, 2, 3, 0, 1); }

static inline __attribute__((always_inline)) void runN(const int N, u32 off, u32 n, double k) {
  const float *x[MAXIN];
  for (int j = 0; j < N; j++) x[j] = in[j] + off;
  float *o = outp + off;
  double s = res[0], cnt = res[1], bad = res[4];
  float mn = (float)res[2], mx = (float)res[3];
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t inf = wasm_f64x2_splat(__builtin_inf());
  const v128_t kk = wasm_f64x2_splat(k);
  const v128_t nanv = wasm_f32x4_splat(__builtin_nanf(""));
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v[MAXIN];
    v128_t ok = wasm_i32x4_splat(-1);
    v128_t pl = kk, ph = kk;
    for (int j = 0; j < N; j++) {
      v[j] = wasm_v128_load(x[j] + i);
      ok = wasm_v128_and(ok, wasm_f32x4_ge(v[j], zero));
      pl = wasm_f64x2_mul(pl, wasm_f64x2_promote_low_f32x4(v[j]));
      ph = wasm_f64x2_mul(ph, wasm_f64x2_promote_low_f32x4(high(v[j])));
    }
    v128_t okp = wasm_i32x4_shuffle(wasm_f64x2_lt(pl, inf), wasm_f64x2_lt(ph, inf), 0, 2, 4, 6);
    ok = wasm_v128_and(ok, okp);
    v128_t r = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(pl), wasm_f32x4_demote_f64x2_zero(ph), 0, 1, 4, 5);
    wasm_v128_store(o + i, wasm_v128_bitselect(r, nanv, ok));
    if (wasm_i32x4_all_true(ok)) {
      float r0 = wasm_f32x4_extract_lane(r, 0), r1 = wasm_f32x4_extract_lane(r, 1);
      float r2 = wasm_f32x4_extract_lane(r, 2), r3 = wasm_f32x4_extract_lane(r, 3);
      s += r0; s += r1; s += r2; s += r3;
      cnt += 4;
      v128_t m1 = wasm_f32x4_pmin(r, high(r)), m2 = wasm_f32x4_pmax(r, high(r));
      float a0 = wasm_f32x4_extract_lane(m1, 0), a1 = wasm_f32x4_extract_lane(m1, 1);
      float b0 = wasm_f32x4_extract_lane(m2, 0), b1 = wasm_f32x4_extract_lane(m2, 1);
      float lo = a1 < a0 ? a1 : a0, hi = b1 > b0 ? b1 : b0;
      if (lo < mn) mn = lo;
      if (hi > mx) mx = hi;
      continue;
    }
    for (u32 l = i; l < i + 4; l++) {
      double p = k;
      int good = 1, nan = 0;
      for (int j = 0; j < N; j++) {
        float xj = x[j][l];
        p *= (double)xj;
        good &= xj >= 0;
        nan |= xj != xj;
      }
      if (good && p < __builtin_inf()) {
        float vv = (float)p;
        s += vv; cnt += 1;
        if (vv < mn) mn = vv;
        if (vv > mx) mx = vv;
      } else if (!nan) bad += 1;
    }
  }
  for (; i < n; i++) {
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
      s += vv; cnt += 1;
      if (vv < mn) mn = vv;
      if (vv > mx) mx = vv;
    } else {
      o[i] = __builtin_nanf("");
      if (!nan) bad += 1;
    }
  }
  res[0] = s; res[1] = cnt; res[2] = mn; res[3] = mx; res[4] = bad;
}

#define RUN(N) __attribute__((export_name("run" #N))) void run##N(u32 off, u32 n, double k) { runN(N, off, n, k); }
RUN(1) RUN(2) RUN(3) RUN(4) RUN(5) RUN(6) RUN(7)
