// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc_mode: print the test mode the running system is in, for
 * run_svacc_tests.sh when the harness does not say:
 *   sva    the device works in SVA mode
 *   hmm    HMM mirror behind an IOMMU (or forced)
 *   nommu  HMM mirror without an IOMMU
 *   lts    the kernel refuses SVA (open() refused, or HMM for that reason)
 *   none   no svacc device (exit status 1)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libsvacc.h"

int main(void)
{
	struct svacc s;
	int ret;

	ret = svacc_open(&s, NULL);
	if (ret == -ENODEV) {
		printf("none\n");
		return 1;
	}
	if (ret == -EOPNOTSUPP) {
		printf("lts\n");
		return 0;
	}
	if (ret) {
		fprintf(stderr, "svacc_mode: %s: %s\n", s.path, strerror(-ret));
		printf("none\n");
		return 1;
	}
	if (s.info.mode == SVACC_MODE_SVA)
		printf("sva\n");
	else if (s.info.mode_reason == SVACC_REASON_SVA_REFUSED &&
		 s.info.mode_errno == EOPNOTSUPP)
		printf("lts\n");
	else if (s.info.mode_reason == SVACC_REASON_NO_IOMMU)
		printf("nommu\n");
	else
		printf("hmm\n");
	svacc_close(&s);
	return 0;
}
