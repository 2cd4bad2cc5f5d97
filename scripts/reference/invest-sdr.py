#!/usr/bin/python3
"""InVEST SDR (natcap/invest 3.20, src/natcap/invest/sdr/sdr.py and sediment_deposition.h; routing from
natcap/pygeoprocessing 2.4 routing.pyx and geoprocessing_core.pyx), re-typed with numpy for the fixtures of
test/model/sdr-reference.test.ts. MFD routing (InVEST's default), streams traced at 0.7 of the threshold.

Only numpy (Debian python3-numpy): rasters come in and go out as raw little-endian float64 arrays; the wrapper
scripts/reference/make-sdr-fixtures.sh converts GeoTIFFs with gdal_translate.

Usage: invest-sdr.py WIDTH HEIGHT CELL_SIZE THRESHOLD dem.f64 c.f64 p.f64 r_const k_const outdir
  dem, c and p: NaN = nodata. Writes outdir/{ls,usle,sdr,ic,d_up,d_dn,sed_export,sed_deposition,stream,
  what_drains_to_stream}.f64 (NaN = nodata).

Steps, each as in InVEST (function names of the source in brackets):
  mutual mask [_create_mutual_mask_op]; fill_pits (priority flood, no epsilon); calculate_slope (percent);
  flow_dir_mfd (4-bit quantised proportions, plateaus by drain distance); flow_accumulation_mfd;
  extract_streams_mfd (trace_threshold_proportion 0.7); _calculate_ls_factor (l_max 122); _calculate_rkls;
  usle = rkls * cp; threshold_slope_op; _calculate_w; _calculate_bar_factor; _calculate_d_up;
  distance_to_channel_mfd with weight 1/(w*s); _calculate_ic; _calculate_sdr; e_prime; run_sediment_deposition;
  _calculate_what_drains_to_stream.
"""
import heapq
import math
import os
import sys
from collections import deque

import numpy

ROW_OFFSETS = [0, -1, -1, -1, 0, 1, 1, 1]
COL_OFFSETS = [1, 1, 0, -1, -1, -1, 0, 1]
INFLOW_OFFSETS = [4, 5, 6, 7, 0, 1, 2, 3]
SQRT2 = 1.4142135623730951
SQRT2_INV = 1.0 / 1.4142135623730951


def fill_pits(dem):
    """Priority flood from the edge and nodata-adjacent cells; pits raised to their pour point (no epsilon)."""
    h, w = dem.shape
    out = dem.copy()
    closed = numpy.isnan(dem).copy()
    heap = []
    for y in range(h):
        for x in range(w):
            if closed[y, x]:
                continue
            edge = y == 0 or x == 0 or y == h - 1 or x == w - 1
            if not edge:
                for k in range(8):
                    if numpy.isnan(dem[y + ROW_OFFSETS[k], x + COL_OFFSETS[k]]):
                        edge = True
                        break
            if edge:
                heapq.heappush(heap, (dem[y, x], y, x))
                closed[y, x] = True
    while heap:
        z, y, x = heapq.heappop(heap)
        for k in range(8):
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if yn < 0 or yn >= h or xn < 0 or xn >= w or closed[yn, xn]:
                continue
            closed[yn, xn] = True
            if out[yn, xn] < z:
                out[yn, xn] = z
            heapq.heappush(heap, (out[yn, xn], yn, xn))
    return out


def calculate_slope(dem, x_cell_size, y_cell_size):
    h, w = dem.shape
    pad = numpy.full((h + 2, w + 2), numpy.nan)
    pad[1:-1, 1:-1] = dem
    slope = numpy.full((h, w), numpy.nan)
    r2 = 2 ** 0.5
    for ri in range(1, h + 1):
        for ci in range(1, w + 1):
            e = pad[ri, ci]
            if math.isnan(e):
                continue
            a, b, c = pad[ri - 1, ci - 1], pad[ri - 1, ci], pad[ri - 1, ci + 1]
            d, f = pad[ri, ci - 1], pad[ri, ci + 1]
            g, hh, i = pad[ri + 1, ci - 1], pad[ri + 1, ci], pad[ri + 1, ci + 1]
            av, bv, cv, dv, fv, gv, hv, iv = [not math.isnan(v) for v in (a, b, c, d, f, g, hh, i)]
            dzdx = dzdy = 0.0
            xd = yd = 0
            if av and cv: dzdx += a - c; xd += 2
            elif av and bv: dzdx += a - b; xd += 1
            elif bv and cv: dzdx += b - c; xd += 1
            elif av: dzdx += (a - e) * r2; xd += 1
            elif cv: dzdx += (e - c) * r2; xd += 1
            if dv and fv: dzdx += 2 * (d - f); xd += 4
            elif dv: dzdx += 2 * (d - e); xd += 2
            elif fv: dzdx += 2 * (e - f); xd += 2
            if gv and iv: dzdx += g - i; xd += 2
            elif gv and hv: dzdx += g - hh; xd += 1
            elif hv and iv: dzdx += hh - i; xd += 1
            elif gv: dzdx += (g - e) * r2; xd += 1
            elif iv: dzdx += (e - i) * r2; xd += 1
            if av and gv: dzdy += a - g; yd += 2
            elif av and dv: dzdy += a - d; yd += 1
            elif dv and gv: dzdy += d - g; yd += 1
            elif av: dzdy += (a - e) * r2; yd += 1
            elif gv: dzdy += (e - g) * r2; yd += 1
            if bv and hv: dzdy += 2 * (b - hh); yd += 4
            elif bv: dzdy += 2 * (b - e); yd += 2
            elif hv: dzdy += 2 * (e - hh); yd += 2
            if cv and iv: dzdy += c - i; yd += 2
            elif cv and fv: dzdy += c - f; yd += 1
            elif fv and iv: dzdy += f - i; yd += 1
            elif cv: dzdy += (c - e) * r2; yd += 1
            elif iv: dzdy += (e - i) * r2; yd += 1
            gx = dzdx / (xd * x_cell_size) if xd else 0.0
            gy = dzdy / (yd * y_cell_size) if yd else 0.0
            slope[ri - 1, ci - 1] = 100 * math.sqrt(gx * gx + gy * gy)
    return slope.astype(numpy.float32)


def _pack(arr, total):
    v = 0
    for k in range(8):
        v |= int(0.5 + arr[k] / total * 0xF) << (k * 4)
    return v


def flow_dir_mfd(dem):
    h, w = dem.shape
    fd = numpy.zeros((h, w), dtype=numpy.int64)
    flat = numpy.zeros((h, w), dtype=bool)
    drain_mask = numpy.zeros((h, w), dtype=bool)
    NODIST = float(w * h)
    dist = numpy.full((h, w), NODIST)

    def z(y, x):
        if y < 0 or y >= h or x < 0 or x >= w:
            return math.nan
        return dem[y, x]

    for y in range(h):
        for x in range(w):
            root = dem[y, x]
            if math.isnan(root) or fd[y, x] != 0:
                continue
            slopes = [0.0] * 8
            total = 0.0
            for k in range(8):
                nz = z(y + ROW_OFFSETS[k], x + COL_OFFSETS[k])
                if math.isnan(nz):
                    continue
                s = root - nz
                if s > 0:
                    if k & 1:
                        s *= SQRT2_INV
                    slopes[k] = s
                    total += s
            if total > 0:
                fd[y, x] = _pack(slopes, total)
                continue
            search = deque([(y, x)])
            flat[y, x] = True
            drains = deque()
            nodata_drains = []
            while search:
                yq, xq = search.popleft()
                slopes = [0.0] * 8
                nslopes = [0.0] * 8
                sw = snd = 0.0
                for k in range(8):
                    yn, xn = yq + ROW_OFFSETS[k], xq + COL_OFFSETS[k]
                    nz = z(yn, xn)
                    if math.isnan(nz):
                        s = SQRT2_INV if k & 1 else 1.0
                        snd += s
                        nslopes[k] = s
                        continue
                    s = root - nz
                    if s < 0:
                        continue
                    if s == 0.0:
                        if not flat[yn, xn]:
                            search.append((yn, xn))
                            flat[yn, xn] = True
                        continue
                    if k & 1:
                        s *= SQRT2_INV
                    slopes[k] = s
                    sw += s
                if sw > 0:
                    fd[yq, xq] = _pack(slopes, sw)
                    dist[yq, xq] = 0.0
                    drain_mask[yq, xq] = True
                    drains.append((yq, xq))
                elif snd > 0:
                    nodata_drains.append((yq, xq, _pack(nslopes, snd)))
            if not drains:
                for yq, xq, v in nodata_drains:
                    fd[yq, xq] = v
                    dist[yq, xq] = 0.0
                    drain_mask[yq, xq] = True
                    drains.append((yq, xq))
            direction_queue = deque(drains)
            while drains:
                yq, xq = drains.popleft()
                d = dist[yq, xq]
                for k in range(8):
                    yn, xn = yq + ROW_OFFSETS[k], xq + COL_OFFSETS[k]
                    if yn < 0 or yn >= h or xn < 0 or xn >= w:
                        continue
                    nd = d + (SQRT2 if k & 1 else 1.0)
                    if dem[yn, xn] == root and dist[yn, xn] > nd:
                        dist[yn, xn] = nd
                        drains.append((yn, xn))
            while direction_queue:
                yq, xq = direction_queue.popleft()
                d = dist[yq, xq]
                slopes = [0.0] * 8
                sw = 0.0
                for k in range(8):
                    yn, xn = yq + ROW_OFFSETS[k], xq + COL_OFFSETS[k]
                    if yn < 0 or yn >= h or xn < 0 or xn >= w:
                        continue
                    if dem[yn, xn] != root:
                        continue
                    nd = dist[yn, xn]
                    if nd == NODIST:
                        continue
                    if nd < d:
                        s = SQRT2_INV if k & 1 else 1.0
                        slopes[k] = s
                        sw += s
                    elif not drain_mask[yn, xn]:
                        direction_queue.append((yn, xn))
                        drain_mask[yn, xn] = True
                if sw == 0:
                    continue
                fd[yq, xq] = _pack(slopes, sw)
    return fd


def nib(v, k):
    return (int(v) >> (4 * k)) & 0xF


def topological_order(fd):
    """Cells ordered so that every cell comes after the cells that flow into it (Kahn)."""
    h, w = fd.shape
    indeg = numpy.zeros((h, w), dtype=numpy.int64)
    for y in range(h):
        for x in range(w):
            v = fd[y, x]
            if v == 0:
                continue
            for k in range(8):
                if nib(v, k) == 0:
                    continue
                yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
                if 0 <= yn < h and 0 <= xn < w and fd[yn, xn] != 0:
                    indeg[yn, xn] += 1
    q = deque((y, x) for y in range(h) for x in range(w) if fd[y, x] != 0 and indeg[y, x] == 0)
    order = []
    while q:
        y, x = q.popleft()
        order.append((y, x))
        v = fd[y, x]
        for k in range(8):
            if nib(v, k) == 0:
                continue
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if 0 <= yn < h and 0 <= xn < w and fd[yn, xn] != 0:
                indeg[yn, xn] -= 1
                if indeg[yn, xn] == 0:
                    q.append((yn, xn))
    return order


def accumulate(fd, order, weight=None):
    """flow_accumulation_mfd: own weight plus upstream accumulation * nibble / sum of the upstream nibbles."""
    h, w = fd.shape
    sums = numpy.zeros((h, w), dtype=numpy.int64)
    for k in range(8):
        sums += (fd >> (4 * k)) & 0xF
    acc = numpy.full((h, w), numpy.nan)
    for y, x in order:
        # pull form, as the source: the value of (y, x) is final once its upstream cells are
        v = 1.0 if weight is None else (0.0 if math.isnan(weight[y, x]) else float(weight[y, x]))
        for k in range(8):
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if not (0 <= yn < h and 0 <= xn < w):
                continue
            up = fd[yn, xn]
            flow = nib(up, INFLOW_OFFSETS[k])
            if flow:
                v += acc[yn, xn] * flow / float(numpy.float32(sums[yn, xn]))
        acc[y, x] = v
    return acc


def extract_streams_mfd(fa, fd, threshold, trace_proportion):
    h, w = fa.shape
    ND = 255
    st = numpy.full((h, w), ND, dtype=numpy.int64)
    trace = trace_proportion * threshold
    for y in range(h):
        for x in range(w):
            f = fa[y, x]
            if math.isnan(f) or st[y, x] != ND:
                continue
            st[y, x] = 0
            if f < threshold:
                continue
            v = fd[y, x]
            outlet = False
            for k in range(8):
                if nib(v, k) == 0:
                    continue
                yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
                if yn < 0 or yn >= h or xn < 0 or xn >= w or math.isnan(fa[yn, xn]):
                    outlet = True
                    break
            open_set = deque()
            if outlet:
                open_set.append((y, x))
                st[y, x] = 1
            while open_set:
                yq, xq = open_set.popleft()
                for k in range(8):
                    ys, xs = yq + ROW_OFFSETS[k], xq + COL_OFFSETS[k]
                    if ys < 0 or ys >= h or xs < 0 or xs >= w:
                        continue
                    vs = fd[ys, xs]
                    if vs == 0:
                        continue
                    if nib(vs, INFLOW_OFFSETS[k]) > 0:
                        sv = st[ys, xs]
                        if sv != 1 and sv != 2:
                            fs = fa[ys, xs]
                            if fs >= threshold:
                                st[ys, xs] = 1
                                open_set.append((ys, xs))
                                back = deque([(ys, xs)])
                                while back:
                                    yb, xb = back.popleft()
                                    vb = fd[yb, xb]
                                    for kk in range(8):
                                        if nib(vb, kk) > 0:
                                            y2, x2 = yb + ROW_OFFSETS[kk], xb + COL_OFFSETS[kk]
                                            if y2 < 0 or y2 >= h or x2 < 0 or x2 >= w:
                                                continue
                                            if st[y2, x2] == 2:
                                                st[y2, x2] = 1
                                                back.append((y2, x2))
                            elif fs >= trace:
                                st[ys, xs] = 2
                                open_set.append((ys, xs))
    st[st == 2] = 0
    return st


def distance_to_channel_mfd(fd, order, stream, weight):
    h, w = fd.shape
    dist = numpy.full((h, w), numpy.nan)
    dist[stream == 1] = 0.0
    for y, x in reversed(order):
        if stream[y, x] == 1:
            continue
        v = fd[y, x]
        sw = 0
        swd = 0.0
        for k in range(8):
            p = nib(v, k)
            if p == 0:
                continue
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if yn < 0 or yn >= h or xn < 0 or xn >= w:
                continue
            dn = dist[yn, xn]
            if math.isnan(dn):
                continue
            wv = weight[yn, xn]
            if math.isnan(wv):
                wv = 0.0
            sw += p
            swd += p * (wv + dn)
        if sw != 0:
            dist[y, x] = swd / sw
    return dist


def ls_factor(percent_slope, flow_accumulation, cell_size, l_max):
    """_calculate_ls_factor of sdr.py (3.14 and later), numpy as in the source."""
    cell_area = cell_size ** 2
    contributing_area = numpy.sqrt((flow_accumulation - 1) * cell_area)
    slope_in_radians = numpy.arctan(percent_slope / 100)
    aspect_length = numpy.fabs(numpy.sin(slope_in_radians)) + numpy.fabs(numpy.cos(slope_in_radians))
    slope_factor = numpy.where(percent_slope < 9, 10.8 * numpy.sin(slope_in_radians) + 0.03,
                               16.8 * numpy.sin(slope_in_radians) - 0.5)
    beta = (numpy.sin(slope_in_radians) / 0.0896) / (3 * numpy.sin(slope_in_radians) ** 0.8 + 0.56)
    slope_table = numpy.array([1., 3.5, 5., 9.])
    m_table = numpy.array([0.2, 0.3, 0.4, 0.5])
    big_slope_mask = percent_slope > slope_table[-1]
    m_indexes = numpy.digitize(percent_slope[~big_slope_mask], slope_table, right=True)
    m_exp = numpy.empty(big_slope_mask.shape, dtype=numpy.float32)
    m_exp[big_slope_mask] = beta[big_slope_mask] / (1 + beta[big_slope_mask])
    m_exp[~big_slope_mask] = m_table[m_indexes]
    l_factor = (((contributing_area + cell_area) ** (m_exp + 1) - contributing_area ** (m_exp + 1)) /
                ((cell_size ** (m_exp + 2)) * (aspect_length ** m_exp) * (22.13 ** m_exp)))
    l_factor[l_factor > l_max] = l_max
    return (l_factor * slope_factor).astype(numpy.float32)


def sediment_deposition(fd, order, e_prime, sdr):
    """run_sediment_deposition<MFD>, in a topological order (the source's stack order gives the same values)."""
    h, w = fd.shape
    dep = numpy.full((h, w), numpy.nan, dtype=numpy.float32)
    flux = numpy.full((h, w), numpy.nan, dtype=numpy.float32)
    sums = numpy.zeros((h, w), dtype=numpy.int64)
    for k in range(8):
        sums += (fd >> (4 * k)) & 0xF
    for y, x in order:
        f_j_weighted_sum = 0.0
        for k in range(8):
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if not (0 <= yn < h and 0 <= xn < w):
                continue
            flow = nib(fd[yn, xn], INFLOW_OFFSETS[k])
            if flow == 0:
                continue
            fj = flux[yn, xn]
            if math.isnan(fj):
                continue
            prop = numpy.float32(flow) / numpy.float32(sums[yn, xn])
            f_j_weighted_sum += float(prop) * float(fj)
        v = fd[y, x]
        downslope = 0.0
        flow_dir_sum = 0
        for k in range(8):
            p = nib(v, k)
            if p == 0:
                continue
            yn, xn = y + ROW_OFFSETS[k], x + COL_OFFSETS[k]
            if not (0 <= yn < h and 0 <= xn < w):
                continue
            flow_dir_sum += p
            sj = sdr[yn, xn]
            if math.isnan(sj):
                continue
            if sj == 0:
                sj = 1.0
            downslope += float(sj) * p
        si = sdr[y, x]
        if math.isnan(si):
            continue
        ei = e_prime[y, x]
        if math.isnan(ei):
            continue
        si = float(si)
        if flow_dir_sum:
            downslope /= flow_dir_sum
        if downslope < si:
            downslope = si
        dr = 1.0 if si == 1 else (downslope - si) / (1 - si)
        t = dr * f_j_weighted_sum
        f = (1 - dr) * f_j_weighted_sum + float(ei)
        dep[y, x] = max(t, 0.0)
        flux[y, x] = max(f, 0.0)
    return dep, flux


def main():
    w, h = int(sys.argv[1]), int(sys.argv[2])
    cell_size = float(sys.argv[3])
    threshold = float(sys.argv[4])
    rd = lambda p: numpy.fromfile(p, dtype='<f8').reshape(h, w)
    dem, c, p = rd(sys.argv[5]), rd(sys.argv[6]), rd(sys.argv[7])
    r_const, k_const = float(sys.argv[8]), float(sys.argv[9])
    outdir = sys.argv[10]
    mask = ~(numpy.isnan(dem) | numpy.isnan(c) | numpy.isnan(p))
    dem = numpy.where(mask, dem.astype(numpy.float32).astype(numpy.float64), numpy.nan)
    filled = fill_pits(dem)
    slope = calculate_slope(filled, cell_size, cell_size)
    fd = flow_dir_mfd(filled)
    order = topological_order(fd)
    fa = accumulate(fd, order)
    stream = extract_streams_mfd(fa, fd, threshold, 0.7)
    valid = fd != 0
    stream_nd = numpy.where(valid, stream, 255)
    ls = numpy.full(fd.shape, numpy.nan)
    ls[valid] = ls_factor(slope[valid], fa[valid], cell_size, 122.0)  # raster_map passes the valid cells only
    rkls = numpy.where(valid & (stream == 0), ls.astype(numpy.float32) * numpy.float32(r_const) * numpy.float32(k_const), numpy.nan).astype(numpy.float32)
    cp = (c * p).astype(numpy.float32)
    usle = (rkls * cp).astype(numpy.float32)
    slope_m = (slope / 100).astype(numpy.float32)
    slope_m[slope_m < 0.005] = 0.005
    slope_m[slope_m > 1] = 1
    w_t = numpy.where(c.astype(numpy.float32) < 0.001, numpy.float32(0.001), c.astype(numpy.float32)).astype(numpy.float32)
    w_acc = accumulate(fd, order, numpy.where(valid, w_t, numpy.nan))
    s_acc = accumulate(fd, order, numpy.where(valid, slope_m, numpy.nan))
    w_bar = w_acc / fa
    s_bar = s_acc / fa
    d_up = w_bar * s_bar * numpy.sqrt(fa * cell_size ** 2)
    ws_inverse = (1 / (w_t * slope_m)).astype(numpy.float32).astype(numpy.float64)
    d_dn = distance_to_channel_mfd(fd, order, stream, ws_inverse)
    ok = valid & ~numpy.isnan(d_dn) & (d_dn != 0) & (d_up != 0)
    ic = numpy.full(fd.shape, numpy.nan, dtype=numpy.float32)
    ic[ok] = numpy.log10(d_up[ok] / d_dn[ok])
    sdr = numpy.full(fd.shape, numpy.nan, dtype=numpy.float32)
    okv = ~numpy.isnan(ic) & (stream != 1)
    sdr[okv] = 0.8 / (1 + numpy.exp((0.5 - ic[okv]) / 2))
    sdr[valid & (stream == 1)] = 1
    sed_export = (usle * sdr).astype(numpy.float32)
    e_prime = numpy.full(fd.shape, numpy.nan, dtype=numpy.float32)
    okp = ~numpy.isnan(usle) & ~numpy.isnan(sdr)
    e_prime[okp] = usle[okp] * (1 - sdr[okp])
    e_prime[valid & (stream == 1)] = 0
    dep, flux = sediment_deposition(fd, order, e_prime, sdr)
    drains = numpy.full(fd.shape, 255.0)
    drains[valid & ~numpy.isnan(d_dn)] = 1
    drains[valid & numpy.isnan(d_dn)] = 0
    os.makedirs(outdir, exist_ok=True)
    out = dict(ls=ls, usle=usle, sdr=sdr, ic=ic, d_up=numpy.where(valid, d_up, numpy.nan), d_dn=d_dn,
               sed_export=sed_export, sed_deposition=dep, stream=stream_nd, what_drains_to_stream=drains,
               flow_accumulation=fa)
    for name, arr in out.items():
        numpy.asarray(arr, dtype='<f8').tofile(os.path.join(outdir, name + '.f64'))


if __name__ == '__main__':
    main()
