// SPDX-License-Identifier: MIT
/*
 * An AVL tree for the fair policy (see fair_tree.h). Recursive: depth is
 * at most about 1.44 log2(n), a dozen frames for the 64 vCPUs a hart can
 * own. Nothing here allocates; nodes are the entities themselves.
 */
#include "sched/fair_tree.h"

static int height(const struct sched_entity *se)
{
	return se ? se->height : 0;
}

static bool before(const struct sched_entity *a, const struct sched_entity *b)
{
	if (a->vruntime != b->vruntime)
		return (int64_t)(a->vruntime - b->vruntime) < 0;
	return (uintptr_t)a < (uintptr_t)b;
}

bool fair_more_urgent(const struct sched_entity *a,
		      const struct sched_entity *b)
{
	if (a->latency_class != b->latency_class)
		return a->latency_class;
	return (int64_t)(a->vdeadline - b->vdeadline) < 0;
}

static struct sched_entity *most_urgent(struct sched_entity *a,
					struct sched_entity *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return fair_more_urgent(b, a) ? b : a;
}

/* Recompute a node's height and best from its children. */
static void update(struct sched_entity *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = 1 + (l > r ? l : r);
	n->best = most_urgent(n, most_urgent(n->left ? n->left->best : NULL,
					     n->right ? n->right->best : NULL));
}

static struct sched_entity *rotate_right(struct sched_entity *n)
{
	struct sched_entity *l = n->left;

	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct sched_entity *rotate_left(struct sched_entity *n)
{
	struct sched_entity *r = n->right;

	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static struct sched_entity *rebalance(struct sched_entity *n)
{
	int balance = height(n->left) - height(n->right);

	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	update(n);
	return n;
}

static struct sched_entity *insert(struct sched_entity *n,
				   struct sched_entity *se)
{
	if (!n) {
		se->left = se->right = NULL;
		update(se);
		return se;
	}
	if (before(se, n))
		n->left = insert(n->left, se);
	else
		n->right = insert(n->right, se);
	return rebalance(n);
}

static struct sched_entity *remove_first(struct sched_entity *n,
					 struct sched_entity **first)
{
	if (!n->left) {
		*first = n;
		return n->right;
	}
	n->left = remove_first(n->left, first);
	return rebalance(n);
}

static struct sched_entity *remove(struct sched_entity *n,
				   struct sched_entity *se)
{
	if (!n)
		return NULL; /* not in the tree: callers check se->queued */
	if (n == se) {
		struct sched_entity *left = n->left, *right = n->right, *next;

		if (!right)
			return left;
		right = remove_first(right, &next);
		next->left = left;
		next->right = right;
		return rebalance(next);
	}
	if (before(se, n))
		n->left = remove(n->left, se);
	else
		n->right = remove(n->right, se);
	return rebalance(n);
}

void fair_tree_insert(struct sched_entity **root, struct sched_entity *se)
{
	*root = insert(*root, se);
}

void fair_tree_remove(struct sched_entity **root, struct sched_entity *se)
{
	*root = remove(*root, se);
	se->left = se->right = NULL;
}

static bool eligible(const struct sched_entity *se, uint64_t base, __int128 sum,
		     uint64_t weight_sum)
{
	return (__int128)(int64_t)(se->vruntime - base) * weight_sum <= sum;
}

struct sched_entity *fair_tree_pick(struct sched_entity *root, uint64_t base,
				    __int128 sum, uint64_t weight_sum)
{
	struct sched_entity *best = NULL;

	/* An eligible node has an eligible left subtree (smaller vruntime):
	 * take the best of both, and look right for more. */
	for (struct sched_entity *n = root; n;) {
		if (eligible(n, base, sum, weight_sum)) {
			best = most_urgent(best, n);
			if (n->left)
				best = most_urgent(best, n->left->best);
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct sched_entity *fair_tree_last(struct sched_entity *root)
{
	while (root && root->right)
		root = root->right;
	return root;
}

struct sched_entity *fair_tree_first(struct sched_entity *root)
{
	while (root && root->left)
		root = root->left;
	return root;
}
