/* retort.h — libretort, migrations as Alembic does them, in C.
 * Include this for the whole public API. */
#ifndef RETORT_RETORT_H
#define RETORT_RETORT_H

#include "retort/buf.h"
#include "retort/config.h"
#include "retort/error.h"
#include "retort/graph.h"
#include "retort/lint.h"
#include "retort/migrate.h"
#include "retort/script.h"
#include "retort/url.h"

#define RETORT_VERSION "0.1.0"

#endif
