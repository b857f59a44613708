/* compare.h — the first stage of autogenerate (internal): the operations
 * that turn the database's schema into the models', in the order the
 * comparison finds them. order.h orders them next (see ops.h for the
 * stages).
 */
#ifndef RETORT_AUTOGEN_COMPARE_H
#define RETORT_AUTOGEN_COMPARE_H

#include "autogen/ops.h"
#include "retort/error.h"

/* Fills out (initialised by the caller) with the operations that turn db
 * into models, each with its destroys_data mark, in the order found (pass
 * them to rt__ops_order before rendering), and warnings with what needs a
 * person's review (unannotated drop+add pairs). Both schemas must outlive
 * out: ops point into them. A renamed-from annotation applies when the
 * database has the old name and neither the database has the new one nor
 * the models the old one; otherwise it is ignored (e.g. it was applied
 * already). Returns 0 or -RT_ERR_NOMEM. */
int rt__compare(const rt__schema *db, const rt__schema *models, rt__ops *out, rt__diags *warnings,
                rt_error *err);

#endif
