/* common/svg.c: pictures of a mapping (wsecc --emit=svg) and of a run
 * (wsesim --stats-svg), as SVG a browser shows and an XML parser reads.
 *
 * The used region is drawn cell by cell (one cell per core) while it is at
 * most SVG_FINE cores on its longer side; a larger region is drawn in
 * blocks of B x B cores (B = ceil(side / SVG_FINE)), each block showing
 * the largest value of its cores, so a 100,000-core model stays a picture
 * of a few hundred cells a side. Heat runs from white (0) to dark red (1).
 */
#include "common/svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVG_FINE 300   /* cores along the longer side drawn one by one */
#define SVG_SIDE 900.0 /* pixels the longer side of the region takes */

/* White -> yellow -> red -> dark red for v in [0, 1]. */
static void heat(double v, char *out, size_t n) {
  if (v < 0) v = 0;
  if (v > 1) v = 1;
  int r, g, b;
  if (v < 0.5) {
    r = 255;
    g = 255;
    b = (int)(255 * (1 - 2 * v));
  } else {
    r = (int)(255 - 120 * (v - 0.5) * 2);
    g = (int)(255 * (1 - (v - 0.5) * 2));
    b = 0;
  }
  snprintf(out, n, "#%02x%02x%02x", r, g, b);
}

void svg_grid(SvgGrid *g, int x0, int y0, int w, int h) {
  g->x0 = x0;
  g->y0 = y0;
  g->w = w < 1 ? 1 : w;
  g->h = h < 1 ? 1 : h;
  int side = g->w > g->h ? g->w : g->h;
  g->block = (side + SVG_FINE - 1) / SVG_FINE;
  g->bw = (g->w + g->block - 1) / g->block;
  g->bh = (g->h + g->block - 1) / g->block;
  int bside = g->bw > g->bh ? g->bw : g->bh;
  g->cell = SVG_SIDE / bside;
  if (g->cell > 24) g->cell = 24;
  g->val = calloc((size_t)g->bw * (size_t)g->bh, sizeof(double));
  g->set = calloc((size_t)g->bw * (size_t)g->bh, 1);
}

void svg_grid_put(SvgGrid *g, int x, int y, double v) {
  int bx = (x - g->x0) / g->block, by = (y - g->y0) / g->block;
  if (bx < 0 || by < 0 || bx >= g->bw || by >= g->bh) return;
  size_t i = (size_t)by * (size_t)g->bw + (size_t)bx;
  if (!g->set[i] || v > g->val[i]) g->val[i] = v;
  g->set[i] = 1;
}

void svg_grid_free(SvgGrid *g) {
  free(g->val);
  free(g->set);
}

void svg_begin(Buf *b, double w, double h, const char *title) {
  buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "font-family=\"sans-serif\" font-size=\"11\">\n", w, h, w, h);
  buf_printf(b, "<title>");
  svg_text(b, title);
  buf_printf(b, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", w, h);
}

void svg_end(Buf *b) { buf_printf(b, "</svg>\n"); }

void svg_text(Buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': buf_printf(b, "&lt;"); break;
    case '>': buf_printf(b, "&gt;"); break;
    case '&': buf_printf(b, "&amp;"); break;
    case '"': buf_printf(b, "&quot;"); break;
    default:
      if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) buf_u8(b, (uint8_t)*s);
      else buf_printf(b, "?");
    }
  }
}

/* The heat map of g at (ox, oy), cells with a value only; each cell's
 * <title> names its core (or block) and value. */
void svg_heat(Buf *b, const SvgGrid *g, double ox, double oy, const char *what) {
  char col[16];
  buf_printf(b, "<g class=\"heat\">\n");
  for (int by = 0; by < g->bh; by++)
    for (int bx = 0; bx < g->bw; bx++) {
      size_t i = (size_t)by * (size_t)g->bw + (size_t)bx;
      if (!g->set[i]) continue;
      heat(g->val[i], col, sizeof col);
      int cx = g->x0 + bx * g->block, cy = g->y0 + by * g->block;
      buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", ox + bx * g->cell,
                 oy + by * g->cell, g->cell, g->cell, col);
      if (g->block == 1) buf_printf(b, "core (%d,%d): %s %.1f%%", cx, cy, what, 100 * g->val[i]);
      else
        buf_printf(b, "cores [%d,%d %dx%d]: %s at most %.1f%%", cx, cy, g->block, g->block, what, 100 * g->val[i]);
      buf_printf(b, "</title></rect>\n");
    }
  buf_printf(b, "</g>\n");
}

/* A legend of the heat scale at (x, y). */
void svg_legend(Buf *b, double x, double y, const char *what) {
  char col[16];
  for (int i = 0; i <= 10; i++) {
    heat(i / 10.0, col, sizeof col);
    buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"16\" height=\"10\" fill=\"%s\" stroke=\"#999999\" stroke-width=\"0.5\"/>\n",
               x + 16 * i, y, col);
  }
  buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">0</text><text x=\"%.0f\" y=\"%.0f\">100%% ", x, y + 22, x + 160, y + 22);
  svg_text(b, what);
  buf_printf(b, "</text>\n");
}
