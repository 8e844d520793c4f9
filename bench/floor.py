"""The physical floor of each hot path: the same rows the API answers with, read with raw SQL
through psycopg and encoded with orjson, with no framework and no permission check; an audited
read (the chain analysis) writes its one audit line and commits it, as the API must.

The API must stay within a small multiple of this (bench/api.py). The SQL names the same
columns the serializers publish, in the same order and with the same limit, so the two do the
same work in the database and differ only in what the framework adds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import orjson

PAGE = 50

CASELOAD = """
SELECT c.public_id AS id, c.code, t.public_id AS team, u.public_id AS primary_therapist,
       u.display_name AS primary_therapist_name, c.stage, c.status,
       to_char(c.opened, 'YYYY-MM') AS opened, to_char(c.closed, 'YYYY-MM') AS closed
FROM cases_case c
JOIN teams_team t ON t.id = c.team_id
JOIN accounts_user u ON u.id = c.primary_therapist_id
WHERE c.primary_therapist_id = %s
ORDER BY c.id DESC LIMIT %s
"""

TIB_HISTORY = """
SELECT e.public_id AS id, t.public_id AS team, c.public_id AS "case", c.code AS case_code,
       a.public_id AS author, a.display_name AS author_name, e.actor, e.category, e.setting,
       e.description, e.occurred_on, e.count, e.status, e.shared_with_team,
       ch.public_id AS chain_analysis,
       ARRAY(SELECT r.code FROM cases_tibentry_assumptions x
             JOIN reference_assumption r ON r.id = x.assumption_id WHERE x.tibentry_id = e.id)
         AS assumptions,
       ARRAY(SELECT r.code FROM cases_tibentry_agreements x
             JOIN reference_agreement r ON r.id = x.agreement_id WHERE x.tibentry_id = e.id)
         AS agreements,
       e.created_at, e.updated_at
FROM cases_tibentry e
JOIN teams_team t ON t.id = e.team_id
LEFT JOIN cases_case c ON c.id = e.case_id
JOIN accounts_user a ON a.id = e.author_id
LEFT JOIN cases_chainanalysis ch ON ch.id = e.chain_analysis_id
WHERE e.case_id = %s
ORDER BY e.id DESC LIMIT %s
"""

CHAIN = """
SELECT ch.id AS pk, ch.team_id AS team_pk, ch.public_id AS id, t.public_id AS team,
       c.public_id AS "case", c.code AS case_code, a.public_id AS author,
       a.display_name AS author_name, ch.subject,
       ch.kind, ch.target_level, ch.problem_behavior, ch.behavior_on, ch.intensity, ch.status,
       ch.version, ch.prompting_event, ch.prompting_event_started, ch.vulnerabilities,
       ch.vulnerability_notes, ch.prevention_plan, ch.repair, ch.commitment,
       ch.knew_what_was_needed, ch.knowing_barrier, ch.was_willing, ch.willingness_barrier,
       ch.thought_occurred, ch.thought_barrier, ch.what_got_in_the_way,
       ch.problem_solving_plan, ch.created_at, ch.updated_at
FROM cases_chainanalysis ch
JOIN teams_team t ON t.id = ch.team_id
LEFT JOIN cases_case c ON c.id = ch.case_id
JOIN accounts_user a ON a.id = ch.author_id
WHERE ch.public_id = %s
"""
CHAIN_LINKS = """
SELECT public_id AS id, position, kind, description, intensity, solution_type, skill_module,
       replacement_behavior
FROM cases_chainlink WHERE chain_id = %s ORDER BY position
"""
# A read of clinical text is audited: the floor writes the same line and commits it (the
# database's trigger stamps and chains it, as for the API's).
AUDIT_VIEW = """
INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, team_id, fields,
                              request_id, ip, emergency_access, read_ids)
VALUES (now(), %s, 'VIEW', %s, %s, %s, %s, %s, '127.0.0.1', '', '[]')
"""
MEETING = "SELECT team_id FROM agendas_meeting WHERE public_id = %s"
CHAIN_CONSEQUENCES = """
SELECT public_id AS id, description, timing, locus
FROM cases_chainconsequence WHERE chain_id = %s ORDER BY id
"""

AGENDA = """
SELECT i.public_id AS id, m.public_id AS meeting, s.public_id AS submitter,
       s.display_name AS submitter_name, c.code AS case_code, e.public_id AS tib_entry,
       ch.public_id AS chain_analysis, i.section, i.item_type, i.target_level, i.urgency,
       i.help_wanted, i.title, i.question, i.minutes_requested, i.status, i.flagged_for_leader,
       f.public_id AS carried_from, i.actual_minutes, i.outcome, i.position_override,
       i.move_reason, i.submitted_at, i.updated_at
FROM agendas_agendaitem i
JOIN agendas_meeting m ON m.id = i.meeting_id
JOIN accounts_user s ON s.id = i.submitter_id
LEFT JOIN cases_case c ON c.id = i.case_id
LEFT JOIN cases_tibentry e ON e.id = i.tib_entry_id
LEFT JOIN cases_chainanalysis ch ON ch.id = i.chain_analysis_id
LEFT JOIN agendas_agendaitem f ON f.id = i.carried_from_id
WHERE m.public_id = %s
ORDER BY i.submitted_at, i.id
"""

AUDIT = """
SELECT e.id, e.at, e.action, a.public_id AS actor, a.display_name AS actor_name,
       e.object_type, e.object_id, t.public_id AS team, e.fields, e.request_id,
       host(e.ip) AS ip
FROM audit_auditevent e
LEFT JOIN accounts_user a ON a.id = e.actor_id
LEFT JOIN teams_team t ON t.id = e.team_id
WHERE e.team_id = %s AND e.at >= %s AND e.at < %s
ORDER BY e.id DESC LIMIT %s
"""


def _rows(cursor: Any, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor.execute(sql, params)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def caseload(cursor: Any, therapist_id: int) -> bytes:
    return orjson.dumps({"results": _rows(cursor, CASELOAD, [therapist_id, PAGE])})


def tib_history(cursor: Any, case_id: int) -> bytes:
    return orjson.dumps({"results": _rows(cursor, TIB_HISTORY, [case_id, PAGE])})


def chain(cursor: Any, chain_public_id: Any, reader_id: int) -> bytes:
    """The analysis, its links and consequences, and the audit line of the read, committed (the
    cursor's connection is in autocommit, so the INSERT is its own transaction, as in the API)."""
    (found,) = _rows(cursor, CHAIN, [chain_public_id])
    pk = found.pop("pk")
    team = found.pop("team_pk")
    found["links"] = _rows(cursor, CHAIN_LINKS, [pk])
    found["consequences"] = _rows(cursor, CHAIN_CONSEQUENCES, [pk])
    _audit_view(cursor, reader_id, "cases.chainanalysis", chain_public_id, team, [])
    return orjson.dumps(found)


def agenda(cursor: Any, meeting_public_id: Any, reader_id: int) -> bytes:
    """The meeting's items, and the audit line of the read (the agenda), committed."""
    cursor.execute(MEETING, [meeting_public_id])
    (team,) = cursor.fetchone()
    items = _rows(cursor, AGENDA, [meeting_public_id])
    _audit_view(cursor, reader_id, "agendas.meeting", meeting_public_id, team, ["agenda"])
    return orjson.dumps({"items": items})


def _audit_view(
    cursor: Any, reader_id: int, kind: str, public_id: Any, team: int, parts: list[str]
) -> None:
    row = [reader_id, kind, str(public_id), team, orjson.dumps(parts).decode(), uuid.uuid4().hex]
    cursor.execute(AUDIT_VIEW, row)


def audit(cursor: Any, team_id: int, since: dt.date, until: dt.date) -> bytes:
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return orjson.dumps({"results": _rows(cursor, AUDIT, [team_id, start, end, PAGE])})
