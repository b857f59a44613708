/* enrollments.h — handlers of POST /enrollments, GET /enrollments and
 * DELETE /enrollments/{id} (rows in api/routes.c; all need a caller). */
#ifndef API_ENROLLMENTS_H
#define API_ENROLLMENTS_H

#include "http/http.h"

void api_enrollment_create(http_request *req, http_response *res);
void api_enrollments_list(http_request *req, http_response *res);
void api_enrollment_cancel(http_request *req, http_response *res);

#endif
