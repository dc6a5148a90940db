/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "svacc" fixture of svacc_ops and svacc_faults. Include once, after
 * kselftest_harness.h.
 */
#ifndef _SVACC_FIXTURE_H_
#define _SVACC_FIXTURE_H_

#include <stdlib.h>
#include <string.h>

#include "svacc_assert.h"

/*
 * One svacc context per test, in two variants: "ioctl" (shared WQ through
 * DRM_IOCTL_SVACC_SUBMIT) and "portal" (claimed dedicated WQ).
 */
FIXTURE(svacc) {
	struct svacc s;
	struct drm_svacc_completion *rec;
};

FIXTURE_VARIANT(svacc) {
	enum svacc_path path;
};

FIXTURE_VARIANT_ADD(svacc, ioctl) {
	.path = SVACC_PATH_IOCTL,
};

FIXTURE_VARIANT_ADD(svacc, portal) {
	.path = SVACC_PATH_PORTAL,
};

FIXTURE_SETUP(svacc)
{
	int ret;

	SKIP_WITHOUT_DEVICE(return);
	self->s.fd = -1;
	kmsg_mark(_metadata->name);
	self->rec = svacc_records_alloc(SVACC_NREC);
	ASSERT_NE(NULL, self->rec);
	ret = svacc_open(&self->s, NULL);
	ASSERT_EQ(0, ret)
		TH_LOG("cannot open an svacc device: %s", strerror(-ret));
	ASSERT_EXPECTED_MODE(&self->s);
	self->s.path_kind = variant->path;
	if (variant->path == SVACC_PATH_PORTAL) {
		ret = svacc_wq_claim(&self->s, SVACC_WQ_ANY);
		ASSERT_EQ(0, ret)
			TH_LOG("cannot claim a dedicated WQ: %s",
			       strerror(-ret));
	}
	ret = warm_records(&self->s, self->rec, SVACC_NREC);
	ASSERT_EQ(0, ret) TH_LOG("NOP with a record: %d", ret);
}

FIXTURE_TEARDOWN(svacc)
{
	svacc_close(&self->s);
	free(self->rec);
}

#endif /* _SVACC_FIXTURE_H_ */
