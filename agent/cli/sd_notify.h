/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sd_notify.h - tell a service manager what the daemon is doing, as
 * systemd's sd_notify(3) does, without linking libsystemd: one datagram to
 * $NOTIFY_SOCKET. For a Type=notify unit: READY=1 once enforcement is in
 * place, RELOADING=1 around SIGHUP, STOPPING=1 on the way out.
 */
#ifndef PC_SD_NOTIFY_H
#define PC_SD_NOTIFY_H

/* Send STATE ("READY=1\nSTATUS=..."). 0 when sent or when no manager
 * listens ($NOTIFY_SOCKET unset), else a negative errno. */
int pc_sd_notify(const char *state);

#endif /* PC_SD_NOTIFY_H */
