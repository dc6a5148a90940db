#!/bin/sh
# Suite "selftests": the svacc selftests' own runner picks the programs that
# apply to this mode and prints TAP. MODE comes from /init.
exec /usr/lib/svacc-selftests/run_svacc_tests.sh "$MODE"
