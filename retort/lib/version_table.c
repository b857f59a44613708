/* version_table.c — SQL for the version and log tables (see version_table.h). */
#include "version_table.h"
#include "banned.h"

const char *rt__direction_word(rt_direction dir)
{
	return dir == RT_UP ? "upgrade" : "downgrade";
}

static int ident_log(rt_buf *out, const char *vt)
{
	rt_buf name = RT_BUF_INIT;
	int rc = rt_buf_printf(&name, "%s_log", vt);
	if (!rc)
		rc = rt_buf_add_ident(out, name.data);
	rt_buf_release(&name);
	return rc;
}

int rt__vt_create_sql(rt_buf *out, const char *vt)
{
	int rc = rt_buf_puts(out, "CREATE TABLE IF NOT EXISTS ");
	rc = rc ? rc : rt_buf_add_ident(out, vt);
	rc = rc ? rc
	        : rt_buf_puts(out, " (\n    version_num VARCHAR(32) NOT NULL,\n    CONSTRAINT ");
	rc = rc ? rc : rt_buf_printf(out, "%s_pkc", vt);
	rc = rc ? rc
	        : rt_buf_puts(out, " PRIMARY KEY (version_num)\n);\nCREATE TABLE IF NOT EXISTS ");
	rc = rc ? rc : ident_log(out, vt);
	rc = rc ? rc
	        : rt_buf_puts(out, " (\n    seq INTEGER NOT NULL,\n"
	                           "    revision VARCHAR(32) NOT NULL,\n"
	                           "    direction VARCHAR(9) NOT NULL,\n"
	                           "    checksum VARCHAR(64) NOT NULL,\n"
	                           "    applied_at VARCHAR(40) NOT NULL,\n"
	                           "    duration_ms INTEGER NOT NULL\n);\n");
	return rc;
}

static int simple(rt_buf *out, const char *before, const char *vt, const char *after)
{
	int rc = rt_buf_puts(out, before);
	rc = rc ? rc : rt_buf_add_ident(out, vt);
	return rc ? rc : rt_buf_puts(out, after);
}

int rt__vt_select_sql(rt_buf *out, const char *vt)
{
	return simple(out, "SELECT version_num FROM ", vt, " ORDER BY version_num");
}

int rt__vt_insert_sql(rt_buf *out, const char *vt)
{
	return simple(out, "INSERT INTO ", vt, " (version_num) VALUES ($1)");
}

int rt__vt_delete_sql(rt_buf *out, const char *vt)
{
	return simple(out, "DELETE FROM ", vt, " WHERE version_num = $1");
}

int rt__vt_delete_all_sql(rt_buf *out, const char *vt)
{
	return simple(out, "DELETE FROM ", vt, "");
}

int rt__vt_log_sql(rt_buf *out, const char *vt)
{
	int rc = rt_buf_puts(out, "INSERT INTO ");
	rc = rc ? rc : ident_log(out, vt);
	rc = rc ? rc
	        : rt_buf_puts(out,
	                      " (seq, revision, direction, checksum, applied_at, duration_ms) "
	                      "SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3, CURRENT_TIMESTAMP, "
	                      "CAST($4 AS INTEGER) FROM ");
	return rc ? rc : ident_log(out, vt);
}

int rt__vt_delete_literal(rt_buf *out, const char *vt, const char *rev)
{
	int rc = simple(out, "DELETE FROM ", vt, " WHERE version_num = ");
	return rc ? rc : rt_buf_add_literal(out, rev);
}

int rt__vt_insert_literal(rt_buf *out, const char *vt, const char *rev)
{
	int rc = simple(out, "INSERT INTO ", vt, " (version_num) VALUES (");
	rc = rc ? rc : rt_buf_add_literal(out, rev);
	return rc ? rc : rt_buf_puts(out, ")");
}

int rt__vt_change_literal(rt_buf *out, const char *vt, const rt_version_change *c)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < c->n_remove; i++) {
		rc = rt__vt_delete_literal(out, vt, c->remove[i]);
		rc = rc ? rc : rt_buf_puts(out, ";\n");
	}
	for (size_t i = 0; !rc && i < c->n_add; i++) {
		rc = rt__vt_insert_literal(out, vt, c->add[i]);
		rc = rc ? rc : rt_buf_puts(out, ";\n");
	}
	return rc;
}

/* SQL has no statement that raises on demand without PL/pgSQL, so the guard
 * casts a message to INTEGER in the one row its HAVING clause keeps when
 * the rows differ. The message involves COUNT(*), so the planner cannot
 * fold the cast into a constant and raise it unconditionally. */
int rt__vt_guard_literal(rt_buf *out, const char *vt, const char *const *heads, size_t n)
{
	int rc = rt_buf_puts(out, "SELECT CAST('retort: the version table changed during the "
	                          "run; rows: ' || COUNT(*) AS INTEGER) FROM ");
	rc = rc ? rc : rt_buf_add_ident(out, vt);
	rc = rc ? rc : rt_buf_printf(out, " HAVING COUNT(*) <> %zu", n);
	if (!rc && n)
		rc = rt_buf_puts(out, " OR COUNT(*) FILTER (WHERE version_num IN (");
	for (size_t i = 0; !rc && i < n; i++) {
		rc = rt_buf_puts(out, i ? ", " : "");
		rc = rc ? rc : rt_buf_add_literal(out, heads[i]);
	}
	return rc || !n ? rc : rt_buf_printf(out, ")) <> %zu", n);
}

int rt__vt_log_literal(rt_buf *out, const char *vt, const rt_step *step, const char *duration_sql)
{
	int rc = rt_buf_puts(out, "INSERT INTO ");
	rc = rc ? rc : ident_log(out, vt);
	rc = rc ? rc
	        : rt_buf_puts(out, " (seq, revision, direction, checksum, applied_at, duration_ms) "
	                           "SELECT COALESCE(MAX(seq), 0) + 1, ");
	rc = rc ? rc : rt_buf_add_literal(out, step->script->revision);
	rc = rc ? rc : rt_buf_puts(out, ", ");
	rc = rc ? rc : rt_buf_add_literal(out, rt__direction_word(step->direction));
	rc = rc ? rc : rt_buf_puts(out, ", ");
	rc = rc ? rc : rt_buf_add_literal(out, step->script->checksum);
	rc = rc ? rc : rt_buf_printf(out, ", CURRENT_TIMESTAMP, %s FROM ", duration_sql);
	rc = rc ? rc : ident_log(out, vt);
	return rc ? rc : rt_buf_puts(out, ";\n");
}

int rt__vt_checksums_sql(rt_buf *out, const char *vt)
{
	int rc = rt_buf_puts(out, "SELECT l.revision, l.checksum FROM ");
	rc = rc ? rc : ident_log(out, vt);
	rc = rc ? rc
	        : rt_buf_puts(out, " l WHERE l.direction = 'upgrade' AND l.seq = "
	                           "(SELECT MAX(m.seq) FROM ");
	rc = rc ? rc : ident_log(out, vt);
	return rc ? rc : rt_buf_puts(out, " m WHERE m.revision = l.revision) ORDER BY l.revision");
}
