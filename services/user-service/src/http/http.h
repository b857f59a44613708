/* http.h — the HTTP layer's vocabulary: a request as handlers see it, the
 * response they fill, and a route (one row of the route table in
 * api/routes.c). Handlers never touch libmicrohttpd.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum http_method {
	HTTP_OTHER = 0,
	HTTP_GET = 1 << 0,
	HTTP_POST = 1 << 1,
	HTTP_PUT = 1 << 2,
	HTTP_PATCH = 1 << 3,
	HTTP_DELETE = 1 << 4,
} http_method;

enum { HTTP_MAX_PARAMS = 4, HTTP_PARAM_MAX = 128 };

typedef struct http_param {
	const char *name; /* into the route pattern, not NUL-terminated at '}' */
	size_t name_len;
	char value[HTTP_PARAM_MAX];
} http_param;

/* A multipart/form-data body, as the server parsed it (http/form.h): the
 * part named HTTP_FORM_FILE_FIELD, kept up to the server's upload limit. */
#define HTTP_FORM_FILE_FIELD "file"
typedef struct http_form {
	bool bad;                  /* not parseable as multipart/form-data */
	bool has_file;             /* a part named "file" came */
	bool too_large;            /* it passed the upload limit (data is then empty) */
	char filename[256];        /* as the client named it; "" when none */
	char content_type[128];    /* as the client declared it; "" when none */
	const unsigned char *data; /* the part's bytes, borrowed for the request */
	size_t len;
} http_form;

/* Who is calling, filled by the authenticator for routes that need it. */
typedef struct http_auth {
	bool ok;
	char user_id[37];
	char role[16];
} http_auth;

typedef struct http_request {
	http_method method;
	const char *method_name;
	const char *path; /* without query and trailing slash ("/" stays "/") */
	const char *body; /* NUL-terminated; "" when none */
	size_t body_len;
	const http_form *form; /* multipart/form-data requests only; else NULL */
	http_param params[HTTP_MAX_PARAMS];
	size_t n_params;
	char request_id[33];
	http_auth auth;
	void *app;  /* the application context given to the server */
	void *conn; /* the server's connection; use http_header() */
} http_request;

typedef struct http_response {
	int status;                   /* 0: the handler answered nothing -> 500 */
	json_t *body;                 /* owned; serialised compactly; NULL sends no body */
	char *text;                   /* owned JSON text, sent instead of body when set */
	const char *content_type;     /* static; NULL: application/json */
	char allow[64];               /* Allow header for 405 */
	const char *www_authenticate; /* static string, for 401 */
	unsigned retry_after;         /* seconds for Retry-After (503, 429); 0: none */
	/* a borrowed body sent as it is instead of body/text (static files,
	 * the OpenAPI document): data[0..data_len) must outlive the server */
	const void *data;
	size_t data_len;
	const char *cache_control; /* static string, or NULL: none */
	const char *etag;          /* borrowed like data, or NULL: none */
} http_response;

typedef void (*http_handler)(http_request *req, http_response *res);

/* What the API layer documents of a route (its OpenAPI operation); the
 * type is the API layer's (api/routes.h), opaque here. */
struct http_route_doc;

typedef struct http_route {
	http_method method;
	const char *pattern; /* "/enrollments/{id}"; no trailing slash */
	http_handler handler;
	bool auth;                        /* the authenticator runs first and may answer 401 */
	const struct http_route_doc *doc; /* NULL: left out of /openapi.json */
} http_route;

/* The value of path parameter name ("id" for {id}), or NULL. */
const char *http_param_get(const http_request *req, const char *name);
/* A request header (case-insensitive name), or NULL. Borrowed for the
 * request's life. Implemented by the server. */
const char *http_header(const http_request *req, const char *name);
/* The numeric address of the socket's peer ("127.0.0.1", "::1") into
 * out[0..len); "unknown" when it cannot be had. Implemented by the
 * server. */
void http_peer_address(const http_request *req, char *out, size_t len);

#endif
