#!/usr/bin/env bash
# What `anne convert` does to the path it writes: an existing file is replaced atomically and keeps
# its permissions; a symbolic link keeps pointing where it did (its target is replaced); a device or
# a FIFO is written to, never replaced by a regular file (/dev/null must stay /dev/null).
. "$(dirname "$0")/lib/common.sh"

MODEL=examples/iris/iris_6_neurons.json

# an existing file keeps its mode and is replaced whole
echo "old" >"$TMP/model.anne"
chmod 640 "$TMP/model.anne"
"$ANNE" convert "$MODEL" "$TMP/model.anne" >/dev/null || fail "convert over an existing file failed"
[ "$(stat -c %a "$TMP/model.anne")" = 640 ] || fail "mode changed to $(stat -c %a "$TMP/model.anne")"
[ "$(head -c 4 "$TMP/model.anne")" = ANNE ] || fail "the existing file was not replaced by the model"

# a symlink stays a symlink; its target gets the model
echo "old" >"$TMP/target.anne"
ln -s target.anne "$TMP/link.anne"
"$ANNE" convert "$MODEL" "$TMP/link.anne" >/dev/null || fail "convert through a symlink failed"
[ -L "$TMP/link.anne" ] || fail "the symlink was replaced by a regular file"
[ "$(head -c 4 "$TMP/target.anne")" = ANNE ] || fail "the symlink's target did not get the model"

# a dangling symlink is an error naming the path, and nothing is created
ln -s missing/dir/x "$TMP/dangling.anne"
if "$ANNE" convert "$MODEL" "$TMP/dangling.anne" >/dev/null 2>"$TMP/err"; then fail "dangling symlink accepted"; fi
grep -qF "dangling.anne" "$TMP/err" || fail "the message does not name the path: $(cat "$TMP/err")"

# a FIFO is written to, not replaced
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from_fifo" &
reader=$!
"$ANNE" convert "$MODEL" "$TMP/fifo" >/dev/null || fail "convert into a FIFO failed"
wait "$reader"
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced"
[ "$(head -c 4 "$TMP/from_fifo")" = ANNE ] || fail "the FIFO's reader did not get the model"

# /dev/null stays a character device (as root, a rename would have replaced it)
"$ANNE" convert "$MODEL" /dev/null >/dev/null || fail "convert to /dev/null failed"
[ -c /dev/null ] || fail "/dev/null is no longer a character device"

finish "output files: all checks passed"
