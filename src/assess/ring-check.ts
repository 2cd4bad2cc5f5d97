/**
 * Self-intersection of a polygon ring (a "bowtie"): two edges that are not neighbours along the ring cross, touch
 * or overlap. Such a ring has no well-defined inside; rasterising it by the even-odd rule silently drops the
 * crossed part.
 *
 * Sweep over edges sorted by their smallest x: each edge is tested only against edges whose x-ranges overlap it, so
 * a boundary of n vertices costs O(n log n) plus the pairs that overlap in x. Exact orientation tests on the given
 * coordinates (no tolerance). Consecutive repeated vertices are skipped.
 *
 * @module
 */

/** Where a ring first crosses itself: the two edge indices (edge k joins vertex k and k + 1) and a point. */
export interface RingCrossing {
  /** Index of the first edge. */
  readonly edgeA: number;
  /** Index of the second edge. */
  readonly edgeB: number;
  /** A point of the crossing (the intersection, or a shared point when the edges overlap), in ring coordinates. */
  readonly at: readonly [number, number];
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/**
 * The first self-intersection of a ring (closed or not: the closing edge is implied), or null for a simple ring.
 * @param ring - vertices `[x, y]` (extra coordinates are ignored).
 */
export function ringSelfIntersection(ring: readonly (readonly number[])[]): RingCrossing | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of ring) {
    const x = Number(p[0]);
    const y = Number(p[1]);
    const n = xs.length;
    if (n > 0 && xs[n - 1] === x && ys[n - 1] === y) continue;
    xs.push(x);
    ys.push(y);
  }
  if (xs.length > 1 && xs[0] === xs[xs.length - 1] && ys[0] === ys[ys.length - 1]) {
    xs.pop();
    ys.pop();
  }
  const n = xs.length;
  if (n < 4) return null;
  const order = Array.from({ length: n }, (_, k) => k);
  const minX = (k: number): number => Math.min(xs[k]!, xs[(k + 1) % n]!);
  const maxX = (k: number): number => Math.max(xs[k]!, xs[(k + 1) % n]!);
  order.sort((a, b) => minX(a) - minX(b));
  for (let s = 0; s < n; s++) {
    const a = order[s]!;
    const aMax = maxX(a);
    const ax = xs[a]!; const ay = ys[a]!; const bx = xs[(a + 1) % n]!; const by = ys[(a + 1) % n]!;
    for (let t = s + 1; t < n; t++) {
      const b = order[t]!;
      if (minX(b) > aMax) break;
      const d = Math.abs(a - b);
      if (d === 1 || d === n - 1) continue;
      const cx = xs[b]!; const cy = ys[b]!; const dx = xs[(b + 1) % n]!; const dy = ys[(b + 1) % n]!;
      if (Math.max(cy, dy) < Math.min(ay, by) || Math.min(cy, dy) > Math.max(ay, by)) continue;
      const o1 = orient(ax, ay, bx, by, cx, cy);
      const o2 = orient(ax, ay, bx, by, dx, dy);
      const o3 = orient(cx, cy, dx, dy, ax, ay);
      const o4 = orient(cx, cy, dx, dy, bx, by);
      let at: [number, number] | null = null;
      if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) {
        const den = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
        const u = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / den;
        at = [ax + u * (bx - ax), ay + u * (by - ay)];
      } else if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) at = [cx, cy];
      else if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) at = [dx, dy];
      else if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) at = [ax, ay];
      else if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) at = [bx, by];
      if (at) return { edgeA: Math.min(a, b), edgeB: Math.max(a, b), at };
    }
  }
  return null;
}
