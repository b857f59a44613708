/* drain.c — the draining flag (see drain.h). One atomic: the signal thread
 * sets it, the workers' /ready reads it. */
#include "core/drain.h"

#include <stdatomic.h>

#include "banned.h"

static atomic_bool draining;

void core_drain_start(void)
{
	atomic_store(&draining, true);
}

bool core_draining(void)
{
	return atomic_load(&draining);
}
