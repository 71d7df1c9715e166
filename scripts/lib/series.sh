# Reading qemu/patches/series; sourced by the scripts that apply, refresh,
# write and check our QEMU changes.
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The series file has one line per patch of the series, in order:
#
#   PATCH-FILE [NEW-FILE...]
#
# and one line for what only this project's build uses:
#
#   local [PATCH-FILE|FILE...]
#
# NEW-FILEs and FILEs are paths (globs allowed) under qemu/ of files that
# the pristine source does not have.  Every such file belongs to exactly
# one line: the patch that adds it.  A later patch may change a file that
# an earlier one added: its hunks on that file are part of its patch file,
# and the file under qemu/ is always the final version, the one that the
# build uses.  The version that the adding patch carries is the final one
# with every later patch's hunks on it undone (see qemu-series.sh).

series_overlay=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../qemu" && pwd)
series_file=$series_overlay/patches/series

# The patches of the series, in order, one per line.
series_patches() {
    awk '!/^#/ && NF && $1 != "local" { print $1 }' "$series_file"
}

# The local patches, in the order they apply after the series.
series_local_patches() {
    awk '$1 == "local" { for (i = 2; i <= NF; i++) print $i }' \
        "$series_file" | grep '\.patch$' || true
}

# Every file under qemu/ that is not a patch: the new files.
series_new_files() {
    (cd "$series_overlay" && find . -path ./patches -prune -o -type f -print) |
        sed 's|^\./||' | sort
}

# Fill the associative array series_owner (file -> patch, or "local") from
# the series file; fail on a file of two lines, a glob matching nothing or
# a new file of no line.
series_read_owners() {
    declare -gA series_owner=()
    local patch globs g f matched
    while read -r patch globs; do
        case $patch in ''|'#'*) continue ;; esac
        for g in $globs; do
            case $g in *.patch) continue ;; esac
            matched=
            for f in $(cd "$series_overlay" && compgen -G "$g" || true); do
                [ -f "$series_overlay/$f" ] || continue
                if [ -n "${series_owner[$f]:-}" ]; then
                    echo "series: $f is listed by both ${series_owner[$f]}" \
                         "and $patch" >&2
                    return 1
                fi
                series_owner[$f]=$patch
                matched=1
            done
            if [ -z "$matched" ]; then
                echo "series: '$g' of $patch matches no file" >&2
                return 1
            fi
        done
    done < "$series_file"
    local orphans=
    while read -r f; do
        [ -n "${series_owner[$f]:-}" ] || orphans="$orphans $f"
    done < <(series_new_files)
    if [ -n "$orphans" ]; then
        echo "series: files under qemu/ in no line of the series:$orphans" >&2
        return 1
    fi
}

# series_split PATCH-FILE new|old: print the text before the first diff
# (the mail header and message), then the sections of the diff on new
# files (new) or on the pristine source's files (old).
series_split() {
    SERIES_NEW_FILES=$(series_new_files) awk -v want="$2" '
        BEGIN {
            n = split(ENVIRON["SERIES_NEW_FILES"], f, "\n")
            for (i = 1; i <= n; i++) isnew[f[i]] = 1
        }
        /^diff --git / {
            path = $4; sub(/^b\//, "", path)
            keep = ((path in isnew) == (want == "new"))
            indiff = 1
        }
        !indiff || keep { print }
    ' "$1"
}

# The mail header of a patch file: the Subject line's text, then a blank
# line, then the message body up to the "---" line.
series_message() {
    awk '
        /^Subject: / { sub(/^Subject: (\[PATCH[^]]*\] )?/, ""); print; print ""; next }
        /^---$/ || /^diff --git / { exit }
        body { print; next }
        /^$/ { body = 1 }
    ' "$1"
}

# The identity that writes and signs the series: git's author settings
# (environment first, then git config), as "Name <email>".  Fails when
# there is none: the series carries a Signed-off-by, which only a person
# can give.
series_identity() {
    local name email
    name=${GIT_AUTHOR_NAME:-$(git -C "$series_overlay" config user.name || true)}
    email=${GIT_AUTHOR_EMAIL:-$(git -C "$series_overlay" config user.email || true)}
    if [ -z "$name" ] || [ -z "$email" ]; then
        echo "series: no git identity; set one with" >&2
        echo "  git config user.name 'Your Name'" >&2
        echo "  git config user.email you@example.org" >&2
        echo "(the series is signed off by it: see" \
             "https://www.qemu.org/docs/master/devel/submitting-a-patch.html)" >&2
        return 1
    fi
    printf '%s <%s>\n' "$name" "$email"
}
