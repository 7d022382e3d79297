/* tools/lists.h: the --list-* tables of wsecc (tools/lists.c). */
#ifndef WSEC_LISTS_H
#define WSEC_LISTS_H
#include <stdbool.h>
#include <stdio.h>
/* Print table WHAT ("ops", "opcodes", "target-params") to f as Markdown;
 * false if WHAT is not one of them. */
bool wsecc_list(const char *what, FILE *f);
#endif
