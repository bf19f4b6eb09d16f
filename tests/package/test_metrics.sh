#!/bin/bash
# docs/metrics.md lists exactly the metrics portcullis writes: every row of
# the table in agent/cli/metrics.c, no more, with the same type and labels.
# (The values and promtool's check of a running instance's exposition are
# tests/integration/test_metrics.sh: they need a kernel.)
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
N_OK=0 N_FAIL=0
ok() { N_OK=$((N_OK + 1)); echo "ok - $*"; }
not_ok() { N_FAIL=$((N_FAIL + 1)); echo "not ok - $*"; }

# The table's rows: "NAME TYPE label,label" per metric, from the source
# (one row a table entry: { { "NAME", PC_PROM_TYPE, "help", { labels } }).
table=$(/usr/bin/python3 - "$REPO/agent/cli/metrics.c" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
body = src[src.index("const struct pc_metric pc_metrics[] = {"):]
body = body[:body.index("\n};")]
for m in re.finditer(r'\{ \{ "(portcullis_\w+)", PC_PROM_(COUNTER|GAUGE),\s*"(?:[^"\\]|\\.)*",\s*\{ ([^}]*) \} \}', body):
    labels = ",".join(re.findall(r'"(\w+)"', m.group(3)))
    print(m.group(1), m.group(2).lower(), labels or "-")
EOF
)
# The docs' table: | `NAME` | type | `label`, `label` | meaning |
docs=$(sed -n 's/^| `\(portcullis_[a-z_]*\)` | \([a-z]*\) | \([^|]*\)|.*/\1 \2 \3/p' "$REPO/docs/metrics.md" |
	sed 's/`//g; s/, /,/g; s/ *$//' | awk '{ print $1, $2, ($3 == "" ? "-" : $3) }')

n=$(printf '%s\n' "$table" | grep -c .)
if [ "$n" -ge 20 ]; then ok "the table in metrics.c reads ($n metrics)"; else
	not_ok "the table in metrics.c reads (got $n metrics)"; fi
if [ "$(printf '%s\n' "$table" | sort)" = "$(printf '%s\n' "$docs" | sort)" ]; then
	ok "docs/metrics.md lists every metric with its type and labels, and no other"
else
	not_ok "docs/metrics.md lists every metric with its type and labels, and no other"
	diff <(printf '%s\n' "$table" | sort) <(printf '%s\n' "$docs" | sort) |
		sed 's/^/# /; s/^# </# in metrics.c only:/; s/^# >/# in the docs only:/'
fi
echo "# test_metrics: $N_OK passed, $N_FAIL failed"
[ "$N_FAIL" -eq 0 ]
