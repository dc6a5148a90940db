# Summarise a results file made of framed TAP sections:
#   # svacc-begin <suite> ... TAP ... # svacc-end <suite> rc=<n>
# Input must have \r stripped. -v expect="s1 s2" lists suites that must appear.
# Output (tab separated), one per suite, then one line per failed test:
#   S <suite> <passed> <failed> <skipped>
#   F <suite> <description>[ -- <why>]
# Rules: "ok ... # SKIP" is skipped, never passed; "not ok" is failed whatever
# its directive; a suite that never ended (hang, crash, watchdog) fails and is
# named with the last "# RUN" test seen; a suite that exits non-zero with no
# failed test, or reports fewer tests than its plan, fails too.
# <why> is what the failed test printed: its first failed expectation and
# the lines after it (kselftest's "file:line:test:Expected ..." and its
# TH_LOG), else its last diagnostic lines, so that a log's tail says why.

function finish(s, ended, rc) {
	if (!ended) {
		fail[s]++; nf++; F[nf] = s "\t" s " did not finish" (last_run != "" ? " (hung or crashed in: " last_run ")" : "")
	} else {
		if (rc != 0 && fail[s] == 0) { fail[s]++; nf++; F[nf] = s "\t" s " exited with status " rc " without a failed test" }
		if (plan > 0 && seen < plan) { fail[s] += plan - seen; nf++; F[nf] = s "\t" (plan - seen) " planned test(s) never reported" }
	}
	cur = ""
}
BEGIN { n = split(expect, e, " "); for (i = 1; i <= n; i++) { order[++no] = e[i]; known[e[i]] = 1 } }
/^# svacc-begin / {
	if (cur != "") finish(cur, 0, 0)
	cur = $3; plan = 0; seen = 0; last_run = ""
	if (!(cur in known)) { known[cur] = 1; order[++no] = cur }
	began[cur] = 1; pass[cur] += 0; fail[cur] += 0; skip[cur] += 0
	next
}
/^# svacc-end / {
	if (cur == "") next
	rc = $4; sub(/^rc=/, "", rc)
	finish(cur, 1, rc + 0)
	next
}
/^# svacc-watchdog/ { watchdog = $0; next }
/^# svacc-done/ { done = 1; next }
cur == "" { next }
/^(#[ \t]*)+RUN[ \t]/ { last_run = $0; sub(/^(#[ \t]*)+RUN[ \t]+/, "", last_run); sub(/[ \t]*\.\.\.[ \t]*$/, "", last_run); why = ""; nwhy = 0; tail1 = ""; tail2 = ""; next }
/^#/ {
	l = $0; sub(/^(#[ \t]*)+/, "", l)
	if (l == "" || l ~ /^(OK|FAIL|SKIP|PASSED|FAILED|XFAIL)[ \t]/ || l ~ /: Test (failed|terminated)/) next
	if (nwhy == 0 && l ~ /:[0-9]+:[^ :]+:(Expected|Assertion)/) { why = l; nwhy = 1; next }
	if (nwhy > 0 && nwhy < 3) { why = why " | " l; nwhy++; next }
	tail1 = tail2; tail2 = l
	next
}
/^1\.\.[0-9]+/ { p = substr($1, 4) + 0; if (p > plan) plan = p; next }
/^ok / {
	seen++
	if (toupper($0) ~ /# *SKIP/) skip[cur]++; else pass[cur]++
	next
}
/^not ok / {
	seen++
	if (toupper($0) ~ /# *SKIP/) { skip[cur]++; next }
	fail[cur]++; d = $0; sub(/^not ok [0-9]* *-? */, "", d)
	if (d ~ /-timeout/ && last_run != "") d = d " (last test started: " last_run ")"
	w = why != "" ? why : (tail1 != "" ? tail1 " | " tail2 : tail2)
	if (w != "") d = d " -- " (length(w) > 400 ? substr(w, 1, 400) "..." : w)
	why = ""; nwhy = 0; tail1 = ""; tail2 = ""
	nf++; F[nf] = cur "\t" d
	next
}
END {
	if (cur != "") finish(cur, 0, 0)
	for (i = 1; i <= no; i++) {
		s = order[i]
		if (!(s in began)) { fail[s] = 1; pass[s] = 0; skip[s] = 0; nf++; F[nf] = s "\t" s " never started" (watchdog != "" ? " (" watchdog ")" : "") }
		printf "S\t%s\t%d\t%d\t%d\n", s, pass[s], fail[s], skip[s]
	}
	for (i = 1; i <= nf; i++) printf "F\t%s\n", F[i]
	printf "D\t%d\t%s\n", done, watchdog
}
