// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-host: host memcpy throughput at 64 MiB, the physical limit the
 * emulated svacc engine is compared with (engine_vs_host). Built natively
 * and run on the host by harness/bench.sh. Prints one CSV row,
 *   host_memcpy_64M,host,<MB/s>,MB/s
 * (best of N copies of pre-faulted memory, like the guest's figures;
 * N = argv[1], default 9).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define SIZE	(64UL << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 9, i;
	double v[64];
	uint8_t *src, *dst;
	uint64_t t0;

	if (n < 1 || n > 64)
		n = 9;
	src = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		perror("bench-host: mmap");
		return 1;
	}
	memset(src, 0xa5, SIZE);
	memset(dst, 0, SIZE);
	memcpy(dst, src, SIZE);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		memcpy(dst, src, SIZE);
		__asm__ volatile("" ::: "memory");
		v[i] = (double)SIZE * 1e3 / (now_ns() - t0);
	}
	qsort(v, n, sizeof(v[0]), cmp);
	fprintf(stderr, "bench-host: memcpy 64 MiB: min %.0f, median %.0f, max %.0f MB/s\n",
		v[0], v[n / 2], v[n - 1]);
	printf("host_memcpy_64M,host,%.4g,MB/s\n", v[n - 1]);
	return 0;
}
