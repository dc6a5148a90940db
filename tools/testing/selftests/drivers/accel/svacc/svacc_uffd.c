// SPDX-License-Identifier: GPL-2.0-only
/*
 * svacc and userfaultfd: a device access to a page whose fault user space
 * handles (userfaultfd, missing mode) does not block. The kernel resolves
 * device faults (the IOMMU core's handle_mm_fault() in SVA mode,
 * hmm_range_fault() in HMM mode) without FAULT_FLAG_ALLOW_RETRY, and
 * handle_userfault() answers such a fault with SIGBUS instead of waiting
 * for the handler: the descriptor completes with PAGE_FAULT and nobody
 * waits. (A debug kernel with CONFIG_DEBUG_VM also prints a warning with
 * a stack trace for it, so this program does not run in the debug modes.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "svacc_assert.h"

FIXTURE(uffd) {
	struct svacc s;
	struct drm_svacc_completion *rec;
	int uffd;
	uint8_t *area;
};

FIXTURE_SETUP(uffd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { };

	SKIP_WITHOUT_DEVICE(return);
	self->rec = svacc_records_alloc(2);
	ASSERT_NE(NULL, self->rec);
	ASSERT_EQ(0, svacc_open(&self->s, NULL));
	ASSERT_EQ(0, svacc_wq_claim(&self->s, SVACC_WQ_ANY));
	ASSERT_EQ(0, warm_records(&self->s, self->rec, 2));
	self->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, self->uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_API, &api));
	self->area = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	reg.range.start = (uintptr_t)self->area;
	reg.range.len = 4 * PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_REGISTER, &reg));
}

FIXTURE_TEARDOWN(uffd)
{
	munmap(self->area, 4 * PAGE);
	close(self->uffd);
	svacc_close(&self->s);
	free(self->rec);
}

/*
 * Reads and writes of missing userfaultfd pages, on both paths, with
 * block-on-fault: PAGE_FAULT at the first such page, promptly; the
 * handler never hears of them.
 */
TEST_F_TIMEOUT(uffd, device_fault_does_not_wait, 120)
{
	struct uffd_msg msg;
	uint8_t buf[64];
	struct drm_svacc_desc d;
	int path, dir, st;

	for (path = 0; path < 2; path++) {
		self->s.path_kind = path ? SVACC_PATH_PORTAL : SVACC_PATH_IOCTL;
		for (dir = 0; dir < 2; dir++) {
			uint8_t *a = self->area + (2 * path + dir) * PAGE;

			if (dir)
				svacc_desc_memfill(&d, a, 0x42, 64, &self->rec[0]);
			else
				svacc_desc_memmove(&d, buf, a, 64, &self->rec[0]);
			d.flags |= SVACC_DESC_F_BOF;
			st = submit_wait(&self->s, &d, &self->rec[0]);
			ASSERT_EQ(SVACC_STATUS_PAGE_FAULT, st)
				TH_LOG("%s %s", path ? "portal" : "ioctl",
				       dir ? "write" : "read");
			ASSERT_EQ((uint64_t)(uintptr_t)a, self->rec[0].fault_addr);
		}
	}
	/* no fault was delivered to the handler */
	ASSERT_EQ(-1, read(self->uffd, &msg, sizeof(msg)));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_HARNESS_MAIN
