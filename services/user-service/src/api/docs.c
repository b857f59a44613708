/* docs.c — /openapi.json, /docs, /redoc and their assets (see docs.h).
 *
 * Everything is built or read once at start-up and answered from memory
 * without a copy (http_static). Caching: the assets are the pinned
 * packages' files, so they are cached for a day and carry an ETag (a hash
 * of the bytes; If-None-Match answers 304); the document and the pages
 * change with the build and the settings, so they are revalidated each
 * time (no-cache, same ETag scheme).
 */
#include "api/docs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/context.h"
#include "api/openapi.h"
#include "http/response.h"
#include "banned.h"

/* The largest asset we read (swagger-ui-bundle.js is about 1.8 MB). */
enum { ASSET_MAX = 16 << 20 };

static const char cache_assets[] = "public, max-age=86400";
static const char cache_revalidate[] = "no-cache";

/* The files served, the only ones: the URL path, the file under
 * DOCS_ASSETS_DIR, and the content type. */
static const struct {
	const char *url, *file, *type;
} asset_files[] = {
    {"/docs/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js",
     "text/javascript; charset=utf-8"},
    {"/docs/swagger-ui.css", "swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"},
    {"/docs/favicon-32x32.png", "swagger-ui-dist/favicon-32x32.png", "image/png"},
    {"/redoc/redoc.standalone.js", "redoc/bundles/redoc.standalone.js",
     "text/javascript; charset=utf-8"},
};
enum { N_ASSETS = sizeof asset_files / sizeof asset_files[0] };

/* Bytes answered as they are, with their ETag. */
typedef struct blob {
	char *data;
	size_t len;
	char etag[24]; /* "\"" 16 hex digits "\"" */
} blob;

struct api_docs {
	blob openapi, swagger_ui, redoc;
	blob assets[N_ASSETS];
};

/* %1$s: ROOT_PATH (checked by the settings: '/' and URL-safe characters
 * only, so it needs no escaping in HTML or a script string). */
static const char swagger_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>SmartCourse User Service - Swagger UI</title>\n"
    "<link rel=\"stylesheet\" href=\"%1$s/docs/swagger-ui.css\">\n"
    "<link rel=\"icon\" type=\"image/png\" href=\"%1$s/docs/favicon-32x32.png\">\n"
    "</head>\n"
    "<body>\n"
    "<div id=\"swagger-ui\"></div>\n"
    "<script src=\"%1$s/docs/swagger-ui-bundle.js\"></script>\n"
    "<script>\n"
    "window.ui = SwaggerUIBundle({\n"
    "  url: \"%1$s/openapi.json\",\n"
    "  dom_id: \"#swagger-ui\",\n"
    "  layout: \"BaseLayout\",\n"
    "  deepLinking: true,\n"
    "  showExtensions: true,\n"
    "  showCommonExtensions: true,\n"
    "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]\n"
    "});\n"
    "</script>\n"
    "</body>\n"
    "</html>\n";

static const char redoc_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>SmartCourse User Service - ReDoc</title>\n"
    "<style>body { margin: 0; padding: 0; }</style>\n"
    "</head>\n"
    "<body>\n"
    "<redoc spec-url=\"%1$s/openapi.json\"></redoc>\n"
    "<script src=\"%1$s/redoc/redoc.standalone.js\"></script>\n"
    "</body>\n"
    "</html>\n";

/* FNV-1a, 64 bits: a validator for the bytes, not a security measure. */
static void set_etag(blob *b)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < b->len; i++)
		h = (h ^ (unsigned char)b->data[i]) * 1099511628211ULL;
	snprintf(b->etag, sizeof b->etag, "\"%016llx\"", h);
}

static int take_text(blob *b, char *text)
{
	if (!text)
		return -1;
	b->data = text;
	b->len = strlen(text);
	set_etag(b);
	return 0;
}

/* A page with ROOT_PATH filled in. */
static int make_page(blob *b, const char *format, const char *root_path)
{
	char *text = NULL;
	if (asprintf(&text, format, root_path) < 0)
		return -1;
	return take_text(b, text);
}

/* Reads dir/file into b; -1 with err set (what and the fix). */
static int read_asset(blob *b, const char *dir, const char *file, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "rb");
	long size = -1;
	if (f && fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (!f || size < 0 || size > ASSET_MAX || fseek(f, 0, SEEK_SET) != 0 ||
	    !(b->data = malloc((size_t)size + 1)) ||
	    fread(b->data, 1, (size_t)size, f) != (size_t)size) {
		int e = errno;
		snprintf(
		    err, errlen,
		    "DOCS_ASSETS_DIR: cannot read '%s' (%s); run scripts/bootstrap (it installs "
		    "the docs pages' npm packages), point DOCS_ASSETS_DIR at a node_modules that "
		    "has them, or set DOCS_ENABLED=false",
		    path, f && size > ASSET_MAX ? "too large" : strerror(e ? e : EIO));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	b->len = (size_t)size;
	set_etag(b);
	return 0;
}

int api_docs_new(const http_route *routes, size_t n, const char *assets_dir, const char *root_path,
                 const char *version, api_docs **out, char *err, size_t errlen)
{
	api_docs *d = calloc(1, sizeof *d);
	*out = NULL;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < N_ASSETS; i++)
		if (read_asset(&d->assets[i], assets_dir, asset_files[i].file, err, errlen)) {
			api_docs_free(d);
			return -1;
		}
	json_t *doc = api_openapi_document(routes, n, root_path, version);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (take_text(&d->openapi, text) || make_page(&d->swagger_ui, swagger_page, root_path) ||
	    make_page(&d->redoc, redoc_page, root_path)) {
		snprintf(err, errlen, "out of memory building the OpenAPI document");
		api_docs_free(d);
		return -1;
	}
	*out = d;
	return 0;
}

void api_docs_free(api_docs *d)
{
	if (!d)
		return;
	free(d->openapi.data);
	free(d->swagger_ui.data);
	free(d->redoc.data);
	for (size_t i = 0; i < N_ASSETS; i++)
		free(d->assets[i].data);
	free(d);
}

/* Answers b, or 304 when the client holds it (If-None-Match). */
static void answer(http_request *req, http_response *res, const blob *b, const char *type,
                   const char *cache)
{
	const char *held = http_header(req, "If-None-Match");
	if (held && strcmp(held, b->etag) == 0)
		http_static(res, 304, type, cache, b->etag, NULL, 0);
	else
		http_static(res, 200, type, cache, b->etag, b->data, b->len);
}

/* The docs of this service, or NULL after answering 404 (DOCS_ENABLED off). */
static const api_docs *docs_of(http_request *req, http_response *res)
{
	const api_docs *d = api_ctx(req)->docs;
	if (!d)
		http_not_found(res);
	return d;
}

void api_docs_openapi(http_request *req, http_response *res)
{
	const api_docs *d = docs_of(req, res);
	if (d)
		answer(req, res, &d->openapi, "application/json", cache_revalidate);
}

void api_docs_swagger_ui(http_request *req, http_response *res)
{
	const api_docs *d = docs_of(req, res);
	if (d)
		answer(req, res, &d->swagger_ui, "text/html; charset=utf-8", cache_revalidate);
}

void api_docs_redoc(http_request *req, http_response *res)
{
	const api_docs *d = docs_of(req, res);
	if (d)
		answer(req, res, &d->redoc, "text/html; charset=utf-8", cache_revalidate);
}

void api_docs_asset(http_request *req, http_response *res)
{
	const api_docs *d = docs_of(req, res);
	if (!d)
		return;
	for (size_t i = 0; i < N_ASSETS; i++)
		if (strcmp(req->path, asset_files[i].url) == 0) {
			answer(req, res, &d->assets[i], asset_files[i].type, cache_assets);
			return;
		}
	http_not_found(res);
}
