// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "lib/addr.h"

/* LEN: decimal digits only, at most MAX. 0 or -ERANGE. */
static int parse_len(const char *s, size_t n, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	if (!n)
		return -ERANGE;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -ERANGE;
		v = v * 10 + (unsigned int)(s[i] - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int pc_addr_parse(const char *s, size_t n, struct pc_addr *out)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	char buf[PC_ADDR_TEXT_MAX + 1];
	uint8_t masked[16];
	unsigned int len;
	bool v6;

	memset(out, 0, sizeof(*out));
	/* The family is the one the text asks for, so an error can name it. */
	v6 = memchr(s, ':', alen) != NULL;
	out->family = v6 ? 6 : 4;
	if (!alen || alen > PC_ADDR_TEXT_MAX)
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (v6) {
		if (inet_pton(AF_INET6, buf, out->addr) != 1)
			return -EINVAL;
	} else {
		if (inet_pton(AF_INET, buf, out->addr + 12) != 1)
			return -EINVAL;
		out->addr[10] = out->addr[11] = 0xff;
	}
	len = v6 ? 128 : 32;
	if (slash && parse_len(slash + 1, n - alen - 1, len, &len))
		return -ERANGE;
	out->plen = (uint8_t)(v6 ? len : 96 + len);
	memcpy(masked, out->addr, 16);
	pc_addr_mask(masked, out->plen);
	return memcmp(masked, out->addr, 16) ? -EADDRNOTAVAIL : 0;
}

void pc_addr_mask(uint8_t addr[16], unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < 16; i++, plen = plen > 8 ? plen - 8 : 0)
		if (plen < 8)
			addr[i] &= (uint8_t)(0xff00 >> plen);
}

bool pc_addr_in_prefix(const uint8_t prefix[16], unsigned int plen, const uint8_t addr[16])
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(prefix, addr, full))
		return false;
	if (!rest)
		return true;
	return ((prefix[full] ^ addr[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}
