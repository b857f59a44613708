/* form.h — multipart/form-data uploads, parsed while they arrive with
 * libmicrohttpd's post processor (for the server; handlers see the result
 * as req->form, an http_form of http.h).
 *
 * Only the part named HTTP_FORM_FILE_FIELD is kept, in memory, up to a
 * limit; its bytes past the limit are dropped and the form says so, other
 * parts are read and ignored.
 */
#ifndef HTTP_FORM_H
#define HTTP_FORM_H

#include <stddef.h>

#include "http/http.h"
#include "retort/buf.h"

struct MHD_Connection;
struct MHD_PostProcessor;

typedef struct http_form_state {
	struct MHD_PostProcessor *pp; /* NULL when the header was not parseable */
	http_form form;
	rt_buf file;
	size_t max;
} http_form_state;

/* True when the request declares Content-Type multipart/form-data. */
bool http_form_is_multipart(struct MHD_Connection *c);

/* Starts parsing the request's body on c, keeping at most max bytes of the
 * file part. Never fails: a body libmicrohttpd cannot parse sets form.bad.
 * Release with http_form_release. */
void http_form_begin(http_form_state *st, struct MHD_Connection *c, size_t max);
/* Feeds the next bytes of the body. */
void http_form_feed(http_form_state *st, const char *data, size_t len);
/* The parsed form, valid until http_form_release (its data is st's). */
const http_form *http_form_finish(http_form_state *st);
void http_form_release(http_form_state *st);

#endif
