#!/bin/bash
# Configure the extra Debian suites svacc needs, copying URIs and Signed-By from
# the machine's own Debian sources file (no archive host is named in this repo).
#   bookworm-backports (binary, pinned low): meson >= 1.5, python3-pycotap for QEMU 10.2
#   sid, trixie-backports (deb-src only): QEMU and mainline Linux sources
# Idempotent: rewrites the same two files and runs apt-get update only on change.
set -euo pipefail

src=/etc/apt/sources.list.d/debian.sources
out=/etc/apt/sources.list.d/svacc-extra.sources
pin=/etc/apt/preferences.d/svacc-extra

[ -r "$src" ] || { echo "apt-sources: $src not found (need Debian 12 deb822 sources)" >&2; exit 1; }

# First stanza whose Suites: mention bookworm (not -security).
read -r uri keyring < <(awk '
	/^$/ { if (u && s ~ /(^| )bookworm( |$)/) { print u, k; exit } u=""; s=""; k="" }
	/^URIs:/ { u=$2 } /^Suites:/ { $1=""; s=$0 } /^Signed-By:/ { k=$2 }
	END { if (u && s ~ /(^| )bookworm( |$)/) print u, k }' "$src")
[ -n "${uri:-}" ] || { echo "apt-sources: no bookworm entry in $src" >&2; exit 1; }
keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}

tmp=$(mktemp)
cat >"$tmp" <<EOS
# Written by svacc harness/apt-sources.sh; URIs and keyring copied from $src.
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $keyring

Types: deb-src
URIs: $uri
Suites: sid trixie-backports
Components: main
Signed-By: $keyring
EOS
tmppin=$(mktemp)
cat >"$tmppin" <<'EOS'
# Written by svacc harness/apt-sources.sh: backports only when asked for.
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
EOS

changed=0
cmp -s "$tmp" "$out" || { install -m 644 "$tmp" "$out"; changed=1; }
cmp -s "$tmppin" "$pin" || { install -m 644 "$tmppin" "$pin"; changed=1; }
rm -f "$tmp" "$tmppin"

stamp=/var/lib/apt/lists/.svacc-updated
if [ "$changed" = 1 ] || [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	apt-get update -qq
	touch "$stamp"
fi
