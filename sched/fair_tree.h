/* SPDX-License-Identifier: MIT */
/*
 * The fair policy's runqueue tree: an AVL tree of queued entities ordered
 * by vruntime (ties by address), where every node also knows the most
 * urgent entity of its subtree (latency class first, then the earliest
 * virtual deadline). Insert, remove and the eligible pick are O(log n).
 */
#ifndef SCHED_FAIR_TREE_H
#define SCHED_FAIR_TREE_H

#include "sched/sched.h"

/* Urgency: a latency-class entity before any other, then by deadline. */
bool fair_more_urgent(const struct sched_entity *a,
		      const struct sched_entity *b);

void fair_tree_insert(struct sched_entity **root, struct sched_entity *se);
void fair_tree_remove(struct sched_entity **root, struct sched_entity *se);

/*
 * The most urgent entity whose vruntime is at most the limit given as
 * vruntime - base <= sum / weight_sum (compared without division), or
 * NULL if none is.
 */
struct sched_entity *fair_tree_pick(struct sched_entity *root, uint64_t base,
				    __int128 sum, uint64_t weight_sum);

/* The entity with the smallest vruntime, or NULL. */
struct sched_entity *fair_tree_first(struct sched_entity *root);
/* The entity with the largest vruntime (the least owed), or NULL. */
struct sched_entity *fair_tree_last(struct sched_entity *root);

#endif
