/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* print.h - policy objects the way an operator writes them. */
#ifndef PC_POLICY_PRINT_H
#define PC_POLICY_PRINT_H

#include <stddef.h>

#include "policy/policy.h"
#include "policy/resolve.h"
#include "policy/tables.h"

/* "tcp 53, udp 53", "tcp 49152-65535", "icmp echo-request" into BUF. */
void pc_service_format_ports(const struct pc_service *s, char *buf, size_t len);
/* "FILE:LINE" of a compiled rule, or "failsafe (built in)". */
void pc_origin_format(const struct pc_rule_origin *o, char *buf, size_t len);

/* A prefix as written: "10.0.1.0/24", "10.0.1.7" (a host has no /LEN),
 * "fd00:1::/64"; IPv4 for the mapped range. */
void pc_prefix_format(const struct pc_prefix *p, char *buf, size_t len);

/* FILE:LINE of a definition or rule, "<input>" for a buffer. */
void pc_loc_format(const struct pc_loc *l, char *buf, size_t len);

#endif /* PC_POLICY_PRINT_H */
