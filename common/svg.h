/* common/svg.h: the pieces of the pictures wsecc --emit=svg and wsesim
 * --stats-svg draw (common/svg.c): a grid of cores, one cell per core up to
 * 300 a side and blocks of cores beyond (each showing its largest value),
 * a heat scale, and XML-safe text. */
#ifndef WSEC_SVG_H
#define WSEC_SVG_H
#include "common/util.h"

typedef struct SvgGrid {
  int x0, y0, w, h;      /* the region, in cores */
  int block;             /* cores per cell along each side */
  int bw, bh;            /* cells */
  double cell;           /* pixels per cell */
  double *val;           /* per cell: the largest value put */
  unsigned char *set;
} SvgGrid;

void svg_grid(SvgGrid *g, int x0, int y0, int w, int h);
void svg_grid_put(SvgGrid *g, int x, int y, double v);  /* core (x, y), v in [0, 1] */
void svg_grid_free(SvgGrid *g);
void svg_begin(Buf *b, double w, double h, const char *title);
void svg_end(Buf *b);
void svg_text(Buf *b, const char *s);                   /* XML-escaped */
void svg_heat(Buf *b, const SvgGrid *g, double ox, double oy, const char *what);
void svg_legend(Buf *b, double x, double y, const char *what);
#endif
