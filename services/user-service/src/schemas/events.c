/* events.c — the user events' payloads and envelope (see events.h). */
#include "schemas/events.h"

#include "banned.h"

json_t *schema_event_registered(const char *user_id, const char *email, const char *first_name,
                                const char *last_name)
{
	if (!user_id || !email || !first_name || !last_name)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s}", "user_id", user_id, "email", email, "first_name",
	                 first_name, "last_name", last_name);
}

json_t *schema_event_login(const char *user_id, const char *email)
{
	if (!user_id || !email)
		return NULL;
	return json_pack("{s:s, s:s}", "user_id", user_id, "email", email);
}

size_t schema_event_fields_sent(const schema_values *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->s->n; i++)
		n += v->sent[i];
	return n;
}

json_t *schema_event_profile_updated(const char *user_id, const schema_values *v)
{
	json_t *fields = json_array();
	if (!user_id || !fields) {
		json_decref(fields);
		return NULL;
	}
	for (size_t i = 0; i < v->s->n; i++) {
		if (v->sent[i] &&
		    json_array_append_new(fields, json_string(v->s->fields[i].name))) {
			json_decref(fields);
			return NULL;
		}
	}
	/* "o" takes fields' reference, also when the pack fails */
	return json_pack("{s:s, s:o}", "user_id", user_id, "fields_changed", fields);
}

char *schema_event_envelope(const char *event_id, const char *event_type, const char *timestamp,
                            json_t *payload)
{
	if (!payload)
		return NULL;
	json_t *env = json_pack("{s:s, s:s, s:s, s:o}", "event_id", event_id, "event_type",
	                        event_type, "timestamp", timestamp, "payload", payload);
	if (!env)
		return NULL;
	char *text = json_dumps(env, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(env);
	return text;
}
