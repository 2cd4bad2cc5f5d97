/*
 * WebAssembly kernel of RateAccumulator (src/assess/rate.ts): one zone run of float32 A, no mask: exact class from
 * the lookup table (compare chain near a bound), class counts (0 = nodata) and soil loss in grams (floor(x + 0.5) per
 * cell, integer-valued double). Same IEEE operations as the JS loop, so results are bit-identical.
 * Build (clang + lld), then regenerate src/assess/kernel-wasm.ts as its header says:
 *   clang --target=wasm32 -O3 -fno-builtin -nostdlib -Wl,--no-entry -Wl,--export=run -Wl,--export=loss_out \
 *     -Wl,--export=counts -Wl,--export=__heap_base -Wl,--import-memory -o kernel.wasm src/assess/kernel.c
 */
typedef unsigned char u8;
static double LOSS;
static int CNT[8];
double loss_out(void) { return LOSS; }
int* counts(void) { return CNT; }
/* cells q in [i, i1) of one run: stops at the first zone code != code when z != 0. */
int run(const float* a, const int* z, int code, u8* cls, int i, int i1, double f, double area,
        const u8* lut, double inv, int top, double t0, double t1, double t2, double t3, double t4) {
  double loss = 0;
  int c[32]; for (int u = 0; u < 32; u++) c[u] = 0;
  int q = i;
  for (; q < i1; q++) {
    if (z && z[q] != code) break;
    double mod = (double)a[q] * f;
    int k = 0;
    if (mod >= 0) {
      loss += __builtin_floor(mod * area + 0.5);
      double x = mod * inv;
      k = lut[x < (double)top ? (int)x : top];
      if (k == 0) k = mod < t0 ? 1 : mod < t1 ? 2 : mod < t2 ? 3 : mod < t3 ? 4 : mod < t4 ? 5 : 6;
    }
    if (cls) cls[q] = (u8)k;
    c[((q & 3) << 3) | k]++;
  }
  LOSS = loss;
  for (int k = 0; k < 7; k++) CNT[k] = c[k] + c[8 + k] + c[16 + k] + c[24 + k];
  return q;
}
