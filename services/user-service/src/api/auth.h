/* auth.h — the /auth endpoints and the bearer-token authenticator that
 * api_authenticate (api/routes.c) runs for routes marked auth. */
#ifndef API_AUTH_H
#define API_AUTH_H

#include "http/http.h"

void api_auth_register(http_request *req, http_response *res); /* POST /auth/register */
void api_auth_login(http_request *req, http_response *res);    /* POST /auth/login */
void api_auth_refresh(http_request *req, http_response *res);  /* POST /auth/refresh */
void api_auth_me(http_request *req, http_response *res);       /* GET /auth/me */

/* Fills req->auth from "Authorization: Bearer <access token>", or, only
 * with TRUST_GATEWAY_HEADERS=true, from X-User-ID. Returns 0, or -1 after
 * answering: 401 "Not authenticated" without credentials, 401 "Could not
 * validate credentials" for a bad token (both with WWW-Authenticate:
 * Bearer), 503 when the gateway path needs the database and it is down. */
int api_auth_authenticate(http_request *req, http_response *res);

#endif
