# svacc top-level entry points. The work is done by the scripts in harness/;
# see README.md. Outputs: out/ (in tree, gitignored); caches: $(SVACC_CACHE)
# (default /var/cache/svacc).

SHELL := /bin/bash
H := harness

.PHONY: all check check-debug demo vm qemu-test setup prepare clean help bench fuzz storm torture series series-check
all: help

help:
	@echo "make check                   set up, build, run every test in every mode"
	@echo "make check-debug             the debug kernel's modes, every selftest program"
	@echo "make demo                    boot the sva mode and show the device"
	@echo "make vm MODE=<m> [CMD='..']  boot one mode (interactive, or run CMD)"
	@echo "make qemu-test               QEMU qtests only (TAP)"
	@echo "make bench                   device, driver and emulator figures (out/bench/)"
	@echo "make fuzz                    the fuzzer's full form: >= 1M submissions per mode"
	@echo "make storm                   the lifecycle storms' full form"
	@echo "make torture                 removal and reset, full form (20 and 10 cycles)"
	@echo "make series                  the kernel and QEMU patch series (out/series/)"
	@echo "make series-check            every review gate of the series, per-patch builds too"
	@echo "modes: $$(grep -oE '^[a-z0-9_-]+' $(H)/modes | tr '\n' ' ')"

check:
	@$(H)/check.sh

# The debug lane in full: make check runs the isolation and lifetime
# programs there (what it can afford on a 2-core TCG host); this runs all.
check-debug:
	@SVACC_MODES="sva-debug hmm-debug" SVACC_GUEST_ENV="$(SVACC_GUEST_ENV) SVACC_DEBUG_FULL=1" $(H)/check.sh

setup:
	@$(H)/setup-packages.sh && $(H)/fetch-sources.sh

qemu-test: setup
	@$(H)/qemu-test.sh

demo: setup
	@$(H)/vm.sh sva demo

# MODE and CMD come from the command line. CMD goes to the guest verbatim:
# $(value) keeps make from expanding a `$` in it (CMD='echo $HOME' would
# otherwise run "echo harnessOME").
vm: export SVACC_VM_CMD := $(value CMD)
vm: setup
	@test -n "$(MODE)" || { echo "usage: make vm MODE=<mode> [CMD='<shell command>']"; exit 2; }
	@if [ -n "$$SVACC_VM_CMD" ]; then $(H)/vm.sh "$(MODE)" cmd "$$SVACC_VM_CMD"; else $(H)/vm.sh "$(MODE)" shell; fi

# Device, driver and emulator figures: out/bench/results.csv, table.txt,
# bench.png; see tools/accel/svacc/bench.rst. Not part of make check.
bench: setup
	@$(H)/bench.sh

# Full forms of the torture suites; results in out/torture/<mode>/
fuzz:
	@$(H)/torture.sh fuzz

storm:
	@$(H)/torture.sh storm

torture:
	@$(H)/torture.sh removal reset

# The kernel and QEMU parts as patch series for review (out/series/), and
# their review gates (make check runs the quick ones).
series: setup
	@$(H)/series.sh

series-check: setup
	@$(H)/series-check.sh

clean:
	rm -rf out
