#!/bin/bash
# The Ansible role's apply against a running daemon: the example playbook
# (packaging/ansible/site.yml) on a host 'a' that is a namespace with a
# daemon of its own, reached with connection=local; portcullis_binary is a
# wrapper that runs the built portcullis in a's namespace with a's
# directories. It renders the config, applies it in audit, enforces it
# with apply --confirm and confirms after reaching the host again; a second
# run changes nothing; a mode switched by hand, or a change pending
# confirmation, is put right or refused.
#
# Not covered here: installing the package and the service (no systemd as
# PID 1: tests/package/test_deb.sh installs the .deb in a scratch root),
# and the revert of an enforce the control node never confirms, which is
# portcullis' own commit-confirmed (test_confirm.sh): with a local
# connection, reaching the host again cannot fail.
#
# In the package suite, though it needs the kernel: it tests the role, not
# the kernel, and six ansible-playbook runs are minutes on the kernel
# matrix's emulated CPU.
#
#   a       10.78.0.2   fd78::2    the host: tcp :80 (http) and :8080
#   friend  10.78.0.3   fd78::3    allowed http by the inventory's role
# shellcheck source=../integration/lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/../integration/lib.sh"
need_root ansible-playbook

A4=10.78.0.2 A6=fd78::2
FR4=10.78.0.3 FR6=fd78::3
if ! { lan_create && host_add a $A4 $A6 && host_add fr $FR4 $FR6; }; then
	not_ok "build the LAN"; exit 1
fi
A=$(ns_of a) FR=$(ns_of fr)
if ! { tcp_server "$A" 80 && tcp_server "$A" 8080; }; then
	not_ok "start the servers on a"; exit 1
fi

instance_add "$A"
D=$(inst_dir "$A")
CONF=$D/portcullis.conf
# As the package installs it: the catalogue and roles, audit, nothing attached.
cat >"$CONF" <<EOF
include "$POLICIES/catalogue.conf"
include "$POLICIES/roles/*.conf"
mode audit
EOF
daemon_start "$A" || { not_ok "start the daemon in a"; exit 1; }

# The portcullis command the role runs on host a.
PCW=$T/portcullis-a
cat >"$PCW" <<EOF
#!/bin/sh
exec nsenter --net=/run/netns/$A "$PORTCULLIS" --pin-dir "$D/pin" --run-dir "$D/run" --log-dir "$D/log" "\$@"
EOF
chmod +x "$PCW"

mkdir -p "$T/inv"
cat >"$T/inv/hosts.yml" <<EOF
all:
  children:
    portcullis:
      hosts:
        a:
          ansible_connection: local
          ansible_python_interpreter: /usr/bin/python3
          ansible_become: false
          portcullis_binary: $PCW
          portcullis_config: $CONF
          portcullis_policy_dir: $POLICIES
          portcullis_interfaces: [lan0]
          portcullis_roles: [web]
          portcullis_peers:
            friend: [$FR4, $FR6]
          portcullis_config_extra: |
            role web {
                allow in http from friend
            }
          portcullis_confirm_seconds: 60
          portcullis_reconnect_timeout: 20
EOF
export ANSIBLE_LOCAL_TEMP=$T/ansible-local ANSIBLE_REMOTE_TEMP=$T/ansible-remote
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0

# play NAME ARGS...: the example playbook on a, without the package and the
# service; its output in $T/NAME.out. Returns its exit code.
play() {
	local name=$1
	shift
	ansible-playbook -i "$T/inv/hosts.yml" "$REPO/packaging/ansible/site.yml" \
		--skip-tags portcullis_install,portcullis_service "$@" >"$T/$name.out" 2>&1
}
# ran NAME TASK: the play NAME ran TASK on a (changed or ok, not skipped).
ran() { grep -A1 "^TASK \[portcullis : $2\]" "$T/$1.out" | grep -q '^\(changed\|ok\): \[a\]'; }
recap_changed() { grep -o '^a *: ok=[0-9]* *changed=[0-9]*' "$T/$1.out" | grep -o '[0-9]*$'; }
mode_is() { grep -q "\"mode\":\"$1\"" <<<"$(status_json "$A")"; }
nothing_pending() { ! grep -q '"pending"' <<<"$(status_json "$A")"; }
runs_config() {	# what runs is what the rendered config compiles to
	local want got
	want=$(json_field "$("$PCW" --json check "$CONF")" digest)
	got=$(json_field "$(status_json "$A")" digest)
	[ -n "$want" ] && [ "$want" = "$got" ]
}
show() { diag "$(tail -25 "$T/$1.out")"; }

# --- audit: rendered, applied without confirmation --------------------------
if play audit; then ok "audit: the playbook runs"; else not_ok "audit: the playbook runs"; show audit; fi
check "audit: the config has the inventory's role on lan0" grep -qx 'attach interface lan0 role web' "$CONF"
check "audit: what runs is the rendered config" runs_config
check "audit: a runs in audit" mode_is audit
check "audit: applied without --confirm" ran audit "Apply the config in audit"
check "audit: a flow no rule allows still passes" tcp_ok "$FR" $A4 8080

# --- enforce: apply --confirm, reach the host again, confirm ---------------
if play enforce -e portcullis_mode=enforce; then ok "enforce: the playbook runs"
else not_ok "enforce: the playbook runs"; show enforce; fi
check "enforce: applied with --confirm" ran enforce "Apply the config, reverting by itself unless confirmed"
check "enforce: reached the host again over a new connection" ran enforce "Reach the host again over a new connection"
check "enforce: confirmed" ran enforce "Keep the change"
check "enforce: a runs in enforce" mode_is enforce
check "enforce: nothing awaits confirmation" nothing_pending
check "enforce: the config says enforce" grep -qx 'mode enforce' "$CONF"
check "enforce: the friend still gets http" tcp_ok "$FR" $A4 80
check "enforce: a flow no rule allows is denied" tcp_denied "$FR" $A4 8080

if play again -e portcullis_mode=enforce; then ok "again: the playbook runs"
else not_ok "again: the playbook runs"; show again; fi
check_eq "again: a second run changes nothing" 0 "$(recap_changed again)"

# --- a mode switched by hand is put back, with confirmation ----------------
pc "$A" mode audit >/dev/null 2>&1
if play switched -e portcullis_mode=enforce; then ok "switched: the playbook runs"
else not_ok "switched: the playbook runs"; show switched; fi
check "switched: applied again with --confirm" \
	ran switched "Apply the config, reverting by itself unless confirmed"
check "switched: a runs in enforce again" mode_is enforce
check "switched: ... confirmed" nothing_pending

# --- a change pending confirmation -----------------------------------------
# What runs is what the inventory wants: the run confirms it.
pc "$A" apply --confirm 120 >/dev/null 2>&1
check_fails "pending: 'apply --confirm' by hand left a change pending" nothing_pending
if play pending -e portcullis_mode=enforce; then ok "pending: the playbook runs"
else not_ok "pending: the playbook runs"; show pending; fi
check "pending: confirmed after reaching the host again" ran pending "Keep the change"
check "pending: nothing awaits confirmation" nothing_pending

# Something else is pending: the run refuses and says why.
pc "$A" mode audit --confirm 120 >/dev/null 2>&1
if play refused -e portcullis_mode=enforce; then
	not_ok "refused: a run over another pending change fails"
else
	ok "refused: a run over another pending change fails"
	check "refused: ... saying a change awaits confirmation" grep -q 'a change awaits confirmation' "$T/refused.out"
fi
check "refused: the pending change is left alone" mode_is audit
pc "$A" confirm >/dev/null 2>&1

finish
