/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The svacc CLI's bench commands (bench.c); the figures are defined in
 * tools/accel/svacc/bench.rst.
 */
#ifndef _SVACC_BENCH_H_
#define _SVACC_BENCH_H_

struct opts;
struct svacc;

int cmd_bench(struct svacc *s, const struct opts *o);
int cmd_bench_host(struct svacc *s, const struct opts *o);

#endif /* _SVACC_BENCH_H_ */
