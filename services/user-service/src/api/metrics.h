/* metrics.h — GET /metrics: Prometheus' text exposition format. */
#ifndef API_METRICS_H
#define API_METRICS_H

#include "http/http.h"

/* 200 with every source of api_context's metrics registry, as
 * text/plain; version=0.0.4; 500 when memory runs out. */
void api_metrics(http_request *req, http_response *res);

#endif
