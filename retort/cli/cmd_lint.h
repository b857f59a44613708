/* cmd_lint.h — printing lint findings, shared by `retort lint` and
 * `retort revision --autogenerate` (which lints the script it wrote). */
#ifndef RETORT_CLI_CMD_LINT_H
#define RETORT_CLI_CMD_LINT_H

#include <stdio.h>

#include "retort/retort.h"

/* One line per finding, in file order:
 *   <file>:<line>: <severity> <code> <message>: <why>; safer: <safer> */
void cmd_lint_print(FILE *out, const rt_lint_report *r);

#endif
