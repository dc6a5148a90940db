// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the HMM mirror's pure parts (svacc_hmm.c): the device
 * page-table builder (tables from the reserve, 4 KiB and 2 MiB leaves,
 * write upgrades, the shared zero page, zaps and the tables they free,
 * leaves kept mapped across a protection change),
 * the fault-around window and fault de-duplication. The page tables live
 * in DMA memory of a KUnit device; the "registers" the device-TLB
 * invalidation writes are plain memory. Included by svacc_hmm.c.
 */
#include <kunit/device.h>
#include <kunit/test.h>

#define SVACC_TEST_VA	0x7f1234400000UL	/* 2 MiB aligned */

struct svacc_hmm_test {
	struct svacc_device *sdev;
	struct svacc_hmm_dev *h;
	struct svacc_hmm_ctx *hc;
	struct page *pages;		/* 2 MiB: order 9 */
};

static void svacc_test_reserve(struct kunit *test, struct svacc_hmm_ctx *hc)
{
	while (hc->nreserve < SVACC_PT_RESERVE) {
		struct svacc_pt *pt = svacc_pt_alloc(hc);

		KUNIT_ASSERT_NOT_NULL(test, pt);
		hc->reserve[hc->nreserve++] = pt;
		hc->npt++;
	}
}

static int svacc_hmm_test_init(struct kunit *test)
{
	struct svacc_hmm_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct device *dev;

	KUNIT_ASSERT_NOT_NULL(test, t);
	dev = kunit_device_register(test, "svacc-hmm-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->coherent_dma_mask = DMA_BIT_MASK(52);
	dev->dma_mask = &dev->coherent_dma_mask;

	t->sdev = kunit_kzalloc(test, sizeof(*t->sdev), GFP_KERNEL);
	t->h = kunit_kzalloc(test, sizeof(*t->h), GFP_KERNEL);
	t->hc = kunit_kzalloc(test, sizeof(*t->hc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->sdev);
	KUNIT_ASSERT_NOT_NULL(test, t->h);
	KUNIT_ASSERT_NOT_NULL(test, t->hc);
	/* invalidations write these; INV_CTL reads back "not busy" */
	t->sdev->regs = (void __force __iomem *)kunit_kzalloc(test, SVACC_REGS_SIZE,
							      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, (void __force *)t->sdev->regs);
	t->sdev->va_bits = 47;
	t->h->sdev = t->sdev;
	t->h->dev = dev;
	spin_lock_init(&t->h->inv_lock);
	t->h->zero_dma = dma_map_page(dev, ZERO_PAGE(0), 0, PAGE_SIZE, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, t->h->zero_dma));
	t->hc->hdev = t->h;
	t->hc->sdev = t->sdev;
	t->hc->id = 5;
	mutex_init(&t->hc->pt_lock);
	t->hc->root = svacc_pt_alloc(t->hc);
	KUNIT_ASSERT_NOT_NULL(test, t->hc->root);
	t->hc->npt = 1;
	svacc_test_reserve(test, t->hc);
	t->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, PMD_SHIFT - PAGE_SHIFT);
	KUNIT_ASSERT_NOT_NULL(test, t->pages);
	test->priv = t;
	return 0;
}

static void svacc_hmm_test_exit(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	unsigned int i;

	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, 0, svacc_hmm_limit(t->sdev), false);
	for (i = 0; i < hc->nreserve; i++)
		svacc_pt_free(hc, hc->reserve[i]);
	svacc_pt_free(hc, hc->root);
	mutex_unlock(&hc->pt_lock);
	dma_unmap_page(t->h->dev, t->h->zero_dma, PAGE_SIZE, DMA_TO_DEVICE);
	__free_pages(t->pages, PMD_SHIFT - PAGE_SHIFT);
}

static u64 svacc_test_pte(struct svacc_pt *pt, unsigned long va, unsigned int level)
{
	return le64_to_cpu(pt->cpu[svacc_pt_index(va, level)]);
}

/* Map one 4 KiB page at @va; returns the level-1 table */
static struct svacc_pt *svacc_test_map4k(struct kunit *test, unsigned long va,
					 struct page *page, bool write)
{
	struct svacc_hmm_ctx *hc = ((struct svacc_hmm_test *)test->priv)->hc;
	struct svacc_pt *pt;

	mutex_lock(&hc->pt_lock);
	pt = svacc_pt_table(hc, va, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pt);
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(hc, pt, 1, va, page, write));
	mutex_unlock(&hc->pt_lock);
	return pt;
}

static void svacc_test_pt_map_4k(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt;
	u64 e;

	pt = svacc_test_map4k(test, SVACC_TEST_VA + PAGE_SIZE, t->pages, false);
	/* three tables below the root came from the reserve */
	KUNIT_EXPECT_EQ(test, SVACC_PT_RESERVE - 3, t->hc->nreserve);
	KUNIT_EXPECT_EQ(test, 1U, t->hc->root->nvalid);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	e = svacc_test_pte(pt, SVACC_TEST_VA + PAGE_SIZE, 1);
	KUNIT_EXPECT_TRUE(test, e & SVACC_PTE_VALID);
	KUNIT_EXPECT_FALSE(test, e & SVACC_PTE_WRITE);
	KUNIT_EXPECT_FALSE(test, e & SVACC_PTE_LEAF);
	KUNIT_EXPECT_NE(test, 0ULL, e & SVACC_PTE_ADDR);
	/* the root entry points at the level-3 table */
	e = svacc_test_pte(t->hc->root, SVACC_TEST_VA, 4);
	pt = t->hc->root->child[svacc_pt_index(SVACC_TEST_VA, 4)];
	KUNIT_EXPECT_EQ(test, (u64)(SVACC_PTE_VALID | pt->dma), e);
}

static void svacc_test_pt_map_again(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, true);

	mutex_lock(&t->hc->pt_lock);
	/* a current leaf is kept, with or without the write it already has */
	KUNIT_EXPECT_EQ(test, 0, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, true));
	KUNIT_EXPECT_EQ(test, 0, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, false));
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
}

static void svacc_test_pt_write_upgrade(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	void *regs = (void __force *)t->sdev->regs;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);

	mutex_lock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, true));
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_TRUE(test, svacc_test_pte(pt, SVACC_TEST_VA, 1) & SVACC_PTE_WRITE);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	/* the read-only translation was invalidated, for this context only */
	KUNIT_EXPECT_EQ(test, 5U, *(u32 *)(regs + SVACC_INV_PASID));
	KUNIT_EXPECT_EQ(test, (u64)SVACC_TEST_VA, *(u64 *)(regs + SVACC_INV_ADDR));
	KUNIT_EXPECT_EQ(test, 1ULL, *(u64 *)(regs + SVACC_INV_PAGES));
}

static void svacc_test_pt_zero_page(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, ZERO_PAGE(0), false);

	svacc_test_map4k(test, SVACC_TEST_VA + PAGE_SIZE, ZERO_PAGE(0), false);
	/* both share the one mapping made at probe */
	KUNIT_EXPECT_EQ(test, (u64)t->h->zero_dma,
			svacc_test_pte(pt, SVACC_TEST_VA, 1) & SVACC_PTE_ADDR);
	KUNIT_EXPECT_EQ(test, (u64)t->h->zero_dma,
			svacc_test_pte(pt, SVACC_TEST_VA + PAGE_SIZE, 1) & SVACC_PTE_ADDR);
	/* the zero page is never writable */
	mutex_lock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA + 2 * PAGE_SIZE,
					   ZERO_PAGE(0), true));
	mutex_unlock(&t->hc->pt_lock);
}

static void svacc_test_pt_2m_leaf(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt;
	u64 e;

	mutex_lock(&t->hc->pt_lock);
	pt = svacc_pt_table(t->hc, SVACC_TEST_VA, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pt);
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 2, SVACC_TEST_VA, t->pages, true));
	/* nothing below a 2 MiB leaf */
	KUNIT_EXPECT_NULL(test, svacc_pt_table(t->hc, SVACC_TEST_VA + 5 * PAGE_SIZE, 1));
	mutex_unlock(&t->hc->pt_lock);
	e = svacc_test_pte(pt, SVACC_TEST_VA, 2);
	KUNIT_EXPECT_TRUE(test, e & SVACC_PTE_LEAF);
	KUNIT_EXPECT_TRUE(test, e & SVACC_PTE_WRITE);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(e & SVACC_PTE_ADDR, SZ_2M));
	KUNIT_EXPECT_EQ(test, SVACC_PT_RESERVE - 2, t->hc->nreserve);
}

static void svacc_test_pt_2m_over_table(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt;

	svacc_test_map4k(test, SVACC_TEST_VA + PAGE_SIZE, t->pages, false);
	mutex_lock(&t->hc->pt_lock);
	pt = svacc_pt_table(t->hc, SVACC_TEST_VA, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pt);
	/* a level-1 table is there: the block keeps 4 KiB leaves */
	KUNIT_EXPECT_EQ(test, -ERANGE,
			svacc_hmm_set_leaf(t->hc, pt, 2, SVACC_TEST_VA, t->pages, false));
	mutex_unlock(&t->hc->pt_lock);
}

static void svacc_test_pt_reserve_dry(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	struct svacc_pt *saved[SVACC_PT_RESERVE];
	unsigned int n = hc->nreserve;

	memcpy(saved, hc->reserve, sizeof(saved));
	hc->nreserve = 0;
	mutex_lock(&hc->pt_lock);
	KUNIT_EXPECT_EQ(test, -ENOMEM, PTR_ERR(svacc_pt_table(hc, SVACC_TEST_VA, 1)));
	mutex_unlock(&hc->pt_lock);
	memcpy(hc->reserve, saved, sizeof(saved));
	hc->nreserve = n;
}

static void svacc_test_zap_frees_tables(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	unsigned long npt = hc->npt;

	svacc_test_map4k(test, SVACC_TEST_VA, t->pages, true);
	KUNIT_EXPECT_EQ(test, npt, hc->npt);	/* tables came from the reserve */
	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, SVACC_TEST_VA, SVACC_TEST_VA + PAGE_SIZE, false);
	mutex_unlock(&hc->pt_lock);
	/* the three tables it used are gone, and the root entry with them */
	KUNIT_EXPECT_EQ(test, npt - 3, hc->npt);
	KUNIT_EXPECT_EQ(test, 0U, hc->root->nvalid);
	KUNIT_EXPECT_EQ(test, 0ULL, svacc_test_pte(hc->root, SVACC_TEST_VA, 4));
	KUNIT_EXPECT_NULL(test, hc->root->child[svacc_pt_index(SVACC_TEST_VA, 4)]);
}

static void svacc_test_zap_keeps_others(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	struct svacc_pt *pt;
	unsigned long npt;

	pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);
	svacc_test_map4k(test, SVACC_TEST_VA + PAGE_SIZE, t->pages + 1, false);
	npt = hc->npt;
	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, SVACC_TEST_VA + PAGE_SIZE, SVACC_TEST_VA + 2 * PAGE_SIZE, false);
	mutex_unlock(&hc->pt_lock);
	KUNIT_EXPECT_EQ(test, npt, hc->npt);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	KUNIT_EXPECT_TRUE(test, svacc_test_pte(pt, SVACC_TEST_VA, 1) & SVACC_PTE_VALID);
	KUNIT_EXPECT_EQ(test, 0ULL, svacc_test_pte(pt, SVACC_TEST_VA + PAGE_SIZE, 1));
}

static void svacc_test_zap_partial_2m(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt;

	mutex_lock(&t->hc->pt_lock);
	pt = svacc_pt_table(t->hc, SVACC_TEST_VA, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pt);
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 2, SVACC_TEST_VA, t->pages, false));
	/* 4 KiB in the middle of the block: the whole 2 MiB leaf goes */
	svacc_hmm_zap(t->hc, SVACC_TEST_VA + 7 * PAGE_SIZE, SVACC_TEST_VA + 8 * PAGE_SIZE, false);
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 0U, t->hc->root->nvalid);
}

static void svacc_test_zap_outside(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);
	void *regs = (void __force *)t->sdev->regs;

	*(u64 *)(regs + SVACC_INV_PAGES) = 12345;
	mutex_lock(&t->hc->pt_lock);
	svacc_hmm_zap(t->hc, SVACC_TEST_VA + SZ_2M, SVACC_TEST_VA + SZ_4M, false);
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	/* nothing cleared: no invalidation either */
	KUNIT_EXPECT_EQ(test, 12345ULL, *(u64 *)(regs + SVACC_INV_PAGES));
}

static void svacc_test_zap_inv_block(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	void *regs = (void __force *)t->sdev->regs;

	svacc_test_map4k(test, SVACC_TEST_VA + 9 * PAGE_SIZE, t->pages, false);
	mutex_lock(&t->hc->pt_lock);
	svacc_hmm_zap(t->hc, SVACC_TEST_VA + 9 * PAGE_SIZE, SVACC_TEST_VA + 10 * PAGE_SIZE, false);
	mutex_unlock(&t->hc->pt_lock);
	/* a 2 MiB leaf is one device-TLB entry: whole blocks are invalidated */
	KUNIT_EXPECT_EQ(test, (u64)SVACC_TEST_VA, *(u64 *)(regs + SVACC_INV_ADDR));
	KUNIT_EXPECT_EQ(test, (u64)(SZ_2M >> PAGE_SHIFT), *(u64 *)(regs + SVACC_INV_PAGES));
}

static void svacc_test_zap_everything(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	unsigned long npt = hc->npt;

	svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);
	svacc_test_reserve(test, hc);
	svacc_test_map4k(test, SVACC_TEST_VA + SZ_1G, t->pages + 1, true);
	svacc_test_reserve(test, hc);
	svacc_test_map4k(test, 0x1000, t->pages + 2, false);
	svacc_test_reserve(test, hc);
	KUNIT_EXPECT_EQ(test, npt + 3 + 2 + 3, hc->npt);
	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, 0, svacc_hmm_limit(t->sdev), false);
	mutex_unlock(&hc->pt_lock);
	/* only the root and the reserve are left */
	KUNIT_EXPECT_EQ(test, npt, hc->npt);
	KUNIT_EXPECT_EQ(test, 0U, hc->root->nvalid);
}

/* Zap [SVACC_TEST_VA + @first page, + @n pages) after a protection change */
static void svacc_test_zap_keep(struct kunit *test, unsigned int first, unsigned int n)
{
	struct svacc_hmm_ctx *hc = ((struct svacc_hmm_test *)test->priv)->hc;

	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, SVACC_TEST_VA + first * PAGE_SIZE,
		      SVACC_TEST_VA + (first + n) * PAGE_SIZE, true);
	mutex_unlock(&hc->pt_lock);
}

static void svacc_test_keep_revalidates(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	void *regs = (void __force *)t->sdev->regs;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, true);
	u64 e = svacc_test_pte(pt, SVACC_TEST_VA, 1), k;
	unsigned long npt = t->hc->npt;
	s64 maps = atomic64_read(&t->sdev->hmm.dma_maps);

	KUNIT_EXPECT_TRUE(test, e & SVACC_PTE_SW_DMA_RW);
	*(u64 *)(regs + SVACC_INV_PAGES) = 0;
	svacc_test_zap_keep(test, 0, 1);
	/* kept: no access, still mapped (for writing too), table in use */
	k = svacc_test_pte(pt, SVACC_TEST_VA, 1);
	KUNIT_EXPECT_EQ(test, e & ~(SVACC_PTE_VALID | SVACC_PTE_WRITE), k);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	KUNIT_EXPECT_EQ(test, npt, t->hc->npt);
	KUNIT_EXPECT_EQ(test, (u64)(SZ_2M >> PAGE_SHIFT), *(u64 *)(regs + SVACC_INV_PAGES));

	mutex_lock(&t->hc->pt_lock);
	/* the same page again, read-only, then written: no new DMA mapping */
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, false));
	KUNIT_EXPECT_EQ(test, k | SVACC_PTE_VALID, svacc_test_pte(pt, SVACC_TEST_VA, 1));
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, true));
	KUNIT_EXPECT_EQ(test, e, svacc_test_pte(pt, SVACC_TEST_VA, 1));
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
	KUNIT_EXPECT_EQ(test, maps, atomic64_read(&t->sdev->hmm.dma_maps));
}

static void svacc_test_keep_remaps(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt = svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);
	s64 maps;
	u64 e;

	svacc_test_zap_keep(test, 0, 1);
	maps = atomic64_read(&t->sdev->hmm.dma_maps);
	mutex_lock(&t->hc->pt_lock);
	/* mapped for reading only: a write needs a new mapping */
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages, true));
	e = svacc_test_pte(pt, SVACC_TEST_VA, 1);
	KUNIT_EXPECT_TRUE(test, (e & SVACC_PTE_WRITE) && (e & SVACC_PTE_SW_DMA_RW));
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, maps + 1, atomic64_read(&t->sdev->hmm.dma_maps));

	/* another page where a kept leaf was: mapped anew */
	svacc_test_zap_keep(test, 0, 1);
	mutex_lock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, 1,
			svacc_hmm_set_leaf(t->hc, pt, 1, SVACC_TEST_VA, t->pages + 1, false));
	mutex_unlock(&t->hc->pt_lock);
	KUNIT_EXPECT_EQ(test, maps + 2, atomic64_read(&t->sdev->hmm.dma_maps));
	KUNIT_EXPECT_NE(test, e & SVACC_PTE_ADDR,
			svacc_test_pte(pt, SVACC_TEST_VA, 1) & SVACC_PTE_ADDR);
	KUNIT_EXPECT_EQ(test, 1U, pt->nvalid);
}

static void svacc_test_keep_then_zap(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_hmm_ctx *hc = t->hc;
	unsigned long npt = hc->npt;

	svacc_test_map4k(test, SVACC_TEST_VA, t->pages, false);
	svacc_test_map4k(test, SVACC_TEST_VA + PAGE_SIZE, t->pages + 1, true);
	svacc_test_zap_keep(test, 0, 2);
	/* kept leaves are unmapped by the next zap that does not keep */
	mutex_lock(&hc->pt_lock);
	svacc_hmm_zap(hc, SVACC_TEST_VA, SVACC_TEST_VA + 2 * PAGE_SIZE, false);
	mutex_unlock(&hc->pt_lock);
	KUNIT_EXPECT_EQ(test, npt - 3, hc->npt);
	KUNIT_EXPECT_EQ(test, 0U, hc->root->nvalid);
}

static void svacc_test_keep_not_2m(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct svacc_pt *pt;

	mutex_lock(&t->hc->pt_lock);
	pt = svacc_pt_table(t->hc, SVACC_TEST_VA, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pt);
	KUNIT_EXPECT_EQ(test, 1, svacc_hmm_set_leaf(t->hc, pt, 2, SVACC_TEST_VA, t->pages, true));
	mutex_unlock(&t->hc->pt_lock);
	/* a 2 MiB leaf is not kept: unmapped, and its tables freed */
	svacc_test_zap_keep(test, 3, 1);
	KUNIT_EXPECT_EQ(test, 0U, t->hc->root->nvalid);
}

static void svacc_test_limit(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, min_t(u64, TASK_SIZE_MAX & PAGE_MASK, BIT_ULL(47)),
			svacc_hmm_limit(t->sdev));
	t->sdev->va_bits = 39;
	KUNIT_EXPECT_EQ(test, BIT_ULL(39), svacc_hmm_limit(t->sdev));
	t->sdev->va_bits = 47;
}

static void svacc_test_window(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	struct vm_area_struct vma = {
		.vm_start = SVACC_TEST_VA - SZ_1M,
		.vm_end = SVACC_TEST_VA + SZ_1M,
	};
	unsigned int saved = svacc_fault_around;
	struct hmm_range r;

	svacc_fault_around = 16;
	svacc_hmm_window(t->hc, &vma, SVACC_TEST_VA + 17 * PAGE_SIZE + 5, true, &r);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + 16 * PAGE_SIZE, r.start);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + 32 * PAGE_SIZE, r.end);
	/* rounded up to a power of two */
	svacc_fault_around = 5;
	svacc_hmm_window(t->hc, &vma, SVACC_TEST_VA + 9 * PAGE_SIZE, true, &r);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + 8 * PAGE_SIZE, r.start);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + 16 * PAGE_SIZE, r.end);
	/* clipped to the VMA */
	svacc_fault_around = 512;
	svacc_hmm_window(t->hc, &vma, SVACC_TEST_VA + PAGE_SIZE, true, &r);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA, r.start);
	KUNIT_EXPECT_EQ(test, vma.vm_end, r.end);
	/* the faulting page alone */
	svacc_hmm_window(t->hc, &vma, SVACC_TEST_VA + PAGE_SIZE + 9, false, &r);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + PAGE_SIZE, r.start);
	KUNIT_EXPECT_EQ(test, SVACC_TEST_VA + 2 * PAGE_SIZE, r.end);
	svacc_fault_around = saved;
}

static void svacc_test_window_limit(struct kunit *test)
{
	struct svacc_hmm_test *t = test->priv;
	unsigned long top = svacc_hmm_limit(t->sdev);
	struct vm_area_struct vma = {
		.vm_start = top - SZ_1M,
		.vm_end = top + SZ_1M,	/* 5-level paging: the VMA goes on */
	};
	unsigned int saved = svacc_fault_around;
	struct hmm_range r;

	svacc_fault_around = 512;
	svacc_hmm_window(t->hc, &vma, top - PAGE_SIZE, true, &r);
	KUNIT_EXPECT_EQ(test, top, r.end);
	svacc_fault_around = saved;
}

static void svacc_test_fault_covers(struct kunit *test)
{
	struct svacc_fault r = { .addr = SVACC_TEST_VA + 8, .flags = SVACC_FR_READ };
	struct svacc_fault w = { .addr = SVACC_TEST_VA + 4000, .flags = SVACC_FR_WRITE };
	struct svacc_fault other = { .addr = SVACC_TEST_VA + PAGE_SIZE, .flags = SVACC_FR_WRITE };

	KUNIT_EXPECT_TRUE(test, svacc_fault_covers(&r, &r));
	KUNIT_EXPECT_TRUE(test, svacc_fault_covers(&w, &r));	/* write covers read */
	KUNIT_EXPECT_FALSE(test, svacc_fault_covers(&r, &w));	/* read does not */
	KUNIT_EXPECT_FALSE(test, svacc_fault_covers(&w, &other));
	KUNIT_EXPECT_FALSE(test, svacc_fault_covers(&other, &w));
	/* a refused write (a read-only page) is no answer to a read */
	w.ret = -EPERM;
	KUNIT_EXPECT_FALSE(test, svacc_fault_covers(&w, &r));
	KUNIT_EXPECT_TRUE(test, svacc_fault_covers(&w, &w));
	r.ret = -EFAULT;
	KUNIT_EXPECT_TRUE(test, svacc_fault_covers(&r, &r));
}

static struct kunit_case svacc_hmm_cases[] = {
	KUNIT_CASE(svacc_test_pt_map_4k),
	KUNIT_CASE(svacc_test_pt_map_again),
	KUNIT_CASE(svacc_test_pt_write_upgrade),
	KUNIT_CASE(svacc_test_pt_zero_page),
	KUNIT_CASE(svacc_test_pt_2m_leaf),
	KUNIT_CASE(svacc_test_pt_2m_over_table),
	KUNIT_CASE(svacc_test_pt_reserve_dry),
	KUNIT_CASE(svacc_test_zap_frees_tables),
	KUNIT_CASE(svacc_test_zap_keeps_others),
	KUNIT_CASE(svacc_test_zap_partial_2m),
	KUNIT_CASE(svacc_test_zap_outside),
	KUNIT_CASE(svacc_test_zap_inv_block),
	KUNIT_CASE(svacc_test_zap_everything),
	KUNIT_CASE(svacc_test_keep_revalidates),
	KUNIT_CASE(svacc_test_keep_remaps),
	KUNIT_CASE(svacc_test_keep_then_zap),
	KUNIT_CASE(svacc_test_keep_not_2m),
	KUNIT_CASE(svacc_test_limit),
	KUNIT_CASE(svacc_test_window),
	KUNIT_CASE(svacc_test_window_limit),
	KUNIT_CASE(svacc_test_fault_covers),
	{}
};

static struct kunit_suite svacc_hmm_suite = {
	.name = "svacc_hmm",
	.init = svacc_hmm_test_init,
	.exit = svacc_hmm_test_exit,
	.test_cases = svacc_hmm_cases,
};

kunit_test_suite(svacc_hmm_suite);
