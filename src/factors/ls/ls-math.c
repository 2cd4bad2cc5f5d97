// exp and log for the LS kernels in WebAssembly SIMD (two float64 lanes), bit-identical to JavaScript's Math.exp
// and Math.log. V8 implements those with fdlibm (FreeBSD msun, e_exp.c and e_log.c; Sun Microsystems 1993), and
// this is the same algorithm operation for operation: each branch of fdlibm is computed for both lanes and the
// lane's own branch selected, so every lane gets the bits fdlibm returns (checked against Math.exp / Math.log on
// millions of arguments by test/ls/ls-math-wasm.test.ts). No libm: the module is built with -nostdlib.
//
// Domain (what the LS kernels pass): exp of finite x with |x| < 708 (normal results; fdlibm's overflow and
// underflow branches are left out), log of positive finite x (subnormals included).
//
// Built by `npm run wasm:build` (scripts/build-wasm.mjs: clang -msimd128 -O3 -nostdlib -ffp-contract=off) into
// src/factors/ls/ls-math-wasm.ts (base64). Kernels work on float64 buffers of CAP cells in the module's memory:
// the caller writes the inputs, calls, reads the outputs, chunk by chunk, so memory stays fixed at any grid size.
#include <wasm_simd128.h>

#define CAP 8192
typedef long long i64;

static double bufA[CAP], bufB[CAP], bufC[CAP], bufO[CAP];

__attribute__((export_name("bufA"))) double *pA(void) { return bufA; }
__attribute__((export_name("bufB"))) double *pB(void) { return bufB; }
__attribute__((export_name("bufC"))) double *pC(void) { return bufC; }
__attribute__((export_name("bufO"))) double *pO(void) { return bufO; }
__attribute__((export_name("cap"))) int cap(void) { return CAP; }

#define F(x) wasm_f64x2_splat(x)
#define I(x) wasm_i64x2_splat(x)
#define SEL(m, a, b) wasm_v128_bitselect((a), (b), (m))

// the int64 lanes of k (|k| < 2^31) as float64
static inline __attribute__((always_inline)) v128_t i64ToF64(v128_t k) {
  return wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(k, k, 0, 2, 0, 2));
}

// fdlibm __ieee754_exp for |x| < 708
static inline __attribute__((always_inline)) v128_t vexp(v128_t x) {
  const v128_t invln2 = F(1.44269504088896338700e+00);
  const v128_t ln2HI = F(6.93147180369123816490e-01), ln2LO = F(1.90821492927058770002e-10);
  const v128_t P1 = F(1.66666666666666019037e-01), P2 = F(-2.77777777770155933842e-03),
               P3 = F(6.61375632143793436117e-05), P4 = F(-1.65339022054652515390e-06),
               P5 = F(4.13813679705723846039e-08);
  v128_t hx = wasm_v128_and(wasm_u64x2_shr(x, 32), I(0x7fffffff)); // high word of |x|
  v128_t tiny = wasm_i64x2_lt(hx, I(0x3e300000));                 // |x| < 2^-28: 1 + x
  v128_t reduce = wasm_i64x2_gt(hx, I(0x3fd62e42));               // |x| > 0.5 ln2: k = trunc(x/ln2 ± 0.5)
  // halF[xsb] = ±0.5 with the sign of x; for 0.5 ln2 < |x| < 1.5 ln2 this k is ±1, fdlibm's k there
  v128_t half = wasm_v128_or(F(0.5), wasm_v128_and(x, I((i64)0x8000000000000000ULL)));
  v128_t kf = wasm_f64x2_trunc(wasm_f64x2_add(wasm_f64x2_mul(invln2, x), half));
  kf = wasm_v128_and(kf, reduce); // k = 0 below 0.5 ln2 (+0.0 bits)
  v128_t hi = wasm_f64x2_sub(x, wasm_f64x2_mul(kf, ln2HI));
  v128_t lo = wasm_f64x2_mul(kf, ln2LO);
  // below 0.5 ln2 fdlibm uses x itself (hi = x, lo = 0: the same values as these with k = 0)
  v128_t r = wasm_f64x2_sub(hi, lo);
  v128_t t = wasm_f64x2_mul(r, r);
  v128_t c = wasm_f64x2_sub(r, wasm_f64x2_mul(t,
      wasm_f64x2_add(P1, wasm_f64x2_mul(t, wasm_f64x2_add(P2, wasm_f64x2_mul(t,
      wasm_f64x2_add(P3, wasm_f64x2_mul(t, wasm_f64x2_add(P4, wasm_f64x2_mul(t, P5))))))))));
  // k = 0: 1 - ((x c)/(c - 2) - x); else 1 - ((lo - (x c)/(2 - c)) - hi), then scaled by 2^k. One division:
  // (x c)/(c - 2) = -((x c)/(2 - c)) exactly (c - 2 = -(2 - c), and division is symmetric in sign).
  v128_t q = wasm_f64x2_div(wasm_f64x2_mul(r, c), wasm_f64x2_sub(F(2.0), c));
  v128_t yk0 = wasm_f64x2_sub(F(1.0), wasm_f64x2_sub(wasm_f64x2_neg(q), r));
  v128_t yk = wasm_f64x2_sub(F(1.0), wasm_f64x2_sub(wasm_f64x2_sub(lo, q), hi));
  v128_t k = wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(kf));
  yk = wasm_i64x2_add(yk, wasm_i64x2_shl(k, 52)); // fdlibm adds k to the exponent field
  v128_t y = SEL(reduce, yk, yk0);
  return SEL(tiny, wasm_f64x2_add(F(1.0), x), y);
}

// fdlibm __ieee754_log for positive finite x
static inline __attribute__((always_inline)) v128_t vlog(v128_t x) {
  const v128_t ln2_hi = F(6.93147180369123816490e-01), ln2_lo = F(1.90821492927058770002e-10);
  const v128_t Lg1 = F(6.666666666666735130e-01), Lg2 = F(3.999999999940941908e-01), Lg3 = F(2.857142874366239149e-01),
               Lg4 = F(2.222219843214978396e-01), Lg5 = F(1.818357216161805012e-01), Lg6 = F(1.531383769920937332e-01),
               Lg7 = F(1.479819860511658591e-01);
  v128_t sub = wasm_i64x2_lt(wasm_i64x2_shr(x, 32), I(0x00100000)); // subnormal: scale by 2^54
  x = SEL(sub, wasm_f64x2_mul(x, F(1.80143985094819840000e+16)), x);
  v128_t k = wasm_v128_and(sub, I(-54));
  v128_t hx = wasm_i64x2_shr(x, 32);
  k = wasm_i64x2_add(k, wasm_i64x2_sub(wasm_i64x2_shr(hx, 20), I(1023)));
  hx = wasm_v128_and(hx, I(0x000fffff));
  v128_t i = wasm_v128_and(wasm_i64x2_add(hx, I(0x95f64)), I(0x100000));
  // normalise x or x/2: new high word hx | (i ^ 0x3ff00000), low word kept
  v128_t hw = wasm_v128_or(hx, wasm_v128_xor(i, I(0x3ff00000)));
  x = wasm_v128_or(wasm_v128_and(x, I(0xffffffffLL)), wasm_i64x2_shl(hw, 32));
  k = wasm_i64x2_add(k, wasm_i64x2_shr(i, 20));
  v128_t f = wasm_f64x2_sub(x, F(1.0));
  v128_t dk = i64ToF64(k);
  // |f| < 2^-20: dk ln2_hi - ((R - dk ln2_lo) - f), R = f² (0.5 - f/3) (fdlibm's k = 0 and f = 0 cases give the
  // same values)
  v128_t tinyf = wasm_i64x2_lt(wasm_v128_and(wasm_i64x2_add(I(2), hx), I(0x000fffff)), I(3));
  v128_t Rt = wasm_f64x2_mul(wasm_f64x2_mul(f, f), wasm_f64x2_sub(F(0.5), wasm_f64x2_mul(F(0.33333333333333333), f)));
  v128_t yt = wasm_f64x2_sub(wasm_f64x2_mul(dk, ln2_hi), wasm_f64x2_sub(wasm_f64x2_sub(Rt, wasm_f64x2_mul(dk, ln2_lo)), f));
  v128_t s = wasm_f64x2_div(f, wasm_f64x2_add(F(2.0), f));
  v128_t z = wasm_f64x2_mul(s, s);
  v128_t w = wasm_f64x2_mul(z, z);
  v128_t t1 = wasm_f64x2_mul(w, wasm_f64x2_add(Lg2, wasm_f64x2_mul(w, wasm_f64x2_add(Lg4, wasm_f64x2_mul(w, Lg6)))));
  v128_t t2 = wasm_f64x2_mul(z, wasm_f64x2_add(Lg1, wasm_f64x2_mul(w, wasm_f64x2_add(Lg3,
      wasm_f64x2_mul(w, wasm_f64x2_add(Lg5, wasm_f64x2_mul(w, Lg7)))))));
  v128_t R = wasm_f64x2_add(t2, t1);
  v128_t ij = wasm_v128_or(wasm_i64x2_sub(hx, I(0x6147a)), wasm_i64x2_sub(I(0x6b851), hx));
  v128_t useH = wasm_i64x2_gt(ij, I(0));
  v128_t hfsq = wasm_f64x2_mul(wasm_f64x2_mul(F(0.5), f), f);
  // i > 0: dk ln2_hi - ((hfsq - (s (hfsq + R) + dk ln2_lo)) - f); else dk ln2_hi - ((s (f - R) - dk ln2_lo) - f)
  v128_t yh = wasm_f64x2_sub(wasm_f64x2_mul(dk, ln2_hi), wasm_f64x2_sub(wasm_f64x2_sub(hfsq,
      wasm_f64x2_add(wasm_f64x2_mul(s, wasm_f64x2_add(hfsq, R)), wasm_f64x2_mul(dk, ln2_lo))), f));
  v128_t yn = wasm_f64x2_sub(wasm_f64x2_mul(dk, ln2_hi), wasm_f64x2_sub(wasm_f64x2_sub(
      wasm_f64x2_mul(s, wasm_f64x2_sub(f, R)), wasm_f64x2_mul(dk, ln2_lo)), f));
  return SEL(tinyf, yt, SEL(useH, yh, yn));
}

// Tests: bufO = exp(bufA) and bufC = log(bufB) for n cells.
__attribute__((export_name("expLog"))) void expLog(int n) {
  for (int i = 0; i < n; i += 2) {
    wasm_v128_store(bufO + i, vexp(wasm_v128_load(bufA + i)));
    wasm_v128_store(bufC + i, vlog(wasm_v128_load(bufB + i)));
  }
}

// Desmet & Govers L before the cap, as area-kernels.ts writes it: bufA = A_in (m², or A/D for SAGA), bufB = p = m + 1,
// bufC = ln of the denominator; d2 = D², lnD2 = ln D². A_in ≤ 0: exp(p lnD2 − lnDen); ε = D²/A_in ≥ 1/32:
// exp(p ln(A_in + D²) − lnDen) − exp(p ln A_in − lnDen); else exp(p ln A_in − lnDen) · (p ε Σ) with the binomial
// series. n even (the caller pads).
// dgLx: the same with bufB = m and bufC = x (the flow-width factor; x ≤ 1 or NaN counts as 1, read only when withX)
// instead of p and the log of the denominator, which are formed here exactly as area-kernels.ts forms them:
// p = m + 1, ln den = (m + 2) ln D + m (ln x + lnUnit) (ln x = 0 without x), so the log of x runs in SIMD too.
static inline __attribute__((always_inline)) void dgBody(int n, double d2, double lnD2, int form, double lnD, double lnUnit, int withX) {
  static const double invk[12] = {0, 0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6, 1.0 / 7, 1.0 / 8, 1.0 / 9, 1.0 / 10, 1.0 / 11};
  const v128_t vd2 = F(d2), vlnD2 = F(lnD2), vlnD = F(lnD), vlnUnit = F(lnUnit);
  for (int i = 0; i < n; i += 2) {
    v128_t ain = wasm_v128_load(bufA + i);
    v128_t p, lnDen;
    if (form == 0) {
      p = wasm_v128_load(bufB + i);
      lnDen = wasm_v128_load(bufC + i);
    } else {
      v128_t m = wasm_v128_load(bufB + i);
      v128_t lnX = F(0.0);
      if (withX) {
        v128_t x = wasm_v128_load(bufC + i);
        v128_t xbig = wasm_f64x2_gt(x, F(1.0));
        lnX = wasm_v128_and(vlog(SEL(xbig, x, F(2.0))), xbig);
      }
      p = wasm_f64x2_add(m, F(1.0));
      lnDen = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_add(m, F(2.0)), vlnD), wasm_f64x2_mul(m, wasm_f64x2_add(lnX, vlnUnit)));
    }
    v128_t pos = wasm_f64x2_gt(ain, F(0.0));
    v128_t a = SEL(pos, ain, F(1.0));
    v128_t eps = wasm_f64x2_div(vd2, a);
    v128_t lnA = SEL(pos, vlog(a), vlnD2); // A_in ≤ 0: the exp below is exp(p lnD2 − lnDen)
    v128_t e0 = vexp(wasm_f64x2_sub(wasm_f64x2_mul(p, lnA), lnDen));
    v128_t big = wasm_f64x2_ge(eps, F(1.0 / 32));
    v128_t l = e0;
    // each form only when a lane of the pair takes it (saga: mostly the two powers; invest: many ridge cells)
    if (wasm_v128_any_true(wasm_v128_and(pos, big))) {
      v128_t lnB = vlog(wasm_f64x2_add(a, vd2));
      v128_t e1 = vexp(wasm_f64x2_sub(wasm_f64x2_mul(p, lnB), lnDen));
      l = SEL(big, wasm_f64x2_sub(e1, e0), l);
    }
    if (wasm_v128_any_true(wasm_v128_andnot(pos, big))) {
      v128_t acc = F(1.0);
      for (int k = 11; k >= 2; k--) {
        v128_t term = wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_add(wasm_f64x2_sub(p, F((double)k)), F(1.0)), F(invk[k])), eps), acc);
        acc = wasm_f64x2_add(F(1.0), term);
      }
      v128_t ser = wasm_f64x2_mul(e0, wasm_f64x2_mul(wasm_f64x2_mul(p, eps), acc));
      l = SEL(big, l, ser);
    }
    wasm_v128_store(bufO + i, SEL(pos, l, e0));
  }
}

__attribute__((export_name("dgL"))) void dgL(int n, double d2, double lnD2) { dgBody(n, d2, lnD2, 0, 0.0, 0.0, 0); }

__attribute__((export_name("dgLx"))) void dgLx(int n, double d2, double lnD2, double lnD, double lnUnit, int withX) {
  if (withX) dgBody(n, d2, lnD2, 1, lnD, lnUnit, 1);
  else dgBody(n, d2, lnD2, 1, lnD, lnUnit, 0);
}

// r.watershed's L as grass.ts writes it: bufA = sin θ (≥ 0), bufB = λ / 22.13 (0 = no length); m from McCool et
// al. (1989) with β × ratio; L = 1 without length, √x for m = ½, else exp(m ln x). n even.
__attribute__((export_name("grassL"))) void grassL(int n, double ratio) {
  const v128_t vr = F(ratio);
  for (int i = 0; i < n; i += 2) {
    v128_t sinT = wasm_v128_load(bufA + i);
    v128_t x = wasm_v128_load(bufB + i);
    v128_t spos = wasm_f64x2_gt(sinT, F(0.0));
    v128_t sin08 = wasm_v128_and(vexp(wasm_f64x2_mul(F(0.8), vlog(SEL(spos, sinT, F(1.0))))), spos);
    v128_t beta = wasm_f64x2_div(wasm_f64x2_mul(vr, wasm_f64x2_div(sinT, F(0.0896))),
        wasm_f64x2_add(wasm_f64x2_mul(F(3.0), sin08), F(0.56)));
    v128_t m = wasm_f64x2_div(beta, wasm_f64x2_add(F(1.0), beta));
    v128_t xpos = wasm_f64x2_gt(x, F(0.0));
    v128_t xs = SEL(xpos, x, F(1.0));
    v128_t L = SEL(wasm_f64x2_eq(m, F(0.5)), wasm_f64x2_sqrt(xs), vexp(wasm_f64x2_mul(m, vlog(xs))));
    wasm_v128_store(bufO + i, SEL(xpos, L, F(1.0)));
  }
}
