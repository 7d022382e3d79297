/* tests/unit/test_target.c: target_load() on every built-in target (the
 * numbers docs/targets.md promises), on target files written to a temporary
 * directory (each error message exactly, with its line), and repeatedly, so
 * that ASan/valgrind see every success and error path free what it
 * allocated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "targets/target.h"
#include "tests/unit/check.h"

static char dir[] = "/tmp/wsecc-test-target-XXXXXX";

/* Write BODY to DIR/NAME and load it; returns target_load's result. */
static int load_text(const char *name, const char *body, Target *t, char *err, size_t errlen) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); exit(1); }
  fputs(body, f);
  fclose(f);
  int rc = target_load(path, t, err, errlen);
  remove(path);
  return rc;
}

/* The error message with the temporary directory removed. */
static const char *rel(const char *err) {
  size_t n = strlen(dir);
  return strncmp(err, dir, n) == 0 ? err + n + 1 : err;
}

#define CORE "  <core sram-bytes=\"49152\" dsrs=\"44\" microthreads=\"8\" registers=\"16\"/>\n"
#define FABRIC "  <fabric colors=\"24\" queue-depth=\"2\" hop-latency=\"1\"/>\n"
#define REST "  <simd f16=\"4\" f32=\"2\"/>\n  <clock mhz=\"1100\"/>\n</target>\n"

int main(void) {
  Target t;
  char err[512];
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }

  /* built-ins */
  int n = 0;
  for (const char *const *b = target_builtin_names; *b; b++, n++) {
    CHECK(target_load(*b, &t, err, sizeof err) == 0);
    CHECK_STR(t.name, *b);
    CHECK(t.sram_bytes == 49152 && t.colors == 24 && t.dsrs == 44 && t.microthreads == 8);
    CHECK(t.queue_depth == 2 && t.clock_mhz == 1100);
  }
  CHECK(n == 4);
  CHECK(target_load("wse2", &t, err, sizeof err) == 0);
  CHECK(t.grid_w == 750 && t.grid_h == 994 && t.simd_f16 == 4 && t.simd_f32 == 2);
  CHECK(target_load("wse3", &t, err, sizeof err) == 0);
  CHECK(t.grid_w == 755 && t.grid_h == 1170 && t.simd_f16 == 8 && t.simd_f32 == 4);
  CHECK(target_load("small", &t, err, sizeof err) == 0);
  CHECK(t.grid_w == 64 && t.grid_h == 64);
  CHECK(target_load("tiny", &t, err, sizeof err) == 0);
  CHECK(t.grid_w == 24 && t.grid_h == 16);

  CHECK(target_load("wse9", &t, err, sizeof err) == -1);
  CHECK_STR(err, "wsecc: error: unknown target 'wse9' (built-in targets: wse2, wse3, small, tiny; or give a .xml file)");

  /* a good file; attributes in any order, elements in any order */
  CHECK(load_text("ok.xml", "<?xml version=\"1.0\"?>\n<target name=\"mine\">\n  <grid height=\"3\" width=\"5\"/>\n"
                  FABRIC CORE REST, &t, err, sizeof err) == 0);
  CHECK_STR(t.name, "mine");
  CHECK(t.grid_w == 5 && t.grid_h == 3);

  /* errors, each with its line */
  static const struct { const char *body, *want; } bad[] = {
    {"<?xml version=\"1.0\"?>\n<target name=\"b\">\n  <grid width=\"48k\" height=\"3\"/>\n" CORE FABRIC REST,
     "t.xml:3: error: element grid: attribute width: '48k' is not a whole number"},
    {"<target name=\"b\">\n  <grid width=\"5000\" height=\"3\"/>\n" CORE FABRIC REST,
     "t.xml:2: error: element grid: attribute width: '5000' must be a whole number in [1, 4096]"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n"
     "  <core sram-bytes=\"1000\" dsrs=\"44\" microthreads=\"8\" registers=\"16\"/>\n" FABRIC REST,
     "t.xml:3: error: element core: attribute sram-bytes: '1000' must be a whole number in [1024, 1048576]"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n"
     "  <core sram-bytes=\"49152\" dsrs=\"256\" microthreads=\"8\" registers=\"16\"/>\n" FABRIC REST,
     "t.xml:3: error: element core: attribute dsrs: '256' must be a whole number in [1, 255]"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n" CORE
     "  <fabric colors=\"24\" queue-depth=\"65\" hop-latency=\"1\"/>\n" REST,
     "t.xml:4: error: element fabric: attribute queue-depth: '65' must be a whole number in [1, 64]"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n" CORE
     "  <fabric colors=\"24\" queue-depth=\"2\" hop-latency=\"2\"/>\n" REST,
     "t.xml:4: error: element fabric: attribute hop-latency: '2' is not supported (wsecc's machine model has exactly 1)"},
    {"<target name=\"b\">\n  <grid width=\"5\"/>\n" CORE FABRIC REST,
     "t.xml:2: error: element grid: missing attribute height"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n" CORE FABRIC "</target>\n",
     "t.xml:1: error: element target: missing element <simd>"},
    {"<target name=\"b\">\n  <grid width=\"5\" height=\"3\"/>\n" CORE FABRIC REST "<x/>",
     "t.xml:8: error: Extra content at the end of the document"},
    {"<!-- c -->\n<?pi x?>\n<!DOCTYPE target [<!ENTITY e SYSTEM \"/etc/passwd\">]>\n<target name=\"&e;\"/>\n",
     "t.xml:3: error: DOCTYPE declarations are not allowed in target files (no DTDs or entities): remove the "
     "<!DOCTYPE ...> line"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&t, 0x5a, sizeof t);
    CHECK(load_text("t.xml", bad[i].body, &t, err, sizeof err) == -1);
    CHECK_STR(rel(err), bad[i].want);
    CHECK(t.grid_w == 0 && t.name[0] == 0); /* cleared on error */
  }
  /* a comment that mentions a DOCTYPE is not one */
  CHECK(load_text("c.xml", "<!-- <!DOCTYPE x> -->\n<target name=\"c\">\n  <grid width=\"5\" height=\"3\"/>\n"
                  CORE FABRIC REST, &t, err, sizeof err) == 0);
  /* a short error buffer truncates, never overflows */
  char small[16];
  CHECK(target_load("nope", &t, small, sizeof small) == -1 && strlen(small) == sizeof small - 1);
  char path[300];
  snprintf(path, sizeof path, "%s/missing.xml", dir);
  CHECK(target_load(path, &t, err, sizeof err) == -1);
  CHECK_STR(rel(err), "missing.xml: error: cannot read target file: No such file or directory");

  /* many loads: no state left behind between calls */
  for (int i = 0; i < 200; i++) {
    CHECK(target_load(target_builtin_names[i % 4], &t, err, sizeof err) == 0);
    CHECK(load_text("t.xml", bad[i % (int)(sizeof bad / sizeof bad[0])].body, &t, err, sizeof err) == -1);
  }
  rmdir(dir);
  CHECK_DONE();
}
