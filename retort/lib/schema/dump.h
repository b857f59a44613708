/* dump.h — a schema model as canonical text (internal).
 *
 * One line per fact, sorted, so two schemas that are the same print the
 * same text whatever order their objects were read or built in: tests
 * compare schemas by comparing dumps, and `retort check` prints them.
 *
 *   enum mood ('sad', 'ok')
 *   table users
 *     check users_age_check (age > 0)
 *     column email character varying(255) not null
 *     column id integer not null default nextval('users_id_seq'::regclass)
 *     comment 'people'
 *     foreign key users_team_fkey (team_id) references teams (id) on delete cascade
 *     index users_lower_idx unique using hash ((lower(email)) DESC, id) where active
 *     primary key users_pkey (id)
 *     unique users_email_key (email)
 *
 * Columns are sorted by name like everything else (their position is not a
 * difference that matters to a migration); enum values keep their order
 * (it does). Names that are not plain lower-case identifiers are quoted;
 * newlines inside texts print as \n so each fact stays on one line.
 */
#ifndef RETORT_SCHEMA_DUMP_H
#define RETORT_SCHEMA_DUMP_H

#include "retort/buf.h"
#include "schema/model.h"

/* Appends the dump of s to out. 0 or -RT_ERR_NOMEM (out keeps what was
 * appended before the failure). s is not modified. */
int rt__schema_dump(const rt__schema *s, rt_buf *out);

#endif
