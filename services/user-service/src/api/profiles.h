/* profiles.h — handlers of GET /profile/, PUT /profile/ and
 * PUT /profile/instructor (rows in api/routes.c; all need a caller). */
#ifndef API_PROFILES_H
#define API_PROFILES_H

#include "http/http.h"

void api_profile_get(http_request *req, http_response *res);
void api_profile_update(http_request *req, http_response *res);
void api_profile_instructor_update(http_request *req, http_response *res);
/* POST /profile/avatar: multipart/form-data, the image in the part "file". */
void api_profile_avatar(http_request *req, http_response *res);

#endif
