/* tests/unit/check.h: a minimal assertion helper for the unit tests. */
#ifndef WSEC_CHECK_H
#define WSEC_CHECK_H
#include <stdio.h>
#include <string.h>
static int check_failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); check_failures++; } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); if (strcmp(a_, b_)) { \
    fprintf(stderr, "%s:%d: expected \"%s\"\n    got \"%s\"\n", __FILE__, __LINE__, b_, a_); check_failures++; } } while (0)
#define CHECK_DONE() do { if (check_failures) { fprintf(stderr, "%d check(s) failed\n", check_failures); return 1; } \
    printf("all checks passed\n"); return 0; } while (0)
#endif
