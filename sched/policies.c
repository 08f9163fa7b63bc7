// SPDX-License-Identifier: MIT
/* The one list of scheduling policies, selected by name from the
 * hypervisor's config (`scheduler = "...";` in /hypervisor). */
#include <string.h>
#include "sched/policy.h"

const struct sched_policy *sched_policy_by_name(const char *name)
{
	static const struct sched_policy *const policies[] = {
		&sched_policy_round_robin,
		&sched_policy_migrate_random,
		&sched_policy_fair,
	};

	for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}
