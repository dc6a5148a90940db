# SPDX-License-Identifier: GPL-2.0-only
#
# Where to find a user-space ready <drm/drm.h> for svacc_accel.h, which
# does #include "drm.h". Shared by tools/accel/svacc and its selftests.
#
# In: KSRC (kernel tree, optional), SVACC_UAPI_OUT (scratch dir),
#     SVACC_REPO (tree holding include/uapi/drm/svacc_accel.h),
#     DRM_INCLUDE (a directory holding drm.h; overrides everything).
# Out: SVACC_UAPI_CPPFLAGS, SVACC_UAPI_DEPS (prerequisites to build first).
#
# <drm/svacc_accel.h> is looked up after drm.h's directory, and in the
# sanitized case copied next to drm.h: its #include "drm.h" must never pick
# a raw kernel drm.h that sits beside it in a kernel tree.
#
# Order: DRM_INCLUDE; $(KSRC)/usr/include (after headers_install);
# sanitized copies of $(KSRC)/include/uapi (the tree is not written to);
# /usr/include/drm (libdrm-dev).

SVACC_SAVED_GOAL := $(.DEFAULT_GOAL)
SVACC_ACCEL_H := $(SVACC_REPO)/include/uapi/drm/svacc_accel.h
SVACC_UAPI_DEPS :=
ifneq ($(DRM_INCLUDE),)
SVACC_UAPI_CPPFLAGS := -I$(DRM_INCLUDE)
else ifneq ($(wildcard $(KSRC)/usr/include/drm/drm.h),)
SVACC_UAPI_CPPFLAGS := -I$(KSRC)/usr/include/drm -idirafter $(KSRC)/usr/include
else ifneq ($(wildcard $(KSRC)/include/uapi/drm/drm.h),)
SVACC_UAPI_GEN := $(SVACC_UAPI_OUT)/uapi
SVACC_UAPI_CPPFLAGS := -I$(SVACC_UAPI_GEN)/drm -idirafter $(SVACC_UAPI_GEN)
SVACC_UAPI_DEPS := $(SVACC_UAPI_GEN)/drm/drm.h \
		   $(SVACC_UAPI_GEN)/drm/drm_mode.h \
		   $(SVACC_UAPI_GEN)/linux/bits.h \
		   $(SVACC_UAPI_GEN)/drm/svacc_accel.h

.SECONDARY: $(SVACC_UAPI_DEPS)

$(SVACC_UAPI_GEN)/drm/svacc_accel.h: $(SVACC_ACCEL_H)
	@mkdir -p $(dir $@)
	cp $< $@

# The sanitizing part of scripts/headers_install.sh
$(SVACC_UAPI_GEN)/%.h: $(KSRC)/include/uapi/%.h
	@mkdir -p $(dir $@)
	sed -E -e 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' \
		$< > $@.tmp && mv $@.tmp $@
else ifneq ($(wildcard /usr/include/drm/drm.h),)
SVACC_UAPI_CPPFLAGS := -I/usr/include/drm
else
$(error drm.h not found: set KSRC=<kernel tree> or DRM_INCLUDE=<dir>)
endif
SVACC_UAPI_CPPFLAGS += -idirafter $(SVACC_REPO)/include/uapi
# the rules above must not become the including Makefile's default goal
.DEFAULT_GOAL := $(SVACC_SAVED_GOAL)
