/* metrics.c — the registry, the exposition format's writers and the build
 * information source (see metrics.h). */
#include "core/metrics.h"

#include <inttypes.h>
#include <math.h>

#include "build_version.h"
#include "core/revision.h"
#include "banned.h"

int core_metrics_add(core_metrics *m, core_metrics_fn fn, void *ctx)
{
	if (m->n == CORE_METRICS_MAX_SOURCES)
		return -1;
	m->sources[m->n].fn = fn;
	m->sources[m->n].ctx = ctx;
	m->n++;
	return 0;
}

int core_metrics_render(const core_metrics *m, rt_buf *out)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->sources[i].fn(m->sources[i].ctx, out))
			return -1;
	return 0;
}

int core_metrics_head(rt_buf *out, const char *name, const char *type, const char *help)
{
	return rt_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int core_metrics_u64(rt_buf *out, const char *name, const char *labels, uint64_t v)
{
	return rt_buf_printf(out, "%s%s %" PRIu64 "\n", name, labels, v);
}

int core_metrics_f64(rt_buf *out, const char *name, const char *labels, double v)
{
	if (isinf(v))
		return rt_buf_printf(out, "%s%s %s\n", name, labels, v > 0 ? "+Inf" : "-Inf");
	if (isnan(v))
		return rt_buf_printf(out, "%s%s NaN\n", name, labels);
	/* %.15g: as many digits as a double holds exactly, so 0.009067154 prints so */
	return rt_buf_printf(out, "%s%s %.15g\n", name, labels, v);
}

int core_metrics_label(rt_buf *out, const char *name, const char *value)
{
	if (rt_buf_printf(out, "%s=\"", name))
		return -1;
	for (const char *p = value; *p; p++) {
		const char *esc = *p == '\\'   ? "\\\\"
		                  : *p == '"'  ? "\\\""
		                  : *p == '\n' ? "\\n"
		                               : NULL;
		if (esc ? rt_buf_puts(out, esc) : rt_buf_putc(out, *p))
			return -1;
	}
	return rt_buf_putc(out, '"');
}

int core_metrics_build_info(void *ctx, rt_buf *out)
{
	(void)ctx;
	rt_buf labels = RT_BUF_INIT;
	int rc = rt_buf_putc(&labels, '{') ||
	         core_metrics_label(&labels, "version", BUILD_VERSION) ||
	         rt_buf_putc(&labels, ',') ||
	         core_metrics_label(&labels, "revision", BUILD_GIT_REVISION) ||
	         rt_buf_putc(&labels, '}') ||
	         core_metrics_head(out, CORE_METRICS_PREFIX "build_info", "gauge",
	                           "The service's version and the git revision it was built "
	                           "from; always 1.") ||
	         core_metrics_u64(out, CORE_METRICS_PREFIX "build_info", labels.data, 1);
	rt_buf_reset(&labels);
	rc = rc || rt_buf_putc(&labels, '{') ||
	     core_metrics_label(&labels, "revision", core_revision_expected()) ||
	     rt_buf_putc(&labels, '}') ||
	     core_metrics_head(out, CORE_METRICS_PREFIX "schema_info", "gauge",
	                       "The database schema revision this build serves (the head of "
	                       "its migration history); always 1.") ||
	     core_metrics_u64(out, CORE_METRICS_PREFIX "schema_info", labels.data, 1);
	rt_buf_release(&labels);
	return rc ? -1 : 0;
}
