/* events.h — the user events as other SmartCourse services read them from
 * the topic user.events (docs/api.md, "Events"): the message value is the
 * envelope {"event_id", "event_type", "timestamp", "payload"} and the key
 * is the user's id. The payloads are the Python service's contract:
 *
 *   user.registered      {user_id, email, first_name, last_name}
 *   user.login           {user_id, email}
 *   user.profile_updated {user_id, fields_changed: [names of the fields sent]}
 *
 * Adding an event: its type name below, a payload builder here, the
 * repository call that writes it in the change's transaction
 * (repositories/outbox.h), a row in docs/api.md's table and a case in
 * tests/e2e/test_41_events.py.
 */
#ifndef SCHEMAS_EVENTS_H
#define SCHEMAS_EVENTS_H

#include <jansson.h>

#include "schemas/schema.h"

#define SCHEMA_EVENT_REGISTERED      "user.registered"
#define SCHEMA_EVENT_LOGIN           "user.login"
#define SCHEMA_EVENT_PROFILE_UPDATED "user.profile_updated"

/* Payloads: new references, NULL when out of memory. Strings are copied. */
json_t *schema_event_registered(const char *user_id, const char *email, const char *first_name,
                                const char *last_name);
json_t *schema_event_login(const char *user_id, const char *email);
/* fields_changed: the names of v's fields that were sent, in the schema's
 * order (what pydantic's model_dump(exclude_unset=True) lists). */
json_t *schema_event_profile_updated(const char *user_id, const schema_values *v);
/* How many fields of v were sent: no event for an update that sent none. */
size_t schema_event_fields_sent(const schema_values *v);

/* The message value: the envelope's JSON text (compact, keys in the order
 * above). Takes payload's reference in every case. malloc'd, the caller
 * frees it; NULL when out of memory. */
char *schema_event_envelope(const char *event_id, const char *event_type, const char *timestamp,
                            json_t *payload);

#endif
