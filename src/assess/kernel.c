/*
 * WebAssembly (SIMD128) kernel of RateAccumulator (src/assess/rate.ts) for float32 A without a mask: four cells per
 * step, classes by comparison masks, class counts and soil loss (grams, floor(x + 0.5) per cell) in vector
 * accumulators. The same IEEE double operations as the JS loop, and integer-valued sums, so the results are
 * bit-identical to it. Built into src/assess/kernel-wasm.ts by `npm run wasm:build` (scripts/build-wasm.mjs).
 */
#include <wasm_simd128.h>
typedef unsigned char u8;
static double LOSS;
static int CNT[8];
double loss_out(void) { return LOSS; }
int* counts(void) { return CNT; }
/*
 * One zone run of float32 A from i: ends at i1 or (z != 0) at the first cell whose code is not `code`; returns the
 * end. Class = (A·f ≥ 0) + Σ (A·f ≥ t_j) (0 for NaN or negative), counts in CNT[0..6] (0 = nodata), soil loss in
 * grams Σ floor(A·f·area + 0.5) in LOSS: integer-valued doubles below 2^53, so the sum does not depend on order.
 */
int run(const float* a, const int* z, int code, u8* cls, int i, int i1, double f, double area, double t0, double t1, double t2, double t3, double t4) {
  int j = i1;
  if (z) {
    j = i;
    v128_t cv = wasm_i32x4_splat(code);
    while (j + 4 <= i1 && wasm_i32x4_all_true(wasm_i32x4_eq(wasm_v128_load(z + j), cv))) j += 4;
    while (j < i1 && z[j] == code) j++;
  }
  v128_t F = wasm_f64x2_splat(f), AR = wasm_f64x2_splat(area), H = wasm_f64x2_splat(0.5), Z0 = wasm_f64x2_splat(0.0);
  v128_t T0 = wasm_f64x2_splat(t0), T1 = wasm_f64x2_splat(t1), T2 = wasm_f64x2_splat(t2), T3 = wasm_f64x2_splat(t3), T4 = wasm_f64x2_splat(t4);
  v128_t cok = wasm_i64x2_splat(0), c0 = cok, c1 = cok, c2 = cok, c3 = cok, c4 = cok, L = Z0;
  int q = i;
  for (; q + 4 <= j; q += 4) {
    v128_t av = wasm_v128_load(a + q);
    v128_t m0 = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(av), F);
    v128_t m1 = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(av, av, 2, 3, 0, 1)), F);
    v128_t ok0 = wasm_f64x2_ge(m0, Z0), ok1 = wasm_f64x2_ge(m1, Z0);
    v128_t a0 = wasm_f64x2_ge(m0, T0), a1 = wasm_f64x2_ge(m1, T0);
    v128_t b0 = wasm_f64x2_ge(m0, T1), b1 = wasm_f64x2_ge(m1, T1);
    v128_t d0 = wasm_f64x2_ge(m0, T2), d1 = wasm_f64x2_ge(m1, T2);
    v128_t e0 = wasm_f64x2_ge(m0, T3), e1 = wasm_f64x2_ge(m1, T3);
    v128_t g0 = wasm_f64x2_ge(m0, T4), g1 = wasm_f64x2_ge(m1, T4);
    v128_t l0 = wasm_v128_and(wasm_f64x2_floor(wasm_f64x2_add(wasm_f64x2_mul(m0, AR), H)), ok0);
    v128_t l1 = wasm_v128_and(wasm_f64x2_floor(wasm_f64x2_add(wasm_f64x2_mul(m1, AR), H)), ok1);
    L = wasm_f64x2_add(L, wasm_f64x2_add(l0, l1));
    cok = wasm_i64x2_add(cok, wasm_i64x2_add(ok0, ok1));
    c0 = wasm_i64x2_add(c0, wasm_i64x2_add(a0, a1));
    c1 = wasm_i64x2_add(c1, wasm_i64x2_add(b0, b1));
    c2 = wasm_i64x2_add(c2, wasm_i64x2_add(d0, d1));
    c3 = wasm_i64x2_add(c3, wasm_i64x2_add(e0, e1));
    c4 = wasm_i64x2_add(c4, wasm_i64x2_add(g0, g1));
    if (cls) {
      v128_t k0 = wasm_i64x2_add(wasm_i64x2_add(wasm_i64x2_add(ok0, a0), wasm_i64x2_add(b0, d0)), wasm_i64x2_add(e0, g0));
      v128_t k1 = wasm_i64x2_add(wasm_i64x2_add(wasm_i64x2_add(ok1, a1), wasm_i64x2_add(b1, d1)), wasm_i64x2_add(e1, g1));
      /* bytes 0..3: the low byte of each lane's −(class); negated per byte */
      v128_t kb = wasm_i8x16_neg(wasm_i8x16_shuffle(k0, k1, 0, 8, 16, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
      wasm_v128_store32_lane(cls + q, kb, 0);
    }
  }
  double loss = wasm_f64x2_extract_lane(L, 0) + wasm_f64x2_extract_lane(L, 1);
  long long s_ok = -(wasm_i64x2_extract_lane(cok, 0) + wasm_i64x2_extract_lane(cok, 1));
  long long s0 = -(wasm_i64x2_extract_lane(c0, 0) + wasm_i64x2_extract_lane(c0, 1));
  long long s1 = -(wasm_i64x2_extract_lane(c1, 0) + wasm_i64x2_extract_lane(c1, 1));
  long long s2 = -(wasm_i64x2_extract_lane(c2, 0) + wasm_i64x2_extract_lane(c2, 1));
  long long s3 = -(wasm_i64x2_extract_lane(c3, 0) + wasm_i64x2_extract_lane(c3, 1));
  long long s4 = -(wasm_i64x2_extract_lane(c4, 0) + wasm_i64x2_extract_lane(c4, 1));
  for (; q < j; q++) {
    double mod = (double)a[q] * f;
    int ok = mod >= 0, b0 = mod >= t0, b1 = mod >= t1, b2 = mod >= t2, b3 = mod >= t3, b4 = mod >= t4;
    if (ok) loss += __builtin_floor(mod * area + 0.5);
    s_ok += ok; s0 += b0; s1 += b1; s2 += b2; s3 += b3; s4 += b4;
    if (cls) cls[q] = (u8)(ok + b0 + b1 + b2 + b3 + b4);
  }
  LOSS = loss;
  CNT[0] = (j - i) - (int)s_ok; CNT[1] = (int)(s_ok - s0); CNT[2] = (int)(s0 - s1); CNT[3] = (int)(s1 - s2);
  CNT[4] = (int)(s2 - s3); CNT[5] = (int)(s3 - s4); CNT[6] = (int)s4; CNT[7] = 0;
  return j;
}
