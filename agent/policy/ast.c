// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ast.c - the lifetime of a parsed policy: initialise, free, look names up.
 */
#include <string.h>

#include "policy/parser.h"

void pc_ast_init(struct pc_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = -1;
	p->failsafe = true;
}

void pc_ast_free_service(struct pc_service *s)
{
	free(s->name);
	free(s->desc);
	free(s->ports);
	free(s->source);
}

void pc_ast_free_peer(struct pc_peer *p)
{
	size_t i;

	for (i = 0; i < p->n_items; i++)
		free(p->items[i].name);
	free(p->items);
	free(p->name);
}

void pc_ast_free_names(struct pc_name *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void pc_ast_free_rule(struct pc_rule *r)
{
	pc_ast_free_names(r->services, r->n_services);
	free(r->peer.name);
	free(r->role.name);
}

void pc_ast_free_role(struct pc_role *r)
{
	size_t i;

	for (i = 0; i < r->n_rules; i++)
		pc_ast_free_rule(&r->rules[i]);
	free(r->rules);
	free(r->name);
	free(r->source);
}

void pc_ast_free_attach(struct pc_attach *a)
{
	free(a->target.name);
	pc_ast_free_names(a->roles, a->n_roles);
}

void pc_policy_free(struct pc_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_services; i++)
		pc_ast_free_service(&p->services[i]);
	free(p->services);
	for (i = 0; i < p->n_peers; i++)
		pc_ast_free_peer(&p->peers[i]);
	free(p->peers);
	for (i = 0; i < p->n_roles; i++)
		pc_ast_free_role(&p->roles[i]);
	free(p->roles);
	for (i = 0; i < p->n_attaches; i++)
		pc_ast_free_attach(&p->attaches[i]);
	free(p->attaches);
	for (i = 0; i < p->n_files; i++) {
		free(p->files[i].path);
		free(p->files[i].text);
	}
	free(p->files);
	pc_name_index_free(&p->service_index);
	pc_name_index_free(&p->peer_index);
	pc_name_index_free(&p->role_index);
	pc_ast_init(p);
}

const struct pc_service *pc_policy_service(const struct pc_policy *p, const char *name)
{
	long i = pc_name_index_get(&p->service_index, name);

	return i < 0 ? NULL : &p->services[i];
}

const struct pc_peer *pc_policy_peer(const struct pc_policy *p, const char *name)
{
	long i = pc_name_index_get(&p->peer_index, name);

	return i < 0 ? NULL : &p->peers[i];
}

const struct pc_role *pc_policy_role(const struct pc_policy *p, const char *name)
{
	long i = pc_name_index_get(&p->role_index, name);

	return i < 0 ? NULL : &p->roles[i];
}
