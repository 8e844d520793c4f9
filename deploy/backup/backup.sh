#!/bin/sh
# The compose stack's `backup` service (docker-compose.yml): a pg_dump of the ConsultTeam
# database in PostgreSQL's custom format, every BACKUP_INTERVAL_HOURS, into BACKUP_DIR, keeping
# BACKUP_KEEP_DAYS days of them. restore.sh beside this file puts one back (docs/operations.md).
#
#   backup.sh          back up when the newest backup is older than the interval, then every
#                      interval, until stopped
#   backup.sh --once   one backup and the retention sweep, then exit (0 when it was written)
#   backup.sh --check  exit 0 when the newest backup is younger than twice the interval
#                      (the service's health check)
#
# It connects with the libpq variables PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD, or
# PGPASSWORD_FILE naming a file that holds the password. Connect as the owner role: it owns
# every table, so the dump is complete whatever the service's role was granted.
#
# pg_dump reads the whole database in one transaction (one snapshot), so a backup is the
# database at one instant: an audit event and the change it records are both in it or both not.
set -eu

BACKUP_DIR="${BACKUP_DIR:-/backups}"
BACKUP_INTERVAL_HOURS="${BACKUP_INTERVAL_HOURS:-24}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
PGDATABASE="${PGDATABASE:-consultteam}"
PGUSER="${PGUSER:-consultteam}"
export PGDATABASE PGUSER
# A failed backup is tried again after this long (or the interval, if shorter), not a day later.
RETRY_SECONDS=600

say() { echo "backup: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; }
fail() { echo "backup: $*" >&2; exit 2; }

whole_number() {  # name value: a whole number of at least 1, or stop with a message
  case "$2" in
    '' | *[!0-9]*) fail "$1 must be a whole number of at least 1, not '$2'" ;;
  esac
  [ "$2" -ge 1 ] || fail "$1 must be a whole number of at least 1, not '$2'"
}
whole_number BACKUP_INTERVAL_HOURS "$BACKUP_INTERVAL_HOURS"
whole_number BACKUP_KEEP_DAYS "$BACKUP_KEEP_DAYS"
INTERVAL_SECONDS=$((BACKUP_INTERVAL_HOURS * 3600))

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  [ -z "${PGPASSWORD:-}" ] || fail "set PGPASSWORD or PGPASSWORD_FILE, not both"
  [ -r "$PGPASSWORD_FILE" ] || fail "PGPASSWORD_FILE=$PGPASSWORD_FILE cannot be read"
  PGPASSWORD="$(cat "$PGPASSWORD_FILE")"
  export PGPASSWORD
fi

[ -d "$BACKUP_DIR" ] || fail "BACKUP_DIR=$BACKUP_DIR is not a directory"
# A dump holds every clinical record: readable by this user only.
umask 077

# Seconds since the newest finished backup was written; empty when there is none.
newest_age() {
  newest="$(find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump" -printf '%T@\n' \
    | sort -n | tail -n 1)"
  [ -n "$newest" ] || return 0
  echo $(($(date +%s) - ${newest%.*}))
}

if [ "${1:-}" = "--check" ]; then
  age="$(newest_age)"
  if [ -z "$age" ] || [ "$age" -gt $((2 * INTERVAL_SECONDS)) ]; then
    echo "backup: no backup in the last $((2 * BACKUP_INTERVAL_HOURS)) hours in $BACKUP_DIR" >&2
    exit 1
  fi
  echo "backup: the newest backup is $age seconds old"
  exit 0
fi

# Stopping (docker compose stop sends SIGTERM) leaves no half-written file behind.
child=""
partial=""
stop() {
  if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi
  if [ -n "$partial" ]; then rm -f -- "$partial"; fi
  exit 143
}
trap stop TERM INT

# Run a command in the background and wait for it, so a signal is handled at once.
run() {
  "$@" &
  child=$!
  status=0
  wait "$child" || status=$?
  child=""
  return "$status"
}

# One backup: dump to a hidden partial file, check it reads back as a whole archive, flush it to
# disk, then rename it; a crash at any point leaves the earlier backups as they were. Old ones
# are swept only after a new one is safely written, so a failing database never eats the history.
backup_once() {
  started="$(date +%s)"
  name="$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
  partial="$BACKUP_DIR/.$name.partial"
  if ! run pg_dump --format=custom --file="$partial"; then
    discard "pg_dump of $PGDATABASE as $PGUSER did not finish (its message is above)"
    return 1
  fi
  # Read back to its end: a truncated archive still lists its contents, but fails here.
  if ! run pg_restore --file=/dev/null "$partial"; then
    discard "the dump of $PGDATABASE does not read back as a whole archive"
    return 1
  fi
  if ! { sync -- "$partial" && mv -- "$partial" "$BACKUP_DIR/$name" && sync -- "$BACKUP_DIR"; }
  then
    discard "could not write $name into $BACKUP_DIR"
    return 1
  fi
  partial=""
  size="$(stat -c %s "$BACKUP_DIR/$name")"
  # Finished backups past the retention, and partial files a killed run left behind.
  removed="$(find "$BACKUP_DIR" -maxdepth 1 -type f \
    \( -name "$PGDATABASE-*.dump" -o -name ".$PGDATABASE-*.dump.partial" \) \
    -mmin +$((BACKUP_KEEP_DAYS * 1440)) -print -delete | wc -l)"
  say "wrote $name ($size bytes, $(($(date +%s) - started)) s);" \
    "removed $removed older than $BACKUP_KEEP_DAYS days"
}

discard() {  # reason: drop the partial file, log one line saying the backup failed
  rm -f -- "$partial"
  partial=""
  say "FAILED: $1"
}

if [ "${1:-}" = "--once" ]; then
  backup_once
  exit
fi
[ -z "${1:-}" ] || fail "unknown argument '$1' (use --once, --check or nothing)"

say "every $BACKUP_INTERVAL_HOURS h into $BACKUP_DIR, keeping $BACKUP_KEEP_DAYS days"
while :; do
  # A restarted container does not back up again before the interval is over.
  age="$(newest_age)"
  if [ -n "$age" ] && [ "$age" -lt "$INTERVAL_SECONDS" ]; then
    run sleep $((INTERVAL_SECONDS - age)) || true
  fi
  if ! backup_once; then
    run sleep $((RETRY_SECONDS < INTERVAL_SECONDS ? RETRY_SECONDS : INTERVAL_SECONDS)) || true
  fi
done
