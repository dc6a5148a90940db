# svacc top-level entry points. The work is done by the scripts in harness/;
# see README.md. Outputs: out/ (in tree, gitignored); caches: $(SVACC_CACHE)
# (default /var/cache/svacc).

SHELL := /bin/bash
H := harness

.PHONY: all check demo vm qemu-test setup prepare clean help bench
all: help

help:
	@echo "make check                   set up, build, run every test in every mode"
	@echo "make demo                    boot the sva mode and show the device"
	@echo "make vm MODE=<m> [CMD='..']  boot one mode (interactive, or run CMD)"
	@echo "make qemu-test               QEMU qtests only (TAP)"
	@echo "make bench                   performance ratios per mode (out/bench/)"
	@echo "modes: $$(grep -oE '^[a-z0-9_-]+' $(H)/modes | tr '\n' ' ')"

check:
	@$(H)/check.sh

setup:
	@$(H)/setup-packages.sh && $(H)/fetch-sources.sh

qemu-test: setup
	@$(H)/qemu-test.sh

demo: setup
	@$(H)/vm.sh sva demo

# MODE and CMD come from the command line (exported to the script's env).
vm: setup
	@test -n "$(MODE)" || { echo "usage: make vm MODE=<mode> [CMD='<shell command>']"; exit 2; }
	@if [ -n "$$CMD" ]; then $(H)/vm.sh "$(MODE)" cmd "$$CMD"; else $(H)/vm.sh "$(MODE)" shell; fi

# Performance ratios (issue 6): out/bench/results.csv, table, throughput.png
bench: setup
	@$(H)/bench.sh

clean:
	rm -rf out
