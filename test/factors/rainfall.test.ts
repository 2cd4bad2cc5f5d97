import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { breakpointRecord, fixedIntervalRecord, stormErosivity, unitEnergyBrownFoster1987, zhangDailyErosivity, zhangAlpha, zhangBeta, idwToGrid, Grid, projectedCrs, geographicCrs, isRusleError } from '../../src/index.js';
import { haversineM, meanRadiusM } from '../../src/factors/rainfall/idw.js';

const SEED = 20261129;
const T0 = Date.UTC(2020, 6, 1, 12);
const MIN = 60_000;

describe('storm EI30', () => {
  it('one 10-min storm worked by hand: E = Σ e(i)·ΔV, I30 = 2 × (6 + 9 + 4) = 38 mm/h, EI30 = E·I30', () => {
    const depths = [2, 6, 9, 4, 1];
    const { events, annualR, yearly } = stormErosivity(fixedIntervalRecord(T0, 10, depths));
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    // by hand: intensities 12, 36, 54, 24, 6 mm/h; e = 0.29(1 − 0.72 e^(−0.05 i))
    const eByHand = 0.175408 * 2 + 0.255486 * 6 + 0.275967 * 9 + 0.227111 * 4 + 0.135317 * 1;
    expect(ev.depthMm).toBe(22);
    expect(ev.energyMJHa).toBeCloseTo(eByHand, 4);
    expect(ev.i30MmH).toBeCloseTo(38, 10);
    expect(ev.max15MinDepthMm).toBeCloseTo(9 + 6 / 2, 10); // 15 min = one step of 9 mm and half a neighbouring 6 mm step
    expect(ev.ei30).toBeCloseTo(eByHand * 38, 2);
    expect(ev.erosive).toBe(true);
    expect(yearly).toEqual([{ year: 2020, ei30: ev.ei30, erosiveStorms: 1 }]);
    expect(annualR).toBe(ev.ei30);
  });
  it('a storm shorter than 30 min has I30 = 2 × its depth (AH537 convention)', () => {
    const { events } = stormErosivity(fixedIntervalRecord(T0, 5, [3, 4, 6]));
    expect(events[0]!.i30MmH).toBeCloseTo(26, 10);
    expect(events[0]!.erosive).toBe(true);
  });
  it('storms are split by 6 h with less than 1.27 mm, and joined when ≥ 1.27 mm falls within 6 h', () => {
    const d = new Array(24 * 6).fill(0); // 10-min steps, one day
    d[0] = 10; d[1] = 5; // storm A: 15 mm
    d[1 + 36] = 1.0;      // 1.0 mm exactly 6 h later → less than 1.27: separates
    d[1 + 37] = 8; d[1 + 38] = 8;
    const split = stormErosivity(fixedIntervalRecord(T0, 10, d));
    expect(split.events.map((e) => e.depthMm)).toEqual([15, 17]);
    const d2 = d.slice();
    d2[1 + 20] = 1.5; // 1.5 mm within the 6 h after A: joins
    const joined = stormErosivity(fixedIntervalRecord(T0, 10, d2));
    expect(joined.events.map((e) => e.depthMm)).toEqual([33.5]);
  });
  it('storms below 12.7 mm are not erosive unless the optional 15-min rule (AH537: 6.35 mm) is met', () => {
    const rec = fixedIntervalRecord(T0, 15, [7, 1]);
    expect(stormErosivity(rec).events[0]!.erosive).toBe(false);
    expect(stormErosivity(rec).annualR).toBe(0);
    expect(stormErosivity(rec, { min15MinDepthMm: 6.35 }).events[0]!.erosive).toBe(true);
  });
  it('a breakpoint record equals the same rain as a fixed-interval record', () => {
    const fixed = stormErosivity(fixedIntervalRecord(T0, 10, [2, 6, 9, 4, 1]));
    const bp = stormErosivity(breakpointRecord([0, 1, 2, 3, 4, 5].map((k) => T0 + k * 10 * MIN), [0, 2, 8, 17, 21, 22]));
    expect(bp.events[0]!.ei30).toBeCloseTo(fixed.events[0]!.ei30, 9);
  });
  it('breakpoint I30 interpolates inside intervals: 20 mm over 40 min at constant rate → I30 = 30 mm/h', () => {
    const { events } = stormErosivity(breakpointRecord([T0, T0 + 40 * MIN], [0, 20]));
    expect(events[0]!.i30MmH).toBeCloseTo(30, 10);
    expect(events[0]!.energyMJHa).toBeCloseTo(20 * unitEnergyBrownFoster1987(30), 12);
  });
  it('60-min records give I30 = the wettest hour (under-estimate documented by Yin et al. 2007)', () => {
    const { events } = stormErosivity(fixedIntervalRecord(T0, 60, [4, 20, 2]));
    expect(events[0]!.i30MmH).toBeCloseTo(20, 10);
  });
  it('annual R is the mean of yearly sums over every calendar year of the record (zero years included)', () => {
    const t2019 = Date.UTC(2019, 6, 1);
    const d = new Array(2 * 365 * 24).fill(0);
    d[0] = 20; // one hour of 20 mm on 2019-07-01
    const r = stormErosivity(fixedIntervalRecord(t2019, 60, d));
    expect(r.yearly.map((y) => y.year)).toEqual([2019, 2020, 2021]);
    expect(r.annualR).toBeCloseTo(r.events[0]!.ei30 / 3, 10);
    expect(stormErosivity(fixedIntervalRecord(t2019, 60, d), { years: [2019] }).annualR).toBeCloseTo(r.events[0]!.ei30, 10);
  });
  it('refuses NaN depths (gaps must be filled or split, not read as no rain)', () => {
    try {
      fixedIntervalRecord(T0, 5, [1, NaN]);
      throw new Error('no throw');
    } catch (e) {
      expect(isRusleError(e, 'BAD_VALUE')).toBe(true);
    }
  });
  it('property: R is additive over storms separated by more than 6 h dry', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.double({ min: 0, max: 15, noNaN: true }), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 5 }),
      (storms) => {
        const gap = new Array(40).fill(0); // 40 × 10 min = 6 h 40 min dry
        const all: number[] = [];
        let separate = 0;
        for (const s of storms) {
          all.push(...s, ...gap);
          separate += stormErosivity(fixedIntervalRecord(T0, 10, s), { years: [2020] }).annualR;
        }
        const together = stormErosivity(fixedIntervalRecord(T0, 10, all), { years: [2020] }).annualR;
        expect(together).toBeCloseTo(separate, 6);
      },
    ), { seed: SEED, numRuns: 100 });
  });
});

describe('Zhang daily model', () => {
  it('derives P_d12, P_y12, α, β from the series; half-month sums use days ≥ 12 mm only; shares sum to 1', () => {
    const dates = ['2019-07-03', '2019-07-20', '2019-08-01', '2020-07-05', '2020-07-06'];
    const rain = [30, 5, 20, 40, 12];
    const r = zhangDailyErosivity({ dates, rainMm: rain });
    expect(r.pd12Mm).toBeCloseTo((30 + 20 + 40 + 12) / 4, 12);
    expect(r.py12Mm).toBeCloseTo(102 / 2, 12);
    const beta = zhangBeta(25.5, 51);
    expect(r.beta).toBeCloseTo(beta, 12);
    const a = zhangAlpha(beta);
    // half-month 12 = Jul 1–15: 2019: 30 mm; 2020: 40 + 12 mm → mean of the two years
    expect(r.halfMonthMean[12]).toBeCloseTo((a * 30 ** beta + a * 40 ** beta + a * 12 ** beta) / 2, 8);
    expect(r.halfMonthMean[13]).toBe(0); // Jul 16–31: only the 5 mm day
    expect(r.halfMonthMean[14]).toBeCloseTo((a * 20 ** beta) / 2, 8);
    expect(r.halfMonthShare.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(r.annualR).toBeCloseTo((r.yearly[0]!.r + r.yearly[1]!.r) / 2, 8);
  });
});

describe('IDW station → grid', () => {
  const grid = new Grid(5, 4, [0, 100, 0, 400, 0, -100], projectedCrs({ epsg: 32650 }));
  it('a cell centre on a station takes its value; equidistant stations average', () => {
    const r = idwToGrid([{ x: 50, y: 350, value: 10 }, { x: 450, y: 350, value: 30 }], grid);
    expect(r.get(0, 0)).toBe(10);
    expect(r.get(4, 0)).toBe(30);
    expect(r.get(2, 0)).toBeCloseTo(20, 5);
  });
  it('radius leaves far cells NaN; nearest = 1 gives the nearest station', () => {
    const st = [{ x: 50, y: 350, value: 10 }, { x: 450, y: 50, value: 30 }];
    const r = idwToGrid(st, grid, { radiusM: 150 });
    expect(Number.isNaN(r.get(2, 2))).toBe(true);
    const n1 = idwToGrid(st, grid, { nearest: 1 });
    expect(n1.get(1, 0)).toBe(10);
    expect(n1.get(3, 3)).toBe(30);
  });
  it('nearest = 3 weights exactly the three closest stations (by hand at one cell)', () => {
    const g = new Grid(1, 1, [0, 10, 0, 10, 0, -10], projectedCrs({ epsg: 32650 }));
    const st = [{ x: 5, y: 15, value: 1 }, { x: 25, y: 5, value: 2 }, { x: 5, y: -25, value: 3 }, { x: -45, y: 5, value: 4 }, { x: 5, y: 6, value: 5 }];
    // distances from (5, 5): 10, 20, 30, 50, 1 → nearest three: stations 5, 1, 2
    const want = (5 / 1 + 1 / 100 + 2 / 400) / (1 + 1 / 100 + 1 / 400);
    expect(idwToGrid(st, g, { nearest: 3 }).get(0, 0)).toBeCloseTo(want, 5);
  });
  it('the projected power-2 fast path equals the general path (nearest = all stations)', () => {
    const g = new Grid(40, 30, [1000, 25, 0, 9000, 0, -25], projectedCrs({ epsg: 32650 }));
    const st = Array.from({ length: 17 }, (_, i) => ({ x: 1000 + ((i * 137) % 1000), y: 9000 - ((i * 211) % 750), value: 100 + i * 10 }));
    const fast = idwToGrid(st, g, { radiusM: 600 });
    const general = idwToGrid(st, g, { radiusM: 600, nearest: st.length });
    for (let i = 0; i < fast.data.length; i++) {
      if (Number.isNaN(general.data[i]!)) expect(Number.isNaN(fast.data[i]!)).toBe(true);
      else expect(fast.data[i]).toBeCloseTo(general.data[i]!, 3);
    }
  });
  it('geographic grids use haversine distances on the mean radius (1° of latitude ≈ 111.2 km)', () => {
    expect(meanRadiusM(6378137, 298.257223563)).toBeCloseTo(6371008.8, 1);
    const d = haversineM(0, 0, 0, Math.PI / 180, 6371008.8);
    expect(d).toBeCloseTo(111195, 0);
    // At 60° N a degree of longitude is half a degree of latitude: a station 1° east counts like one 0.5° north.
    const g = new Grid(1, 1, [115.5, 1, 0, 60.5, 0, -1], geographicCrs());
    const r = idwToGrid([{ x: 117, y: 60, value: 0 }, { x: 116, y: 60.5, value: 100 }], g, { power: 1 });
    expect(r.get(0, 0)).toBeGreaterThan(40);
    expect(r.get(0, 0)).toBeLessThan(60);
  });
});
