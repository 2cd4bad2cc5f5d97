import { describe, expect, it } from 'vitest';
import { lsMath } from '../../src/factors/ls/ls-math.js';

/** A seeded uniform generator. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('ls-math.c (fdlibm exp and log in WebAssembly SIMD)', () => {
  it('exp and log are bit-identical to Math.exp and Math.log (V8 is fdlibm) over 1.2 million arguments: tiny, reduced and large exp arguments, subnormal, near-1 and large log arguments (seed 31337)', () => {
    const w = lsMath();
    const n = w.cap;
    const rnd = rng(31337);
    const expGen = [() => (rnd() - 0.5) * 80, () => (rnd() - 0.5) * 2.2, () => (rnd() - 0.5) * 1e-8, () => (rnd() - 0.5) * 1e-12, () => (rnd() - 0.5) * 1400];
    const logGen = [() => Math.exp((rnd() - 0.3) * 60), () => 1 + (rnd() - 0.5) * 1e-5, () => 1 + (rnd() - 0.5) * 1e-8, () => (rnd() + 1e-3) * 1e-310, () => rnd() * 4 + 1e-9, () => rnd() * 1e12 + 1];
    let bad = 0;
    for (let rep = 0; rep < 150; rep++) {
      const g = expGen[rep % expGen.length]!;
      const h = logGen[rep % logGen.length]!;
      for (let i = 0; i < n; i++) {
        w.a[i] = Math.max(-707, Math.min(707, g()));
        w.b[i] = h();
      }
      const a = Float64Array.from(w.a);
      const b = Float64Array.from(w.b);
      w.expLog(n);
      for (let i = 0; i < n; i++) {
        if (!Object.is(w.o[i], Math.exp(a[i]!))) bad++;
        if (!Object.is(w.c[i], Math.log(b[i]!))) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('dgL, dgLx and grassL equal their JavaScript forms bit for bit (ridge cells, both sides of ε = 1/32, x ≤ 1 and NaN, m = ½, no length)', () => {
    const w = lsMath();
    const rnd = rng(4711);
    const n = 4096;
    const d2 = 900;
    const lnD2 = Math.log(d2);
    for (let i = 0; i < n; i++) {
      w.a[i] = i % 7 === 0 ? 0 : d2 * Math.exp((rnd() - 0.2) * 14);
      w.b[i] = 1 + rnd();
      w.c[i] = 5 + rnd() * 5;
    }
    const ain = Float64Array.from(w.a.subarray(0, n));
    const p = Float64Array.from(w.b.subarray(0, n));
    const den = Float64Array.from(w.c.subarray(0, n));
    w.dgL(n, d2, lnD2);
    for (let i = 0; i < n; i++) {
      let l: number;
      if (!(ain[i]! > 0)) l = Math.exp(p[i]! * lnD2 - den[i]!);
      else {
        const eps = d2 / ain[i]!;
        const lnA = Math.log(ain[i]!);
        if (eps >= 1 / 32) l = Math.exp(p[i]! * Math.log(ain[i]! + d2) - den[i]!) - Math.exp(p[i]! * lnA - den[i]!);
        else {
          let acc = 1;
          for (let k = 11; k >= 2; k--) acc = 1 + (p[i]! - k + 1) * (1 / k) * eps * acc;
          l = Math.exp(p[i]! * lnA - den[i]!) * (p[i]! * eps * acc);
        }
      }
      expect(w.o[i], `dgL cell ${i}`).toBe(l);
    }
    // dgLx: p = m + 1 and ln den = (m + 2) ln D + m (ln x + ln 22.13) formed in the module, x ≤ 1 or NaN as 1;
    // equals dgL fed the JavaScript p and ln den
    const lnD = Math.log(30);
    const lnUnit = Math.log(22.13);
    for (const withX of [0, 1]) {
      for (let i = 0; i < n; i++) {
        w.a[i] = i % 7 === 0 ? 0 : d2 * Math.exp((rnd() - 0.2) * 14);
        w.b[i] = i % 9 === 0 ? 0 : rnd() * 0.7;
        w.c[i] = i % 5 === 0 ? NaN : i % 5 === 1 ? 1 : i % 5 === 2 ? 0.5 : 1 + rnd() * 0.42;
      }
      const ain2 = Float64Array.from(w.a.subarray(0, n));
      const m = Float64Array.from(w.b.subarray(0, n));
      const x = Float64Array.from(w.c.subarray(0, n));
      w.dgLx(n, d2, lnD2, lnD, lnUnit, withX);
      const got = Float64Array.from(w.o.subarray(0, n));
      for (let i = 0; i < n; i++) {
        const lnX = withX && x[i]! > 1 ? Math.log(x[i]!) : 0;
        w.a[i] = ain2[i]!;
        w.b[i] = m[i]! + 1;
        w.c[i] = (m[i]! + 2) * lnD + m[i]! * (lnX + lnUnit);
      }
      w.dgL(n, d2, lnD2);
      for (let i = 0; i < n; i++) expect(got[i], `dgLx withX ${withX} cell ${i}`).toBe(w.o[i]);
    }
    for (const ratio of [0.5, 1, 2]) {
      for (let i = 0; i < n; i++) {
        w.a[i] = i % 11 === 0 ? 0 : rnd() * 0.8;
        w.b[i] = i % 13 === 0 ? 0 : rnd() * 50;
      }
      const sinT = Float64Array.from(w.a.subarray(0, n));
      const x = Float64Array.from(w.b.subarray(0, n));
      w.grassL(n, ratio);
      for (let i = 0; i < n; i++) {
        const s = sinT[i]!;
        const sin08 = s > 0 ? Math.exp(0.8 * Math.log(s)) : 0;
        const beta = (ratio * (s / 0.0896)) / (3.0 * sin08 + 0.56);
        const m = beta / (1 + beta);
        const L = x[i]! > 0 ? (m === 0.5 ? Math.sqrt(x[i]!) : Math.exp(m * Math.log(x[i]!))) : 1;
        expect(w.o[i], `grassL ratio ${ratio} cell ${i}`).toBe(L);
      }
    }
  });
});
