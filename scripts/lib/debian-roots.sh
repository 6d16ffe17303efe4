# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Debian roots, one per Wireshark that Debian ships, for scripts/check-wiresharks and
# scripts/package (sourced, not run). Each root is made with debootstrap --variant=minbase
# and kept under CCESEC_ROOTS (default /var/cache/ccesec-roots/<suite>): a fresh machine makes
# them from nothing, a second run reuses them. Adding a newer suite to this machine's own apt
# sources would upgrade its libc, hence roots. The working tree is copied in (never
# bind-mounted), and a root gets what `scripts/install-deps test` installs, without
# recommends. Needs root (debootstrap, chroot, mount).
#
# The caller sets LOGS (a folder) and TOOL (its name, for messages) before sourcing.

ROOT_SUITES=(bookworm trixie sid)
declare -A ROOT_RELEASE=([bookworm]="Debian 12" [trixie]="Debian 13" [sid]="Debian unstable")
CCESEC_ROOTS="${CCESEC_ROOTS:-/var/cache/ccesec-roots}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC_IN_ROOT=/src/ccesec
ROOT_MIRROR="${CCESEC_MIRROR:-}"
ROOT_FRESH=0    # 1: delete and make the roots again
ROOT_USE_HEAD=0 # 1: copy the committed HEAD (git archive) instead of the working tree
# Beyond scripts/install-deps test: what CPack's DEB generator runs (file, for shlibdeps).
ROOT_EXTRA_PACKAGES=(file)
declare -a SUMMARY=()
FAILED=0
START=$SECONDS

note() { printf '== %s\n' "$*"; }
die() { printf '%s: %s\n' "$TOOL" "$*" >&2; exit 2; }

# stage NAME COMMAND...: output to LOGS/NAME.log; a PASS/FAIL line with seconds in SUMMARY,
# and on failure the log's tail, loudly. NAME is "suite step" (e.g. "trixie build"). The
# exit status goes to STAGE_RC; stage itself returns 0. Call it as a plain command, never in
# an if, || or && test: bash ignores set -e in everything run from there, background jobs
# included, and a failing step would go on.
STAGE_RC=0
stage() {
    local name="$1" began=$SECONDS rc=0
    shift
    local log="$LOGS/${name// /-}.log"
    note "$name ..."
    "$@" >"$log" 2>&1 &
    wait $! || rc=$?
    local took=$((SECONDS - began))
    if [ "$rc" -eq 0 ]; then
        SUMMARY+=("$(printf '%-22s PASS  %4ss' "$name" "$took")")
    else
        SUMMARY+=("$(printf '%-22s FAIL  %4ss  (log: %s)' "$name" "$took" "$log")")
        FAILED=1
        printf '!! %s: FAILED in %s (exit %s); last lines of %s:\n' "$TOOL" "$name" "$rc" "$log"
        tail -n 40 "$log" | sed 's/^/   | /'
    fi
    STAGE_RC=$rc
}

summary() {
    echo
    note "$TOOL summary"
    printf '   %s\n' "${SUMMARY[@]}"
    local took=$((SECONDS - START))
    if [ "$FAILED" -eq 0 ]; then
        echo "$TOOL: PASS (${took}s)"
    else
        echo "$TOOL: FAIL (${took}s; logs in $LOGS)"
    fi
}

root_of() { printf '%s/%s' "$CCESEC_ROOTS" "$1"; }

in_root() {
    local suite="$1"
    shift
    chroot "$(root_of "$suite")" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

wireshark_in_root() {
    in_root "$1" tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p'
}

host_mirror() {
    # The first Debian archive URI of this machine's apt sources (deb822 or one-line).
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null |
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }
             /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
        grep -E '/debian/?$' | head -n 1 || true
}

mounts_under() {
    awk -v root="$1" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/self/mounts |
        sort -r
}

roots_unmount() {
    local suite point
    for suite in "${ROOT_SUITES[@]}"; do
        for point in $(mounts_under "$(root_of "$suite")"); do
            umount "$point" 2>/dev/null || umount -l "$point"
        done
    done
}

# roots_init: root user, host tools, and one run at a time on this machine's roots.
roots_init() {
    [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
    mkdir -p "$CCESEC_ROOTS" "$LOGS"
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
    if [ ${#missing[@]} -gt 0 ]; then
        note "installing ${missing[*]} on the host"
        apt-get update -qq >"$LOGS/host-apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >>"$LOGS/host-apt.log" 2>&1 || die "apt-get install ${missing[*]} failed (log: $LOGS/host-apt.log)"
    fi
    [ -n "$ROOT_MIRROR" ] || ROOT_MIRROR="$(host_mirror)"
    [ -n "$ROOT_MIRROR" ] || ROOT_MIRROR=http://deb.debian.org/debian
    exec 8>"$CCESEC_ROOTS/.lock"
    if ! flock -n 8; then
        note "waiting for another run that uses $CCESEC_ROOTS"
        flock 8
    fi
    trap roots_unmount EXIT
}

# The root of one suite: made when missing (or with --fresh), configured, /proc mounted, the
# source copied in, what the tests need installed, and no ccesec package left from a test.
root_prepare() {
    local suite="$1" root point
    root="$(root_of "$suite")"
    if [ "$ROOT_FRESH" -eq 1 ] || { [ -d "$root" ] && [ ! -e "$root/.ccesec-debootstrap-done" ]; }; then
        for point in $(mounts_under "$root"); do umount "$point" || umount -l "$point"; done
        [ -z "$(mounts_under "$root")" ] || { echo "still mounted under $root"; return 1; }
        rm -rf --one-file-system "$root"
    fi
    if [ ! -e "$root/.ccesec-debootstrap-done" ]; then
        # An older debootstrap may lack a script for a newer suite: sid's fits them all.
        local script=/usr/share/debootstrap/scripts/$suite
        [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
        echo "debootstrap --variant=minbase $suite $root $ROOT_MIRROR $script"
        debootstrap --variant=minbase "$suite" "$root" "$ROOT_MIRROR" "$script"
        touch "$root/.ccesec-debootstrap-done"
    else
        echo "reusing $root (made $(date -r "$root/.ccesec-debootstrap-done" -u '+%F %R UTC'))"
    fi
    cat >"$root/etc/apt/apt.conf.d/90ccesec" <<'CONF'
// Written by ccesec's scripts/lib/debian-roots.sh: lean installs.
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CONF
    if [ "$suite" = sid ]; then
        # Unstable's Release file may be past its Valid-Until on a snapshot mirror.
        echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/91ccesec-valid-until"
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    root_copy_source "$suite"
    if in_root "$suite" dpkg-query -W -f='${Status}' ccesec 2>/dev/null | grep -q installed; then
        echo "purging a ccesec package left by an earlier run"
        in_root "$suite" apt-get purge -y -qq ccesec
    fi
    in_root "$suite" "$SRC_IN_ROOT/scripts/install-deps" test
    local package extra=()
    for package in "${ROOT_EXTRA_PACKAGES[@]}"; do
        in_root "$suite" dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
            grep -q "install ok installed" || extra+=("$package")
    done
    [ ${#extra[@]} -eq 0 ] || in_root "$suite" apt-get install -y -qq "${extra[@]}"
    in_root "$suite" apt-get clean # the downloaded .debs: a third of the root
    echo "Wireshark $(wireshark_in_root "$suite") in ${ROOT_RELEASE[$suite]} ($suite)"
}

# Prepare every root at once (network and unpacking, little CPU); one log per root. A root
# that failed has no .ccesec-ready: the callers skip it (and fail).
roots_prepare_all() {
    local suite pids=() began=$SECONDS
    for suite in "${ROOT_SUITES[@]}"; do
        rm -f "$(root_of "$suite")/.ccesec-ready"
        stage_and_mark_ready "$suite" &
        pids+=($!)
    done
    local i
    for i in "${!ROOT_SUITES[@]}"; do
        wait "${pids[$i]}" || true
    done
    # stage ran in subshells: their SUMMARY lines are lost, so record them here.
    for suite in "${ROOT_SUITES[@]}"; do
        if root_ready "$suite"; then
            SUMMARY+=("$(printf '%-22s PASS  %4ss  Wireshark %s' "$suite root" \
                "$((SECONDS - began))" "$(wireshark_in_root "$suite")")")
        else
            SUMMARY+=("$(printf '%-22s FAIL  %4ss  (log: %s)' "$suite root" \
                "$((SECONDS - began))" "$LOGS/$suite-root.log")")
            FAILED=1
        fi
    done
}

stage_and_mark_ready() {
    stage "$1 root" root_prepare "$1"
    [ "$STAGE_RC" -ne 0 ] || touch "$(root_of "$1")/.ccesec-ready"
}

root_ready() { [ -e "$(root_of "$1")/.ccesec-ready" ]; }

# The working tree (tracked and untracked, not ignored) or HEAD, into ROOT/src/ccesec; the
# team's real captures beside it, where the tests look for them (REPO/../shared).
root_copy_source() {
    local root dest
    root="$(root_of "$1")"
    dest="$root$SRC_IN_ROOT"
    rm -rf "$dest"
    mkdir -p "$dest"
    if [ "$ROOT_USE_HEAD" -eq 1 ]; then
        git -C "$REPO" archive HEAD | tar -C "$dest" -xf -
    elif git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$REPO" && git ls-files -co --exclude-standard -z |
            xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
            tar --null -T - -cf -) | tar -C "$dest" -xf -
    else
        tar -C "$REPO" --exclude='./build*' -cf - . | tar -C "$dest" -xf -
    fi
    local shared="${CCESEC_SHARED_DIR:-$(dirname "$REPO")/shared}/real-captures"
    rm -rf "$root/src/shared"
    if [ -d "$shared" ]; then
        mkdir -p "$root/src/shared"
        cp -r "$shared" "$root/src/shared/"
    fi
    chmod -R a+rX "$root/src"
}
