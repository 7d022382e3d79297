/* targets/target.c: load a target description.
 *
 * A target is an XML file (see docs/targets.md) validated against the
 * RelaxNG schema targets/target.rng. Built-in targets and the schema are
 * embedded in the binary at build time (targets/embed.cmake). Parsing uses
 * libxml2 with XML_PARSE_NONET and without entity substitution or DTD
 * loading, and any DOCTYPE is rejected, so a target file can never make the
 * compiler read another file or the network: the DOCTYPE check runs on the
 * raw text before libxml2 parses anything.
 *
 * Errors are reported as "FILE:LINE: error: ..." (FILE is "<builtin NAME>"
 * for a built-in). A structured error handler captures the first libxml2 or
 * RelaxNG error with its line, and rewords the schema validator's messages
 * into ones that name the element and attribute ("attribute sram-bytes:
 * '48k' is not a whole number", "missing attribute dsrs"). Ranges the schema
 * does not express are checked afterwards (get_u32). The schema is parsed
 * per call (it is tiny) and everything is freed before returning; the global
 * error handler is reset on every path.
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

#define TARGET_FILE_MAX ((size_t)1 << 20)

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

/* The elements of a target file and their attributes, in the order of
 * the machine-parameter table (common/machine.h); "target" has name and
 * description. Used to turn the schema validator's messages into precise
 * ones. */
#define MAX_ATTRS 8
static const char *const *attrs_of(const char *elem) {
  static const char *tab[8][MAX_ATTRS + 1];
  static int ntab;
  if (!ntab) {
    tab[0][0] = "target", tab[0][1] = "name", tab[0][2] = "description";
    ntab = 1;
    for (int i = 0; i < MP__COUNT; i++) {
      const MachineParam *p = &machine_params[i];
      int e;
      for (e = 0; e < ntab && strcmp(tab[e][0], p->element); e++) {}
      if (e == ntab) {
        if (ntab == 8) die("target: more than 8 elements in the machine-parameter table");
        tab[ntab++][0] = p->element;
      }
      int k;
      for (k = 1; tab[e][k]; k++) {}
      if (k >= MAX_ATTRS) die("target: more than %d attributes of <%s>", MAX_ATTRS - 1, p->element);
      tab[e][k] = p->attr;
    }
  }
  for (int i = 0; i < ntab; i++)
    if (!strcmp(tab[i][0], elem)) return tab[i] + 1;
  return NULL;
}

static void attr_list(char *buf, size_t len, const char *const *a) {
  buf[0] = 0;
  for (int i = 0; a[i]; i++)
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
      for (int i = 0; attrs[i]; i++)
        if (strcmp(attrs[i], "description") && !xmlHasProp(n, (const xmlChar *)attrs[i])) {
          seterr(e, line, "element %s: missing attribute %s", el, attrs[i]);
          return;
        }
    }
    if (sscanf(msg, "Expecting an element %63[^,], got nothing", type) == 1) {
      seterr(e, line, "element %s: missing element <%s>", el, type);
      return;
    }
    if (sscanf(msg, "Element %*s has extra content: %63s", type) == 1) {
      if (!strcmp(type, el))
        seterr(e, line, "unexpected element <%s> (a target has exactly one each of grid, core, fabric, simd, clock, and at most one memoryx)",
               el);
      else
        seterr(e, line, "element %s: unexpected text (a target holds only the elements grid, core, fabric, simd, "
               "clock)", el);
      return;
    }
    if (sscanf(msg, "Expecting element target, got %63s", type) == 1) {
      seterr(e, line, "the root element is <%s>; a target file has a <target> root element (see docs/targets.md)", el);
      return;
    }
    if (sscanf(msg, "Extra element %63s in interleave", type) == 1) {
      seterr(e, line, "element %s: duplicate or unexpected element <%s> (a target has exactly one each of grid, "
             "core, fabric, simd, clock, and at most one memoryx)", el, type);
      return;
    }
    seterr(e, line, "element %s: %s", el, msg);
    return;
  }
  seterr(e, line, "%s", msg);
}
static void structured_nc(void *ctx, xmlErrorPtr x) { structured(ctx, x); }

/* Read machine parameter i (common/machine.h) from attribute ATTR of N.
 * The schema has already checked that it is a positive integer; this
 * checks the table's range and multiple. */
static bool get_param(xmlNode *n, int i, Target *t, ErrCtx *e) {
  const MachineParam *p = &machine_params[i];
  if (!n && p->dflt) { /* an optional element left out: the default */
    *machine_field(t, i) = p->dflt;
    return true;
  }
  xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)p->attr) : NULL;
  if (!v) {
    seterr(e, n ? (int)xmlGetLineNo(n) : 0, "element %s: missing attribute %s", p->element, p->attr);
    return false;
  }
  const char *s = (const char *)v;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  char *end;
  errno = 0;
  unsigned long x = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : (end = (char *)s, 0);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
  bool num = end != s && !*end && errno == 0 && x <= UINT32_MAX;
  const char *why = num ? machine_check(i, (uint32_t)x) : NULL;
  int line = (int)xmlGetLineNo(n);
  if (!num && p->min != p->max) why = "must be a whole number in [%u, %u]";
  if (!num || why) {
    if (why && strstr(why, "multiple")) /* the value is fine as a number */
      seterr(e, line, "element %s: attribute %s: %lu %s", p->element, p->attr, x, why);
    else if (p->min == p->max)
      seterr(e, line, "element %s: attribute %s: '%s' is not supported (wsecc's machine model has exactly %u)",
             p->element, p->attr, (const char *)v, p->min);
    else
      seterr(e, line, "element %s: attribute %s: '%s' must be a whole number in [%u, %u]", p->element, p->attr,
             (const char *)v, p->min, p->max);
  }
  xmlFree(v);
  bool ok = num && !why;
  *machine_field(t, i) = ok ? (uint32_t)x : 0;
  return ok;
}

/* Line of a DOCTYPE declaration in the prolog of XML (before the root
 * element: only the XML declaration, processing instructions, comments and
 * white space may precede it), or 0 if there is none. Checked before libxml2
 * sees the document so that no DTD, internal or external, is ever parsed. */
static int doctype_line(const char *xml, size_t len) {
  const char *p = xml, *end = xml + len;
  int line = 1;
  if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
  while (p < end) {
    if (*p == '\n') line++;
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') { p++; continue; }
    const char *close = NULL;
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) close = "-->";
    else if (end - p >= 2 && !memcmp(p, "<?", 2)) close = "?>";
    else if (end - p >= 9 && !memcmp(p, "<!DOCTYPE", 9)) return line;
    else return 0;
    size_t cl = strlen(close);
    for (p += 2; p < end && (end - p < (ptrdiff_t)cl || memcmp(p, close, cl)); p++) line += *p == '\n';
    p += cl;
  }
  return 0;
}

static xmlNode *child(xmlNode *root, const char *name) {
  for (xmlNode *c = root->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
  return NULL;
}

static int load_xml(const char *file, const char *xml, size_t len, Target *t, ErrCtx *e) {
  memset(t, 0, sizeof *t);
  if (len > INT32_MAX) {
    seterr(e, 0, "the file is too large to be a target description");
    return -1;
  }
  int dl = doctype_line(xml, len);
  if (dl) {
    seterr(e, dl, "DOCTYPE declarations are not allowed in target files (no DTDs or entities): remove the "
           "<!DOCTYPE ...> line");
    return -1;
  }
  xmlSetStructuredErrorFunc(e, structured_nc);
  /* XML_PARSE_NONET: never fetch anything. No XML_PARSE_NOENT and no
   * XML_PARSE_DTDLOAD: entities are not substituted and no external DTD or
   * entity is ever loaded (and DOCTYPEs were rejected above anyway). */
  xmlDoc *doc = xmlReadMemory(xml, (int)len, file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    if (len == 0) seterr(e, 1, "the file is empty (expected a <target> element; see docs/targets.md)");
    else seterr(e, 0, "not a well-formed XML document");
    xmlSetStructuredErrorFunc(NULL, NULL);
    return -1;
  }
  int rc = -1;
  xmlRelaxNGParserCtxt *pc = NULL;
  xmlRelaxNG *schema = NULL;
  xmlRelaxNGValidCtxt *vc = NULL;
  if (doc->intSubset || doc->extSubset) { /* cannot happen after doctype_line(); belt and braces */
    seterr(e, 1, "DOCTYPE declarations are not allowed in target files (no DTDs or entities)");
    goto out;
  }
  /* Duplicate elements: RelaxNG's interleave reports them without a line. */
  xmlNode *top = xmlDocGetRootElement(doc);
  for (xmlNode *c = top ? top->children : NULL; c; c = c->next)
    for (xmlNode *d = c->next; d && c->type == XML_ELEMENT_NODE; d = d->next)
      if (d->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, (const char *)d->name)) {
        seterr(e, (int)xmlGetLineNo(d), "element %s: duplicate element <%s> (the first one is on line %ld)",
               (const char *)top->name, (const char *)d->name, xmlGetLineNo(c));
        goto out;
      }
  ErrCtx se = {e->err, e->len, "<target.rng>", false};
  xmlSetStructuredErrorFunc(&se, structured_nc);
  pc = xmlRelaxNGNewMemParserCtxt(target_schema, (int)target_schema_len);
  schema = pc ? xmlRelaxNGParse(pc) : NULL;
  if (!schema) die("the built-in target schema does not parse: %s", e->err);
  xmlSetStructuredErrorFunc(e, structured_nc);
  vc = xmlRelaxNGNewValidCtxt(schema);
  xmlRelaxNGSetValidStructuredErrors(vc, structured_nc, e);
  if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
    seterr(e, 0, "does not match the target schema (targets/target.rng; see docs/targets.md)");
    goto out;
  }
  xmlNode *root = xmlDocGetRootElement(doc);
  xmlChar *name = xmlGetProp(root, (const xmlChar *)"name");
  size_t nl = name ? strlen((const char *)name) : 0;
  if (nl >= sizeof t->name) {
    seterr(e, (int)xmlGetLineNo(root), "element target: attribute name: '%s' is too long (at most %d characters)",
           (const char *)name, MACHINE_NAME_MAX);
    xmlFree(name);
    goto out;
  }
  snprintf(t->name, sizeof t->name, "%s", name ? (const char *)name : "");
  xmlFree(name);
  bool ok = true;
  for (int i = 0; i < MP__COUNT && ok; i++) ok = get_param(child(root, machine_params[i].element), i, t, e);
  rc = ok ? 0 : -1;
out:
  xmlSetStructuredErrorFunc(NULL, NULL);
  if (vc) xmlRelaxNGFreeValidCtxt(vc);
  if (schema) xmlRelaxNGFree(schema);
  if (pc) xmlRelaxNGFreeParserCtxt(pc);
  xmlFreeDoc(doc);
  if (rc != 0) memset(t, 0, sizeof *t);
  return rc;
}

int target_load(const char *name, Target *t, char *err, size_t errlen) {
  size_t n = strlen(name);
  if (n > 4 && !strcmp(name + n - 4, ".xml")) {
    size_t len;
    /* a target file is small: 1 MiB bounds a device or pipe named as one */
    char *xml = read_file_max(name, TARGET_FILE_MAX, &len);
    if (!xml) {
      char why[128];
      snprintf(err, errlen, "%s: error: cannot read target file: %s", name,
               read_file_error(errno, TARGET_FILE_MAX, why, sizeof why));
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
