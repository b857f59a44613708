/* live.h — the live database's schema as this history owns it (internal):
 * the one place the database side is filtered, for autogenerate, check and
 * inspect alike (implemented in autogen.c). */
#ifndef RETORT_AUTOGEN_LIVE_H
#define RETORT_AUTOGEN_LIVE_H

#include "ctx.h"
#include "schema/model.h"

/* Introspects ctx's database (connected by the caller) into *out on arena
 * a, without retort's own tables: only the tables the config owns
 * (include_tables / exclude_tables), and, when ownership is restricted,
 * the enum types those tables use or models (NULL: none) define. Foreign
 * keys to tables left out are kept. */
int rt__live_schema(rt_ctx *ctx, rt__arena *a, const rt__schema *models, rt__schema *out,
                    rt_error *err);

#endif
