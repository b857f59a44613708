/* version.c — reading retort's version table (see version.h). */
#include "repositories/version.h"

#include <stdlib.h>

#include "retort/buf.h"
#include "banned.h"

int repo_version_init(repo_version *r, const char *table)
{
	rt_buf b = RT_BUF_INIT;
	int rc = rt_buf_puts(&b, "SELECT version_num FROM ");
	rc = rc ? rc : rt_buf_add_ident(&b, table);
	rc = rc ? rc : rt_buf_puts(&b, " ORDER BY version_num");
	r->heads = rc ? NULL : rt_buf_detach(&b);
	rt_buf_release(&b);
	return r->heads ? 0 : -1;
}

void repo_version_release(repo_version *r)
{
	free(r->heads);
	r->heads = NULL;
}

int repo_version_heads(const repo_version *r, core_db *db, core_db_result **out, core_db_error *err)
{
	return core_db_query(db, r->heads, NULL, 0, out, err);
}
