/* backend/picture.c: wsecc --emit=svg - the mapping as a picture.
 *
 * The used region (every placed rectangle and every router a route
 * crosses). Under the rectangles, each router's heat is the load of its
 * busiest outgoing link: the colors its routes use there, of the target's
 * colors. Over it, each op's rectangle in the colour of its kind, labelled
 * with its name and source line when the rectangle is large enough, and
 * with a tooltip (<title>) naming the op, its type, its rectangle and its
 * line. Ops run in place on another op's cores (--exec=stream) are named
 * in their host's tooltip. Regions over 300 cores a side are drawn in
 * blocks (common/svg.h).
 */
#include "backend/emit.h"

#include <stdlib.h>
#include <string.h>
#include "common/svg.h"

typedef struct Kind { const char *name, *color; } Kind;
static const Kind KINDS[] = {
  {"input", "#7b3294"}, {"matmul", "#2166ac"}, {"streamed matmul", "#b2182b"}, {"elementwise", "#1b7837"},
  {"reduction", "#e08214"}, {"data movement", "#636363"},
};
enum { K_INPUT, K_MATMUL, K_STREAM, K_ELEM, K_REDUCE, K_MOVE };

static int kind_of(const IrOp *op) {
  if (op->kind == IR_INPUT) return K_INPUT;
  if (op->kind == IR_MATMUL) return op->stream ? K_STREAM : K_MATMUL;
  if (ir_is_elementwise(op)) return K_ELEM;
  if (ir_is_reduction(op)) return K_REDUCE;
  return K_MOVE;
}

void be_print_svg(const IrModule *m, const Target *t, Buf *out) {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
#define COVER(ax, ay, bx, by)                 \
  do {                                        \
    if ((ax) < x0) x0 = (ax);                 \
    if ((ay) < y0) y0 = (ay);                 \
    if ((bx) > x1) x1 = (bx);                 \
    if ((by) > y1) y1 = (by);                 \
  } while (0)
  int nops = 0;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (!op->placed || op->host) continue;
    nops++;
    COVER(op->place.x, op->place.y, op->place.x + op->place.w, op->place.y + op->place.h);
  }
  for (int i = 0; i < m->nnets; i++)
    for (int h = 0; h < m->nets[i]->nhop; h++) COVER(m->nets[i]->hop[h].x, m->nets[i]->hop[h].y, m->nets[i]->hop[h].x + 1,
                                                      m->nets[i]->hop[h].y + 1);
#undef COVER
  if (x1 < 0) x0 = y0 = 0, x1 = y1 = 1;
  int w = x1 - x0, h = y1 - y0;
  /* colors used per outgoing link of each router: [router][port N E S W] */
  int *load = calloc((size_t)w * (size_t)h * 4 + 1, sizeof(int));
  for (int i = 0; i < m->nnets; i++)
    for (int k = 0; k < m->nets[i]->nhop; k++) {
      const IrHop *hp = &m->nets[i]->hop[k];
      for (int p = PORT_N; p <= PORT_W; p++)
        if (hp->out_mask & (1u << p)) load[((size_t)(hp->y - y0) * (size_t)w + (size_t)(hp->x - x0)) * 4 + (size_t)(p - 1)]++;
    }
  SvgGrid g;
  svg_grid(&g, x0, y0, w, h);
  int most = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int l = 0;
      for (int p = 0; p < 4; p++) l = load[((size_t)y * (size_t)w + (size_t)x) * 4 + (size_t)p] > l ? load[((size_t)y * (size_t)w + (size_t)x) * 4 + (size_t)p] : l;
      if (l) svg_grid_put(&g, x0 + x, y0 + y, (double)l / t->colors);
      most = l > most ? l : most;
    }
  free(load);

  double top = 48, pw = g.bw * g.cell, ph = g.bh * g.cell;
  double W = pw + 20 > 640 ? pw + 20 : 640, H = top + ph + 90;
  char title[160];
  snprintf(title, sizeof title, "%s on %s: %d ops placed, region %dx%d at (%d,%d)", m->name, t->name, nops, w, h, x0, y0);
  svg_begin(out, W, H, title);
  buf_printf(out, "<text x=\"10\" y=\"18\" font-size=\"14\">");
  svg_text(out, title);
  buf_printf(out, "</text>\n<text x=\"10\" y=\"36\">%d nets; the busiest link carries %d of %u colors; ", m->nnets, most,
             t->colors);
  if (g.block > 1) buf_printf(out, "one cell per %dx%d block of cores (the block's busiest)</text>\n", g.block, g.block);
  else buf_printf(out, "one cell per core</text>\n");
  buf_printf(out, "<rect x=\"10\" y=\"%.0f\" width=\"%.2f\" height=\"%.2f\" fill=\"#f7f7f7\" stroke=\"#cccccc\"/>\n", top, pw, ph);
  svg_heat(out, &g, 10, top, "busiest outgoing link, colors used of the target's");
  /* the rectangles */
  buf_printf(out, "<g class=\"ops\">\n");
  double s = g.cell / g.block;
  for (int i = 0; i < m->nops; i++) {
    const IrOp *op = m->ops[i];
    if (!op->placed || op->host) continue;
    const Kind *k = &KINDS[kind_of(op)];
    double rx = 10 + (op->place.x - x0) * s, ry = top + (op->place.y - y0) * s, rw = op->place.w * s, rh = op->place.h * s;
    if (rw < 1) rw = 1;
    if (rh < 1) rh = 1;
    char sb[64];
    buf_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.25\" stroke=\"%s\" "
               "stroke-width=\"1\"><title>%%", rx, ry, rw, rh, k->color, k->color);
    svg_text(out, op->name);
    buf_printf(out, " %s %s%s on [%d,%d %dx%d]", ir_ops[op->kind].name, ir_dtype_name(op->dt),
               shape_str(&op->shape, sb, sizeof sb), op->place.x, op->place.y, op->place.w, op->place.h);
    if (op->loc.file) buf_printf(out, ", line %d", op->loc.line);
    for (int j = i + 1; j < m->nops; j++)
      if (m->ops[j]->host == op) {
        buf_printf(out, "; in place: %%");
        svg_text(out, m->ops[j]->name);
        buf_printf(out, " %s", ir_ops[m->ops[j]->kind].name);
      }
    buf_printf(out, "</title></rect>\n");
    /* the label, if it fits (about 5 px a character at 9 px) */
    char label[96];
    int n = snprintf(label, sizeof label, "%%%s %s", op->name, op->kind == IR_MATMUL && op->stream ? "matmul*" : ir_ops[op->kind].name);
    if (op->loc.file && n < (int)sizeof label) snprintf(label + n, sizeof label - (size_t)n, " L%d", op->loc.line);
    if (rh >= 12 && rw >= 5.2 * (double)strlen(label) + 4) {
      buf_printf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"9\" fill=\"%s\">", rx + 2, ry + 10, k->color);
      svg_text(out, label);
      buf_printf(out, "</text>\n");
    }
  }
  buf_printf(out, "</g>\n");
  /* legends */
  double ly = top + ph + 16, lx = 10;
  for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
    buf_printf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"10\" fill=\"%s\" fill-opacity=\"0.25\" stroke=\"%s\"/>"
               "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", lx, ly, KINDS[i].color, KINDS[i].color, lx + 16, ly + 9, KINDS[i].name);
    lx += 24 + 7 * strlen(KINDS[i].name);
  }
  svg_legend(out, 10, ly + 24, "of the colors on a router's busiest link");
  svg_end(out);
  svg_grid_free(&g);
}
