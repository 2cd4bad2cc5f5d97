#!/usr/bin/python3
"""InVEST SDR's LS factor as published (natcap/invest, src/natcap/invest/sdr.py, `_calculate_ls_factor`, the D-infinity
era 3.3-3.7), re-typed with numpy for the pipeline comparison of the `invest` preset. Differences to that code: the
McCool beta constant is 0.0896 (InVEST had the transcription error 0.0986 until 3.9.1, which fixed it).

Usage: invest-ls.py slope_percent.tif flow_accumulation_cells.tif flow_angle_rad.tif out.tif
  slope in percent, flow accumulation in pixels (the cell included), D-infinity flow angle in radians.
"""
import sys
import numpy
from osgeo import gdal

NODATA = -1.0


def ls_factor_function(aspect_angle, percent_slope, flow_accumulation, cell_size):
    cell_area = cell_size ** 2
    valid_mask = numpy.isfinite(aspect_angle) & numpy.isfinite(percent_slope) & numpy.isfinite(flow_accumulation)
    result = numpy.full(valid_mask.shape, NODATA, dtype=numpy.float32)
    # length of the flow path on the pixel
    xij = numpy.abs(numpy.sin(aspect_angle[valid_mask])) + numpy.abs(numpy.cos(aspect_angle[valid_mask]))
    contributing_area = (flow_accumulation[valid_mask] - 1) * cell_area
    slope_in_radians = numpy.arctan(percent_slope[valid_mask] / 100.0)
    slope_factor = numpy.where(percent_slope[valid_mask] < 9.0,
                               10.8 * numpy.sin(slope_in_radians) + 0.03,
                               16.8 * numpy.sin(slope_in_radians) - 0.5)
    beta = (numpy.sin(slope_in_radians) / 0.0896) / (3 * numpy.sin(slope_in_radians) ** 0.8 + 0.56)
    slope_table = numpy.array([1., 3.5, 5., 9.])
    m_table = numpy.array([0.2, 0.3, 0.4, 0.5])
    big_slope_mask = percent_slope[valid_mask] > slope_table[-1]
    m_indexes = numpy.digitize(percent_slope[valid_mask][~big_slope_mask], slope_table, right=True)
    m_exp = numpy.empty(big_slope_mask.shape, dtype=numpy.float32)
    m_exp[big_slope_mask] = beta[big_slope_mask] / (1 + beta[big_slope_mask])
    m_exp[~big_slope_mask] = m_table[m_indexes]
    l_factor = (((contributing_area + cell_area) ** (m_exp + 1) - contributing_area ** (m_exp + 1)) /
                ((cell_size ** (m_exp + 2)) * (xij ** m_exp) * (22.13 ** m_exp)))
    l_factor[l_factor > 333] = 333
    result[valid_mask] = l_factor * slope_factor
    return result


def read(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(numpy.float64)
    nd = b.GetNoDataValue()
    if nd is not None:
        a[a == nd] = numpy.nan
    return ds, a


if __name__ == '__main__':
    slope_path, acc_path, angle_path, out_path = sys.argv[1:5]
    ds, slope = read(slope_path)
    _, acc = read(acc_path)
    _, angle = read(angle_path)
    cell = abs(ds.GetGeoTransform()[1])
    ls = ls_factor_function(angle, slope, acc, cell)
    out = gdal.GetDriverByName('GTiff').Create(out_path, ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Float32,
                                               ['COMPRESS=DEFLATE', 'PREDICTOR=3'])
    out.SetGeoTransform(ds.GetGeoTransform())
    out.SetProjection(ds.GetProjection())
    band = out.GetRasterBand(1)
    band.SetNoDataValue(NODATA)
    band.WriteArray(ls)
    out = None
