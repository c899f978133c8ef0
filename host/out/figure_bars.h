/* figure_bars.h — grouped bar charts of rates in [0, 1] with confidence
 * whiskers, as a PNG, SVG or PDF figure (the convergence study's). */
#ifndef DRT_HOST_FIGURE_BARS_H
#define DRT_HOST_FIGURE_BARS_H

#include "drt2d.h"

#define DRT_BARS_MAX_GROUPS 8
#define DRT_BARS_MAX_SERIES 4

typedef struct drt__bar_chart {
  const char *title;
  int n_groups, n_series;
  char group_label[DRT_BARS_MAX_GROUPS][32];
  const char *series_label[DRT_BARS_MAX_SERIES];
  /* value and whisker ends of series s in group g, in [0, 1]; NaN: no bar */
  double value[DRT_BARS_MAX_GROUPS][DRT_BARS_MAX_SERIES];
  double lo[DRT_BARS_MAX_GROUPS][DRT_BARS_MAX_SERIES];
  double hi[DRT_BARS_MAX_GROUPS][DRT_BARS_MAX_SERIES];
} drt__bar_chart;

/* Draws the chart (y axis 0-100 %, a legend) and writes it atomically in
 * the format path's extension names, a PNG at dpi (drawing.h). */
drt_status drt__bar_chart_write(const drt__bar_chart *chart, const char *path,
                                double dpi);

#endif
