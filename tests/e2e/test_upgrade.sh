#!/usr/bin/env bash
#  test_upgrade.sh — a run interrupted under the previous protocol version is
#  resumed by this one. tests/data/journal-v1/ holds the state a KR backfill
#  of six codes over 2024-08-05..09 left when the whole pipeline of eod 0.1
#  (protocol version 1) was killed with kill -9 after three of its six
#  results were journalled: the coordinator's ledger (the six TASKs, LISTED,
#  END and the ACKs it had) and the writer's journal (three RESULTs). The
#  same command run by this build over that state must:
#    - read every record of both files (no "skipped", no "damaged");
#    - ask the API only for the tasks the writer's journal did not hold;
#    - end with files byte-identical to an uninterrupted run of this build,
#      but for the group code: eod 0.1 listed a KR backfill's tasks with their
#      name only, so the rows of the run it listed have none.
#  And a journal of a version this build does not read (a made-up 99) is
#  refused with a message naming the version, and left as it is.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/eod-upgrade.XXXXXX)
trap 'env_down; [ -n "${EOD_TEST_KEEP:-}" ] || rm -rf "$TMP"' EXIT
FIXTURE=$ROOT/tests/data/journal-v1
RUN_ID=0a0e63ccb29f09ee
CODES=$FIXTURE/codes.txt
NCODES=$(wc -l <"$CODES")

backfill() {   # backfill NAME: the fixture's backfill; sets RC
    RC=0
    RUN_OUT=$ENV_DIR/$1.out
    EOD_LOG_DIR=$ENV_DIR/logs-$1 EOD_RUN_TIMEOUT=120 "$ROOT/launch/eod" backfill --market kr \
        --from 2024-08-05 --to 2024-08-09 --codes "$CODES" --config "$CFG" --fetchers 1 >"$RUN_OUT" 2>&1 || RC=$?
}
chunks_total() {
    curl -s "$SIM/_sim/stats" | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print(sum(s["chunks"].values()))'
}

echo "# the reference: the same backfill by this build, uninterrupted"
env_up "$TMP/ref-env"
set_key kis rate 200
backfill ref
check "the reference exits 0 (got $RC)" [ "$RC" = 0 ]
check "the reference is run $RUN_ID, the fixture's" grep -q "run $RUN_ID" "$ENV_DIR/logs-ref/lister.log"
check "one chunk per code ($NCODES)" [ "$(chunks_total)" = "$NCODES" ]
cp -r "$ENV_DIR/data/market=kr" "$TMP/ref"
env_down

echo "# the fixture's interrupted version-1 run, resumed"
env_up "$TMP/v1-env"
set_key kis rate 200
mkdir -p "$ENV_DIR/state"
cp -r "$FIXTURE/state/." "$ENV_DIR/state/"
chmod -R go-rwx "$ENV_DIR/state"
v1_results=$(/usr/bin/python3 - "$FIXTURE/state/writer/$RUN_ID.journal" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
n = pos = 0
while pos + 4 <= len(data):
    size = struct.unpack(">I", data[pos:pos + 4])[0]
    n += data[pos + 4:pos + 4 + size].find(b"RESULT") >= 0
    pos += 4 + size
print(n)
PY
)
backfill v1
check "the resumed run exits 0 (got $RC)" [ "$RC" = 0 ]
#  The reference's files with their group codes taken out: what the rows of
#  a run eod 0.1 listed hold.
/usr/bin/python3 - "$TMP/ref" "$TMP/ref-v1" <<'PY'
import csv, io, os, sys
src, dst = sys.argv[1:3]
for d in sorted(os.listdir(src)):
    os.makedirs(os.path.join(dst, d))
    for f in os.listdir(os.path.join(src, d)):
        text = open(os.path.join(src, d, f), encoding="utf-8", newline="").read()
        rows = list(csv.reader(io.StringIO(text)))
        at = rows[0].index("group_code")
        for r in rows[1:]:
            r[at] = ""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
        open(os.path.join(dst, d, f), "w", encoding="utf-8", newline="").write(out.getvalue())
PY
check "the reference's rows carry their group code" grep -q ",ST," "$TMP/ref/dt=2024-08-05/kr_20240805.csv"
check "its files equal the reference's, byte for byte, but for the group code" \
    diff -r "$TMP/ref-v1" "$ENV_DIR/data/market=kr"
check "the fixture's journal holds $v1_results results; only the other $((NCODES - v1_results)) were asked ($(chunks_total))" \
    [ "$(chunks_total)" = "$((NCODES - v1_results))" ]
check "the ledger and the journal were read whole (nothing skipped or damaged)" \
    sh -c "! grep -hE 'skipped|damaged|protocol version' '$ENV_DIR'/logs-v1/*.log"
check "the coordinator took the run up from its ledger" \
    grep -q "run $RUN_ID: the ledger holds $NCODES task(s)" "$ENV_DIR/logs-v1/coordinator.log"

echo "# a journal of a version this build does not read"
rm -rf "$ENV_DIR/state/coordinator" "$ENV_DIR/state/writer" "$ENV_DIR/data"
mkdir -p "$ENV_DIR/state/writer"
/usr/bin/python3 - "$FIXTURE/state/writer/$RUN_ID.journal" "$ENV_DIR/state/writer/$RUN_ID.journal" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
out = bytearray()
pos = 0
while pos + 4 <= len(data):
    size = struct.unpack(">I", data[pos:pos + 4])[0]
    frame = bytearray(data[pos + 4:pos + 4 + size])
    at = frame.find(b"\xa1v\x01")          # "v": 1, a fixint
    frame[at + 2] = 99
    out += struct.pack(">I", size) + frame
    pos += 4 + size
open(sys.argv[2], "wb").write(bytes(out))
PY
chmod 600 "$ENV_DIR/state/writer/$RUN_ID.journal"
before=$(md5sum <"$ENV_DIR/state/writer/$RUN_ID.journal")
backfill v99
check "a version-99 journal is refused by name" \
    grep -q "written with protocol version 99 and this eod reads versions" "$ENV_DIR/logs-v99/writer.log"
check "and left as it is" [ "$(md5sum <"$ENV_DIR/state/writer/$RUN_ID.journal")" = "$before" ]
check "the run does not end complete on it (got $RC)" [ "$RC" != 0 ]
env_down
summary
