/* docs.h — what FastAPI users open first: /openapi.json (the document of
 * api/openapi.h), /docs (Swagger UI) and /redoc (ReDoc), served by the
 * service itself. The pages' scripts and styles are the pinned npm
 * packages scripts/bootstrap installs (package.json at the repository
 * root); the service reads the few files it serves from DOCS_ASSETS_DIR
 * once at start-up and keeps them in memory, so a missing file is a
 * start-up error rather than a broken page, and a request can only ever
 * name one of that fixed list (no path reaches the file system).
 *
 * With DOCS_ENABLED off there is no api_docs (NULL in the API context) and
 * every route here answers 404, like any unknown path.
 */
#ifndef API_DOCS_H
#define API_DOCS_H

#include <stddef.h>

#include "http/http.h"

typedef struct api_docs api_docs;

/* Builds the document of routes[0..n) (borrowed; they must outlive the
 * result) for root_path ("" or "/prefix") and version, the two pages,
 * and reads the assets under assets_dir. Returns 0 with *out (free with
 * api_docs_free), or -1 with one line in err naming the file that could
 * not be read and the fix. */
int api_docs_new(const http_route *routes, size_t n, const char *assets_dir, const char *root_path,
                 const char *version, api_docs **out, char *err, size_t errlen);
void api_docs_free(api_docs *d);

/* GET /openapi.json, /docs, /redoc, and /docs/{file}, /redoc/{file} (the
 * assets; any other name is 404). */
void api_docs_openapi(http_request *req, http_response *res);
void api_docs_swagger_ui(http_request *req, http_response *res);
void api_docs_redoc(http_request *req, http_response *res);
void api_docs_asset(http_request *req, http_response *res);

#endif
