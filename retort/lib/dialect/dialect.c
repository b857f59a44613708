/* dialect.c — choosing the implementation behind dialect.h by URL. */
#include <stddef.h>

#include "dialect/dialect.h"
#include "banned.h"

static const struct {
	rt_dialect dialect;
	const rt__db_ops *ops;
} dialects[] = {
    {RT_DIALECT_POSTGRESQL, &rt__postgresql_ops},
    {RT_DIALECT_SQLITE, &rt__sqlite_ops},
};

const rt__db_ops *rt__dialect_ops(rt_dialect d)
{
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (dialects[i].dialect == d)
			return dialects[i].ops;
	return NULL;
}

int rt__db_connect(const rt_url *url, rt__db **out, rt_error *err)
{
	const rt__db_ops *ops = rt__dialect_ops(url->dialect);
	if (!ops)
		return rt_error_set(err, RT_ERR_URL, "no database driver for '%s'", url->display);
	return ops->connect(url, out, err);
}

int rt__db_connect_memory(rt__db **out, rt_error *err)
{
	rt_url memory = {.dialect = RT_DIALECT_SQLITE,
	                 .path = (char *)":memory:",
	                 .display = (char *)"sqlite://"};
	return rt__db_connect(&memory, out, err);
}

void rt__db_close(rt__db *db)
{
	if (db)
		db->ops->close(db);
}
