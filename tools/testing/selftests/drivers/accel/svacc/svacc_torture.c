// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of the svacc torture programs; see svacc_torture.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "svacc_torture.h"

/*
 * The seed of a run: $SVACC_SEED when set (decimal or 0x...), else taken
 * from the clock. Printed first, so any failure can be replayed.
 */
uint64_t torture_seed(const char *prog)
{
	const char *env = getenv("SVACC_SEED");
	uint64_t seed;

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	else
		seed = svacc_now_ns() ^ ((uint64_t)getpid() << 32);
	printf("# %s: seed 0x%llx (SVACC_SEED=0x%llx repeats this run)\n",
	       prog, (unsigned long long)seed, (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

long env_long(const char *name, long def)
{
	const char *env = getenv(name);
	char *end;
	long v;

	if (!env || !*env)
		return def;
	v = strtol(env, &end, 0);
	return *end ? def : v;
}

/* $TORTURE_FORM=full asks for the long form (make fuzz, make storm) */
bool torture_full(void)
{
	const char *f = getenv("TORTURE_FORM");

	return f && !strcmp(f, "full");
}

/* A size of the run: $@env when set, else the short or the full form's */
long torture_scale(long short_form, long full_form, const char *env)
{
	return env_long(env, torture_full() ? full_form : short_form);
}

/* A kernel with kmemleak (the debug lane): everything runs several times slower */
bool debug_kernel(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

/**
 * svacc_pci_dir() - sysfs directory of the svacc PCI function
 * @dir: out: /sys/bus/pci/devices/<bdf>
 * @len: size of @dir
 *
 * Found by vendor and device ID, so it works with no driver bound.
 * Return: 0 or -ENODEV.
 */
int svacc_pci_dir(char *dir, size_t len)
{
	unsigned long vendor, device;
	char path[300];
	struct dirent *e;
	int ret = -ENODEV;
	DIR *d;

	d = opendir("/sys/bus/pci/devices");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 e->d_name);
		if (svacc_sysfs_read_ul(path, 16, &vendor) || vendor != SVACC_VENDOR_ID)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 e->d_name);
		if (svacc_sysfs_read_ul(path, 16, &device) || device != SVACC_DEVICE_ID)
			continue;
		snprintf(dir, len, "/sys/bus/pci/devices/%s", e->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/**
 * sysfs_write_bounded() - write a sysfs file from a child, with a deadline
 * @path: file
 * @val: string written
 * @timeout_s: seconds before the write counts as hung
 *
 * A hang in the kernel (remove waiting forever, a reset that never ends)
 * then fails the test instead of the whole run.
 *
 * Return: 0, the write's negative errno, or -ETIMEDOUT.
 */
int sysfs_write_bounded(const char *path, const char *val, int timeout_s)
{
	int status, fd, err;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		err = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : errno;
		close(fd);
		_exit(err);
	}
	if (wait_child(pid, timeout_s, &status))
		return -ETIMEDOUT;
	if (!WIFEXITED(status))
		return -EINTR;
	return -WEXITSTATUS(status);
}

/**
 * sysfs_write_at() - sysfs_write_bounded() of @dir/@file, bounded to 10 s
 * @dir: directory (a cgroup, a fault attribute's debugfs directory...)
 * @file: file in it
 * @val: what to write
 *
 * Return: as sysfs_write_bounded().
 */
int sysfs_write_at(const char *dir, const char *file, const char *val)
{
	char path[640];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return sysfs_write_bounded(path, val, 10);
}

static sigjmp_buf store_jmp;
static int store_sig;

static void store_handler(int sig)
{
	__atomic_store_n(&store_sig, sig, __ATOMIC_SEQ_CST);
	siglongjmp(store_jmp, 1);
}

/**
 * store_signal() - one 8-byte store, reporting the signal it raised
 * @addr: where (a portal, typically)
 * @val: what
 *
 * Return: 0 when the store went through, else SIGBUS or SIGSEGV.
 */
int store_signal(uint64_t *addr, uint64_t val)
{
	struct sigaction sa = { .sa_handler = store_handler }, obus, osegv;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	__atomic_store_n(&store_sig, 0, __ATOMIC_SEQ_CST);
	if (!sigsetjmp(store_jmp, 1))
		__atomic_store_n(addr, val, __ATOMIC_SEQ_CST);
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return __atomic_load_n(&store_sig, __ATOMIC_SEQ_CST);
}

/* A new context does a verified copy through each path; 0 or -errno */
int device_works(void)
{
	struct drm_svacc_completion *c = svacc_records_alloc(1);
	struct svacc s;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = svacc_open(&s, NULL);
	if (!ret) {
		ret = copy_verified(&s, SVACC_PATH_IOCTL, 3 * PAGE + 5, c);
		if (!ret)
			ret = copy_verified(&s, SVACC_PATH_PORTAL, 3 * PAGE + 5, c);
		svacc_close(&s);
	}
	free(c);
	return ret;
}

/* Until an svacc node opens (after rescan or insmod); 0 or the last error */
int wait_for_device(int timeout_s)
{
	uint64_t end = svacc_now_ns() + (uint64_t)timeout_s * NS_PER_SEC;
	struct svacc s;
	int ret;

	for (;;) {
		ret = svacc_open(&s, NULL);
		if (!ret) {
			svacc_close(&s);
			return 0;
		}
		if (svacc_now_ns() > end)
			return ret;
		usleep(20 * 1000);
	}
}

/* A /proc/meminfo field in kB, or -1 */
long meminfo_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * SUnreclaim in kB once the slab allocator has let go of what it may: every
 * cache shrunk (which also frees the objects a KASAN kernel holds in its
 * quarantine, freed long ago yet still counted), twice, a little apart for
 * RCU-deferred frees. Without it a debug kernel's figure grows with every
 * free and says nothing about leaks. -1 if /proc/meminfo has no figure.
 */
long slab_settled_kb(void)
{
	char path[300];
	struct dirent *e;
	int pass;
	DIR *d;

	for (pass = 0; pass < 2; pass++) {
		if (pass)
			usleep(200 * 1000);
		d = opendir("/sys/kernel/slab");
		if (!d)
			break;
		while ((e = readdir(d))) {
			ssize_t n;
			int fd;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			/* a cache going away has nothing to shrink: not an error */
			n = write(fd, "1", 1);
			(void)n;
			close(fd);
		}
		closedir(d);
	}
	return meminfo_kb("SUnreclaim");
}

/*
 * Contexts the driver still lists in debugfs (accel/<dev>/contexts), over
 * every svacc device; -ENOENT without debugfs or device.
 */
int debugfs_count_contexts(void)
{
	char path[300], line[256];
	struct dirent *e;
	int n = 0, found = 0;
	FILE *f;
	DIR *d;

	d = opendir("/sys/kernel/debug/accel");
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/contexts",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		found++;
		while (fgets(line, sizeof(line), f))
			n += !strncmp(line, "pasid ", 6);
		fclose(f);
	}
	closedir(d);
	return found ? n : -ENOENT;
}

/* The qdev id in $SVACC_DEVICE_OPTS ("svacc,id=svacc0,bus=rp0,..."), or "" */
void device_id(char *id, size_t len)
{
	const char *opts = getenv("SVACC_DEVICE_OPTS");
	const char *p = opts ? strstr(opts, ",id=") : NULL;

	id[0] = '\0';
	if (p)
		snprintf(id, len, "%.*s", (int)strcspn(p + 4, ","), p + 4);
}

/* run-vm.sh started the host agent and the guest's ttyS2 carries its answers */
bool host_qmp_available(void)
{
	const char *q = getenv("SVACC_QMP");

	return q && !strcmp(q, "1") && access("/dev/ttyS2", R_OK) == 0;
}

/**
 * host_qmp() - ask the host's QMP agent (harness/qmp-agent.py) for a command
 * @request: QMP JSON, "hmp <command line>" or "event <NAME> <seconds>"
 * @answer: out: the agent's JSON answer
 * @len: size of @answer
 * @timeout_s: how long to wait for the answer
 *
 * The request goes out as a "# svacc-qmp <id> ..." line on stdout (the
 * results port); the answer "<id> ok|error <json>" comes back on ttyS2.
 *
 * Return: 0 (ok), -EIO (QMP error), -ETIMEDOUT, or -EOPNOTSUPP without
 * an agent.
 */
int host_qmp(const char *request, char *answer, size_t len, int timeout_s)
{
	static unsigned int seq;
	uint64_t end = svacc_now_ns() + (uint64_t)timeout_s * NS_PER_SEC;
	char buf[4096], prefix[32];
	struct termios tio;
	size_t have = 0;
	int fd, ret = -ETIMEDOUT;

	if (!host_qmp_available())
		return -EOPNOTSUPP;
	fd = open("/dev/ttyS2", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!tcgetattr(fd, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
	snprintf(prefix, sizeof(prefix), "%d%03u ", getpid(), ++seq % 1000);
	printf("# svacc-qmp %.*s %s\n", (int)strlen(prefix) - 1, prefix, request);
	fflush(stdout);

	while (svacc_now_ns() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *nl, *line;
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			continue;
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			line = buf;
			if (!strncmp(line, prefix, strlen(prefix))) {
				line += strlen(prefix);
				ret = strncmp(line, "ok ", 3) ? -EIO : 0;
				snprintf(answer, len, "%s", line);
				goto out;
			}
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0;
	}
out:
	close(fd);
	return ret;
}

/* Zeroed memory shared with forked children */
void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Count a failure; the first one's message is kept, the first 8 printed */
void fail_note(struct fail_log *log, const char *fmt, ...)
{
	char msg[sizeof(log->first)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = __atomic_fetch_add(&log->fails, 1, __ATOMIC_SEQ_CST);
	if (!n)
		memcpy(log->first, msg, sizeof(msg));
	/* the first few in the output too, as they happen */
	if (n < 8) {
		printf("# failure %d: %s\n", n + 1, msg);
		fflush(stdout);
	}
}
