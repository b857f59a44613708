/* metrics.c — GET /metrics (see metrics.h). The registry's sources are
 * each layer's own (core/metrics.h); this only renders and answers. */
#include "api/metrics.h"

#include "api/context.h"
#include "core/metrics.h"
#include "http/response.h"
#include "retort/buf.h"
#include "banned.h"

/* Far above a real answer (tens of KiB): a bound, not a budget. */
enum { METRICS_MAX_BYTES = 16 << 20 };

void api_metrics(http_request *req, http_response *res)
{
	const core_metrics *m = api_ctx(req)->metrics;
	rt_buf out;
	rt_buf_init(&out, METRICS_MAX_BYTES);
	char *text = NULL;
	if ((m && core_metrics_render(m, &out)) || !(text = rt_buf_detach(&out))) {
		rt_buf_release(&out);
		http_internal_error(res);
		return;
	}
	res->status = 200;
	res->text = text;
	res->content_type = CORE_METRICS_CONTENT_TYPE;
}
