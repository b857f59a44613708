/* metrics_process.c — Prometheus' standard process_* figures, read from
 * /proc at each scrape, named and defined as the official client libraries
 * define them (so dashboards built for them work): CPU seconds (user +
 * system), resident and virtual memory, open and maximum descriptors, and
 * the start time in seconds since the epoch.
 *
 * A figure that cannot be read (no /proc) is left out rather than reported
 * as 0, which would read as a real value.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/metrics.h"
#include "banned.h"

typedef struct proc_stat {
	double cpu_s, start_s, vsize, rss;
	bool ok;
} proc_stat;

/* The system's boot time (seconds since the epoch), from /proc/stat. */
static bool boot_time(double *out)
{
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return false;
	char line[256];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned long long btime;
		if (sscanf(line, "btime %llu", &btime) == 1) {
			*out = (double)btime;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* /proc/self/stat: fields 14, 15 (utime, stime), 22 (starttime) in clock
 * ticks, 23 (vsize) in bytes and 24 (rss) in pages. The second field (the
 * command) may hold spaces and parentheses: parsing starts after its last
 * ')'. */
static proc_stat read_stat(void)
{
	proc_stat ps = {0};
	char text[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	if (!f)
		return ps;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *p = strrchr(text, ')');
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	double boot;
	if (!p || tick <= 0 || page <= 0 || !boot_time(&boot))
		return ps;
	unsigned long long v[22] = {0}; /* fields 3 .. 24 */
	p++;
	for (int i = 0; i < 22; i++) {
		while (*p == ' ')
			p++;
		if (i == 0) { /* field 3, the state, is a letter */
			p++;
			continue;
		}
		char *end;
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return ps;
		p = end;
	}
	/* v[i] holds field i + 3 */
	ps.cpu_s = (double)(v[11] + v[12]) / (double)tick;
	ps.start_s = boot + (double)v[19] / (double)tick;
	ps.vsize = (double)v[20];
	ps.rss = (double)v[21] * (double)page;
	ps.ok = true;
	return ps;
}

static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	long n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the descriptor opendir holds */
}

int core_metrics_process(void *ctx, rt_buf *out)
{
	(void)ctx;
	int rc = 0;
	proc_stat ps = read_stat();
	if (ps.ok)
		rc = core_metrics_head(out, "process_cpu_seconds_total", "counter",
		                       "Total user and system CPU time spent in seconds.") ||
		     core_metrics_f64(out, "process_cpu_seconds_total", "", ps.cpu_s) ||
		     core_metrics_head(out, "process_resident_memory_bytes", "gauge",
		                       "Resident memory size in bytes.") ||
		     core_metrics_f64(out, "process_resident_memory_bytes", "", ps.rss) ||
		     core_metrics_head(out, "process_virtual_memory_bytes", "gauge",
		                       "Virtual memory size in bytes.") ||
		     core_metrics_f64(out, "process_virtual_memory_bytes", "", ps.vsize) ||
		     core_metrics_head(out, "process_start_time_seconds", "gauge",
		                       "Start time of the process since unix epoch in seconds.") ||
		     core_metrics_f64(out, "process_start_time_seconds", "", ps.start_s);
	long fds = open_fds();
	if (!rc && fds >= 0)
		rc = core_metrics_head(out, "process_open_fds", "gauge",
		                       "Number of open file descriptors.") ||
		     core_metrics_u64(out, "process_open_fds", "", (uint64_t)fds);
	struct rlimit rl;
	if (!rc && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		rc = core_metrics_head(out, "process_max_fds", "gauge",
		                       "Maximum number of open file descriptors.") ||
		     core_metrics_u64(out, "process_max_fds", "", (uint64_t)rl.rlim_cur);
	return rc ? -1 : 0;
}
