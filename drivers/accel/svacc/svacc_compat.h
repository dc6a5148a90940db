/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel API differences svacc meets between the 6.12 LTS and
 * mainline, in one place. Chosen by feature tests in the Makefile, not by
 * version numbers.
 */
#ifndef _SVACC_COMPAT_H_
#define _SVACC_COMPAT_H_

#include <linux/device.h>
#include <linux/iommu.h>

#ifdef SVACC_HAVE_IOMMU_DEV_FEAT
/*
 * Before 6.15 a driver enables I/O page faults, then SVA, on the device
 * before binding (the other order fails with -EINVAL). Mainline enables
 * PASID, ATS and PRI in the IOMMU driver and dropped these calls.
 */
static inline int svacc_compat_sva_enable(struct device *dev)
{
	int ret;

	ret = iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF);
	if (ret)
		return ret;
	ret = iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA);
	if (ret)
		iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF);
	return ret;
}

static inline void svacc_compat_sva_disable(struct device *dev)
{
	iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_SVA);
	iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF);
}
#else
static inline int svacc_compat_sva_enable(struct device *dev)
{
	return 0;
}

static inline void svacc_compat_sva_disable(struct device *dev)
{
}
#endif

#endif /* _SVACC_COMPAT_H_ */
