/* form.c — multipart/form-data through libmicrohttpd's post processor (see
 * form.h). The processor calls back once per chunk of each part, with the
 * part's name, file name and declared content type; the file part's chunks
 * are appended to a bounded buffer, so an oversized upload costs at most the
 * limit in memory whatever its length.
 */
#include "http/form.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

enum { PP_BUFFER = 16 * 1024 };

bool http_form_is_multipart(struct MHD_Connection *c)
{
	const char *ct =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	return ct && strncasecmp(ct, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
	                         strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) == 0;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
	(void)kind;
	(void)transfer_encoding;
	http_form_state *st = cls;
	http_form *f = &st->form;
	if (!key || strcmp(key, HTTP_FORM_FILE_FIELD) != 0)
		return MHD_YES; /* another field: read and ignored */
	if (off == 0 && !f->has_file) {
		f->has_file = true;
		snprintf(f->filename, sizeof f->filename, "%s", filename ? filename : "");
		snprintf(f->content_type, sizeof f->content_type, "%s",
		         content_type ? content_type : "");
	}
	if (!f->too_large && size && rt_buf_add(&st->file, data, size)) {
		/* past the limit (or out of memory): keep reading, keep nothing */
		f->too_large = true;
		rt_buf_release(&st->file);
	}
	return MHD_YES;
}

void http_form_begin(http_form_state *st, struct MHD_Connection *c, size_t max)
{
	memset(st, 0, sizeof *st);
	st->max = max;
	rt_buf_init(&st->file, max);
	st->pp = MHD_create_post_processor(c, PP_BUFFER, on_part, st);
	st->form.bad = st->pp == NULL;
}

void http_form_feed(http_form_state *st, const char *data, size_t len)
{
	if (st->pp && !st->form.bad && MHD_post_process(st->pp, data, len) != MHD_YES)
		st->form.bad = true;
}

const http_form *http_form_finish(http_form_state *st)
{
	st->form.data = (const unsigned char *)st->file.data;
	st->form.len = st->form.too_large ? 0 : st->file.len;
	return &st->form;
}

void http_form_release(http_form_state *st)
{
	if (st->pp)
		MHD_destroy_post_processor(st->pp);
	st->pp = NULL;
	rt_buf_release(&st->file);
}
