/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * addr.h - ADDR[/LEN], the one reader of addresses and prefixes: peers in
 * the policy language (policy/parse.c, which adds FILE:LINE:COL
 * diagnostics), 'query ... from ADDR' (cli/cmd_query.c), and 'events
 * --peer' (cli/cmd_events.c's parse_peer() is to call pc_addr_parse() and
 * take -EADDRNOTAVAIL as a match on the network, as it does today).
 *
 * Addresses are kept the way the datapath keys them: 16 bytes, IPv4
 * mapped into ::ffff:0:0/96, so a.b.c.d/24 is ::ffff:a.b.c.d/120.
 */
#ifndef PC_ADDR_H
#define PC_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longer ADDR text is refused unread (-EINVAL), and the parser calls it
 * an "invalid address" without a family. The longest address, IPv6 with
 * an IPv4 tail, is 45 characters; the margin is the limit the parser has
 * always had, so its message for the lengths between stays the same. */
#define PC_ADDR_TEXT_MAX	53

struct pc_addr {
	uint8_t addr[16];	/* network order; IPv4 as ::ffff:a.b.c.d */
	uint8_t plen;		/* of the 128 bits: 128 when no /LEN, 96 + LEN for IPv4 */
	uint8_t family;		/* 4 or 6: as written (an ADDR with a ':' is IPv6) */
};

/*
 * Parse the N bytes at S as ADDR or ADDR/LEN. Returns
 *   0               *OUT is the address or network;
 *   -EINVAL         ADDR is not an address of its family (out->family says
 *                   which was meant), or the text is empty;
 *   -ERANGE         LEN is not a decimal 0-32 for IPv4, 0-128 for IPv6;
 *   -EADDRNOTAVAIL  bits past LEN are set (10.0.0.1/24): *OUT holds the
 *                   address and length as written, so a caller can name
 *                   the network (pc_addr_mask()) or, as a filter, take
 *                   the host to stand for its network.
 * Decimal digits only in LEN: no sign, no blanks.
 */
int pc_addr_parse(const char *s, size_t n, struct pc_addr *out);

/* LEN as written: out->plen less 96 for IPv4. */
static inline unsigned int pc_addr_written_plen(const struct pc_addr *a)
{
	return a->family == 4 ? a->plen - 96u : a->plen;
}

/* Clear the bits of ADDR past PLEN (0-128). */
void pc_addr_mask(uint8_t addr[16], unsigned int plen);

/* Whether ADDR lies in PREFIX/PLEN (0-128), all 16-byte mapped. */
bool pc_addr_in_prefix(const uint8_t prefix[16], unsigned int plen, const uint8_t addr[16]);

#endif /* PC_ADDR_H */
