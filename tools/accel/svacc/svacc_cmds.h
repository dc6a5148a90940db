/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svacc CLI: the commands that live outside svacc.c.
 */
#ifndef _SVACC_CMDS_H_
#define _SVACC_CMDS_H_

struct opts;
struct svacc;

/* bench.c */
int cmd_bench(struct svacc *s, const struct opts *o);

#endif /* _SVACC_CMDS_H_ */
