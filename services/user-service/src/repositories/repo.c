/* repo.c — SQL text from schema tables (see repo.h). Identifiers are
 * always quoted through rt_buf_add_ident, so a column named like a keyword
 * (or "order") needs no special care. */
#include "repositories/repo.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

int repo_columns(rt_buf *b, const schema *s)
{
	int rc = 0;
	bool first = true;
	for (size_t i = 0; !rc && i < s->n; i++) {
		const schema_field *f = &s->fields[i];
		if (!f->column || (f->flags & SCHEMA_WRITE_ONLY))
			continue;
		if (!first)
			rc = rt_buf_puts(b, ", ");
		rc = rc ? rc : rt_buf_add_ident(b, f->column);
		first = false;
	}
	return rc;
}

int repo_select_sql(rt_buf *b, const char *table, const schema *s, const char *where)
{
	int rc = rt_buf_puts(b, "SELECT ");
	rc = rc ? rc : repo_columns(b, s);
	rc = rc ? rc : rt_buf_puts(b, " FROM ");
	rc = rc ? rc : rt_buf_add_ident(b, table);
	if (where)
		rc = rc ? rc : rt_buf_printf(b, " WHERE %s", where);
	return rc;
}

static int returning_clause(rt_buf *b, const schema *returning)
{
	if (!returning)
		return 0;
	int rc = rt_buf_puts(b, " RETURNING ");
	return rc ? rc : repo_columns(b, returning);
}

int repo_insert_sql(rt_buf *b, const char *table, const char *const *columns, size_t n,
                    const schema *returning)
{
	int rc = rt_buf_puts(b, "INSERT INTO ");
	rc = rc ? rc : rt_buf_add_ident(b, table);
	rc = rc ? rc : rt_buf_puts(b, " (");
	for (size_t i = 0; !rc && i < n; i++) {
		rc = i ? rt_buf_puts(b, ", ") : 0;
		rc = rc ? rc : rt_buf_add_ident(b, columns[i]);
	}
	rc = rc ? rc : rt_buf_puts(b, ") VALUES (");
	for (size_t i = 0; !rc && i < n; i++)
		rc = rt_buf_printf(b, "%s$%zu", i ? ", " : "", i + 1);
	rc = rc ? rc : rt_buf_puts(b, ")");
	return rc ? rc : returning_clause(b, returning);
}

core_db_param repo_param(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return CORE_DB_TEXT_P(json_string_value(v));
	case JSON_INTEGER:
		return CORE_DB_INT_P(json_integer_value(v));
	case JSON_REAL:
		return CORE_DB_DOUBLE_P(json_real_value(v));
	case JSON_TRUE:
		return CORE_DB_BOOL_P(true);
	case JSON_FALSE:
		return CORE_DB_BOOL_P(false);
	default:
		return CORE_DB_NULL_P;
	}
}

static int set_one(rt_buf *b, const char *column, size_t *n)
{
	int rc = *n ? rt_buf_puts(b, ", ") : 0;
	rc = rc ? rc : rt_buf_add_ident(b, column);
	rc = rc ? rc : rt_buf_printf(b, " = $%zu", *n + 1);
	++*n;
	return rc;
}

int repo_update_sql(rt_buf *b, const char *table, const schema_values *v, bool touch,
                    const char *now, const char *key, const char *key_value,
                    const schema *returning, core_db_param *params, size_t cap, size_t *n)
{
	*n = 0;
	int rc = rt_buf_puts(b, "UPDATE ");
	rc = rc ? rc : rt_buf_add_ident(b, table);
	rc = rc ? rc : rt_buf_puts(b, " SET ");
	for (size_t i = 0; !rc && i < v->s->n && i < SCHEMA_MAX_FIELDS; i++) {
		const schema_field *f = &v->s->fields[i];
		if (!v->sent[i] || !f->column)
			continue;
		if (*n + 2 >= cap)
			return -1;
		params[*n] = repo_param(v->v[i]);
		rc = set_one(b, f->column, n);
	}
	if (!rc && touch) {
		if (*n + 2 > cap)
			return -1;
		params[*n] = CORE_DB_TEXT_P(now);
		rc = set_one(b, "updated_at", n);
	}
	if (rc || !*n)
		return -1; /* nothing to set: the caller answers without a write */
	params[*n] = CORE_DB_TEXT_P(key_value);
	rc = rt_buf_puts(b, " WHERE ");
	rc = rc ? rc : rt_buf_add_ident(b, key);
	rc = rc ? rc : rt_buf_printf(b, " = $%zu", ++*n);
	return rc ? rc : returning_clause(b, returning);
}

int repo_nomem(core_db_error *err)
{
	err->status = CORE_DB_NOMEM;
	snprintf(err->message, sizeof err->message, "out of memory building a query or result");
	err->constraint[0] = '\0';
	return CORE_DB_NOMEM;
}
