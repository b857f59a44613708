/* auth_context.h — who is calling: what a handler of a route marked auth
 * (api/routes.c) reads after api_authenticate succeeded, and hands to a
 * service.
 *
 *   void api_profile_get(http_request *req, http_response *res)
 *   {
 *           svc_profile p;
 *           svc_error err;
 *           if (svc_profile_get(api_svc(req), api_caller_of(req).user_id, &p, &err))
 *                   api_failed(req, res, &err);
 *           else
 *                   ... serialise p with the schemas ...
 *   }
 *
 * The caller comes from a verified access token (claims sub and role), or,
 * only with TRUST_GATEWAY_HEADERS=true, from the gateway's X-User-ID header
 * (role then read from the users table). The user may have been deleted
 * since the token was issued: services that need the user read it and
 * report SVC_USER_NOT_FOUND (404) when it is gone. The role is the one at
 * the time of issue; a service whose permission depends on the role (PUT
 * /profile/instructor) uses the role of the user record it reads anyway.
 *
 * The profile id is not carried (http_auth has no field for it): services
 * find a profile by its user_id, which is unique.
 */
#ifndef API_AUTH_CONTEXT_H
#define API_AUTH_CONTEXT_H

#include "http/http.h"

typedef struct api_caller {
	const char *user_id; /* canonical lowercase UUID (users.id); never NULL */
	const char *role;    /* "student" or "instructor"; "" when unknown */
} api_caller;

/* The authenticated caller of req. Borrowed from req (valid for the
 * request's life). Only meaningful in handlers of routes marked auth. */
static inline api_caller api_caller_of(const http_request *req)
{
	return (api_caller){req->auth.user_id, req->auth.role};
}

#endif
