/* targets/target.c: load a target description.
 *
 * A target is an XML file (see docs/targets.md) validated against the
 * RelaxNG schema targets/target.rng. Built-in targets and the schema are
 * embedded in the binary at build time (targets/embed.cmake). Parsing uses
 * libxml2 with XML_PARSE_NONET and without entity substitution or DTD
 * loading, and any DOCTYPE is rejected, so a target file can never make the
 * compiler read another file or the network. Every error is reported as
 * "FILE:LINE: error: ...".
 */
#include "targets/target.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "common/util.h"

struct embedded_target { const char *name; const char *xml; size_t len; };
extern const struct embedded_target target_embedded[];
extern const char *const target_schema;
extern const size_t target_schema_len;

const char *const target_builtin_names[] = {"wse2", "wse3", "small", "tiny", NULL};

typedef struct ErrCtx { char *err; size_t len; const char *file; bool set; } ErrCtx;

static void seterr(ErrCtx *e, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(ErrCtx *e, int line, const char *fmt, ...) {
  if (e->set) return;
  e->set = true;
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = 0;
  if (line > 0) snprintf(e->err, e->len, "%s:%d: error: %s", e->file, line, msg);
  else snprintf(e->err, e->len, "%s: error: %s", e->file, msg);
}

/* The elements of a target file and their attributes (mirrors target.rng;
 * used to turn the schema validator's messages into precise ones). */
static const char *const elem_attrs[][5] = {
  {"target", "name", "description", NULL},
  {"grid", "width", "height", NULL},
  {"core", "sram-bytes", "dsrs", "microthreads", "registers"},
  {"fabric", "colors", "queue-depth", "hop-latency", NULL},
  {"simd", "f16", "f32", NULL},
  {"clock", "mhz", NULL},
};

static const char *const *attrs_of(const char *elem) {
  for (size_t i = 0; i < ARRAY_LEN(elem_attrs); i++)
    if (!strcmp(elem_attrs[i][0], elem)) return elem_attrs[i] + 1;
  return NULL;
}

static void attr_list(char *buf, size_t len, const char *const *a) {
  buf[0] = 0;
  for (int i = 0; i < 4 && a[i]; i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", a[i]);
}

/* The text between the last pair of single quotes in msg, or NULL. */
static const char *quoted(const char *msg, size_t *n) {
  const char *q2 = strrchr(msg, '\''), *q1 = NULL;
  if (q2)
    for (const char *p = q2 - 1; p >= msg; p--)
      if (*p == '\'') { q1 = p; break; }
  if (!q1) return NULL;
  *n = (size_t)(q2 - q1 - 1);
  return q1 + 1;
}

/* Explain a value the schema rejected: "'48k' is not a whole number". */
static void bad_value(ErrCtx *e, int line, const char *elem, const char *attr, const char *type, const char *v, size_t n) {
  if (!strcmp(type, "positiveInteger")) {
    size_t i = (n && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    bool digits = i < n;
    for (; i < n; i++) digits &= v[i] >= '0' && v[i] <= '9';
    if (digits)
      seterr(e, line, "element %s: attribute %s: '%.*s' must be a positive whole number", elem, attr, (int)n, v);
    else
      seterr(e, line, "element %s: attribute %s: '%.*s' is not a whole number", elem, attr, (int)n, v);
  } else if (!strcmp(type, "NCName")) {
    seterr(e, line, "element %s: attribute %s: '%.*s' is not a valid name (use letters, digits, '-', '_' and '.', "
           "starting with a letter)", elem, attr, (int)n, v);
  } else {
    seterr(e, line, "element %s: attribute %s: '%.*s' is not a valid %s", elem, attr, (int)n, v, type);
  }
}

/* libxml2 / RelaxNG structured error handler: keep the first error, with
 * its line, reworded where we know better. */
static void structured(void *ctx, const xmlError *x) {
  ErrCtx *e = ctx;
  if (!x || x->level < XML_ERR_ERROR) return;
  const char *msg = x->message ? x->message : "invalid XML";
  xmlNode *n = x->node;
  int line = x->line;
  if (n && n->type == XML_ELEMENT_NODE) {
    const char *el = (const char *)n->name;
    if (line <= 0) line = (int)xmlGetLineNo(n);
    char type[64], buf[128];
    size_t qn = 0;
    const char *q = quoted(msg, &qn);
    /* "Type positiveInteger doesn't allow value '48k'": find the attribute. */
    if (q && sscanf(msg, "Type %63s doesn't allow value", type) == 1) {
      for (xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);
        bool same = v && strlen((const char *)v) == qn && !strncmp((const char *)v, q, qn);
        xmlFree(v);
        if (same) {
          bad_value(e, line, el, (const char *)a->name, type, q, qn);
          return;
        }
      }
      seterr(e, line, "element %s: '%.*s' is not a valid %s", el, (int)qn, q, type);
      return;
    }
    const char *const *attrs = attrs_of(el);
    if (attrs && sscanf(msg, "Invalid attribute %63s for element", type) == 1) {
      attr_list(buf, sizeof buf, attrs);
      seterr(e, line, "element %s: unknown attribute '%s' (allowed: %s)", el, type, buf);
      return;
    }
    if (attrs && strstr(msg, "failed to validate attributes")) {
      for (int i = 0; i < 4 && attrs[i]; i++)
        if (strcmp(attrs[i], "description") && !xmlHasProp(n, (const xmlChar *)attrs[i])) {
          seterr(e, line, "element %s: missing attribute %s", el, attrs[i]);
          return;
        }
    }
    if (sscanf(msg, "Expecting an element %63[^,], got nothing", type) == 1) {
      seterr(e, line, "element %s: missing element <%s>", el, type);
      return;
    }
    if (q == NULL && strstr(msg, "has extra content")) {
      const char *c = strstr(msg, "extra content: ");
      seterr(e, line, "element %s: unexpected content '%s' (a target has exactly one each of grid, core, fabric, "
             "simd, clock)", el, c ? c + 15 : "?");
      return;
    }
    if (sscanf(msg, "Extra element %63s in interleave", type) == 1) {
      seterr(e, line, "element %s: duplicate or unexpected element <%s> (a target has exactly one each of grid, "
             "core, fabric, simd, clock)", el, type);
      return;
    }
    seterr(e, line, "element %s: %s", el, msg);
    return;
  }
  seterr(e, line, "%s", msg);
}
static void structured_nc(void *ctx, xmlErrorPtr x) { structured(ctx, x); }

static bool get_u32(xmlNode *n, const char *attr, uint32_t lo, uint32_t hi, uint32_t *out, ErrCtx *e) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
  if (!v) {
    seterr(e, (int)xmlGetLineNo(n), "element %s: missing attribute %s", (const char *)n->name, attr);
    return false;
  }
  char *end;
  errno = 0;
  unsigned long x = strtoul((const char *)v, &end, 10);
  bool ok = *v && !*end && errno == 0 && x >= lo && x <= hi;
  if (!ok)
    seterr(e, (int)xmlGetLineNo(n), "element %s: attribute %s: '%s' must be a whole number in [%u, %u]",
           (const char *)n->name, attr, (const char *)v, lo, hi);
  xmlFree(v);
  *out = (uint32_t)x;
  return ok;
}

static xmlNode *child(xmlNode *root, const char *name) {
  for (xmlNode *c = root->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
  return NULL;
}

static int load_xml(const char *file, const char *xml, size_t len, Target *t, ErrCtx *e) {
  memset(t, 0, sizeof *t);
  xmlSetStructuredErrorFunc(e, structured_nc);
  xmlDoc *doc = xmlReadMemory(xml, (int)len, file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    seterr(e, 0, "not a well-formed XML document");
    xmlSetStructuredErrorFunc(NULL, NULL);
    return -1;
  }
  int rc = -1;
  xmlRelaxNGParserCtxt *pc = NULL;
  xmlRelaxNG *schema = NULL;
  xmlRelaxNGValidCtxt *vc = NULL;
  if (doc->intSubset || doc->extSubset) {
    int line = 1;
    const char *d = strstr(xml, "<!DOCTYPE");
    for (const char *p = xml; d && p < d; p++) line += *p == '\n';
    seterr(e, line, "DOCTYPE declarations are not allowed in target files (no DTDs or entities)");
    goto out;
  }
  ErrCtx se = {e->err, e->len, "<target.rng>", false};
  xmlSetStructuredErrorFunc(&se, structured_nc);
  pc = xmlRelaxNGNewMemParserCtxt(target_schema, (int)target_schema_len);
  schema = pc ? xmlRelaxNGParse(pc) : NULL;
  if (!schema) die("the built-in target schema does not parse");
  xmlSetStructuredErrorFunc(e, structured_nc);
  vc = xmlRelaxNGNewValidCtxt(schema);
  xmlRelaxNGSetValidStructuredErrors(vc, structured_nc, e);
  if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
    seterr(e, 0, "does not match the target schema (targets/target.rng)");
    goto out;
  }
  xmlNode *root = xmlDocGetRootElement(doc);
  xmlChar *name = xmlGetProp(root, (const xmlChar *)"name");
  snprintf(t->name, sizeof t->name, "%s", name ? (const char *)name : "");
  xmlFree(name);
  xmlNode *g = child(root, "grid"), *c = child(root, "core"), *f = child(root, "fabric"), *s = child(root, "simd"),
          *k = child(root, "clock");
  uint32_t regs, hop;
  bool ok = get_u32(g, "width", 1, 4096, &t->grid_w, e) && get_u32(g, "height", 1, 4096, &t->grid_h, e) &&
            get_u32(c, "sram-bytes", 1024, 1u << 30, &t->sram_bytes, e) && get_u32(c, "dsrs", 1, 255, &t->dsrs, e) &&
            get_u32(c, "microthreads", 1, 64, &t->microthreads, e) && get_u32(c, "registers", 16, 16, &regs, e) &&
            get_u32(f, "colors", 1, 32, &t->colors, e) && get_u32(f, "queue-depth", 1, 64, &t->queue_depth, e) &&
            get_u32(f, "hop-latency", 1, 1, &hop, e) && get_u32(s, "f16", 1, 64, &t->simd_f16, e) &&
            get_u32(s, "f32", 1, 64, &t->simd_f32, e) && get_u32(k, "mhz", 1, 100000, &t->clock_mhz, e);
  if (ok && t->sram_bytes % 16) {
    seterr(e, (int)xmlGetLineNo(c), "element core: attribute sram-bytes: %u is not a multiple of 16", t->sram_bytes);
    ok = false;
  }
  rc = ok ? 0 : -1;
out:
  xmlSetStructuredErrorFunc(NULL, NULL);
  if (vc) xmlRelaxNGFreeValidCtxt(vc);
  if (schema) xmlRelaxNGFree(schema);
  if (pc) xmlRelaxNGFreeParserCtxt(pc);
  xmlFreeDoc(doc);
  return rc;
}

int target_load(const char *name, Target *t, char *err, size_t errlen) {
  size_t n = strlen(name);
  if (n > 4 && !strcmp(name + n - 4, ".xml")) {
    size_t len;
    char *xml = read_file(name, &len);
    if (!xml) {
      snprintf(err, errlen, "%s: error: cannot read target file: %s", name, strerror(errno));
      return -1;
    }
    ErrCtx e = {err, errlen, name, false};
    int rc = load_xml(name, xml, len, t, &e);
    free(xml);
    return rc;
  }
  for (const struct embedded_target *b = target_embedded; b->name; b++)
    if (!strcmp(b->name, name)) {
      char file[64];
      snprintf(file, sizeof file, "<builtin %s>", name);
      ErrCtx e = {err, errlen, file, false};
      return load_xml(file, b->xml, b->len, t, &e);
    }
  snprintf(err, errlen, "wsecc: error: unknown target '%s' (built-in targets: wse2, wse3, small, tiny; or give a .xml file)", name);
  return -1;
}
