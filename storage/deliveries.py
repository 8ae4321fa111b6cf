"""What reminders, digests and escalations read and write: the outbox (delivery keys, leases), escalations,
the obligations a digest or reminder picks, the facts a digest flags, and the Slack events already claimed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Case, Delivery, Escalation, HoldUpRow, Obligation, Offer
from storage.queries import _active, case_key


def get_delivery(session: Session, key: str, *, for_update: bool = False) -> Delivery | None:
    stmt = select(Delivery).where(Delivery.key == key)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def open_escalations_of_case(session: Session, case_id: int) -> list[Escalation]:
    stmt = select(Escalation).where(Escalation.case_id == case_id, Escalation.cleared_at.is_(None))
    return list(session.scalars(stmt))


def open_escalation_count(session: Session) -> int:
    """Escalations not yet cleared whose obligation still asks for something: read from the escalations not
    cleared (ix_escalations_open), each one's obligation by primary key."""
    still_active = select(Obligation.id).where(Obligation.id == Escalation.obligation_id, _active()).exists()
    stmt = select(func.count()).select_from(Escalation).where(Escalation.cleared_at.is_(None), still_active)
    return int(session.scalar(stmt) or 0)


def escalation_candidates(
    session: Session, due_by: date, kinds: Sequence[str], limit: int = 1000
) -> list[tuple[Obligation, Case]]:
    """Active obligations of these kinds due on or before `due_by` that were never escalated, oldest first."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .outerjoin(Escalation, Escalation.obligation_id == Obligation.id)
        .where(
            _active(), Obligation.due_on <= due_by, Obligation.kind.in_(list(kinds)), Escalation.id.is_(None)
        )
        .order_by(Obligation.due_on, Obligation.id)
        .limit(limit)
    )
    return [(o, c) for o, c in session.execute(stmt).all()]


def escalation_of(session: Session, obligation_id: int) -> Escalation | None:
    return session.scalars(select(Escalation).where(Escalation.obligation_id == obligation_id)).first()


def existing_delivery_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for chunk in range(0, len(wanted), 500):
        found.update(
            session.scalars(select(Delivery.key).where(Delivery.key.in_(wanted[chunk : chunk + 500])))
        )
    return found


def deliveries_to_send(session: Session, now: datetime, limit: int = 500) -> list[Delivery]:
    """Pending deliveries whose next try is due (ix_deliveries_pending), oldest first."""
    stmt = (
        select(Delivery)
        .where(Delivery.state == "pending", or_(Delivery.next_try_at.is_(None), Delivery.next_try_at <= now))
        .order_by(Delivery.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def lease_delivery(session: Session, delivery_id: int, now: datetime, until: datetime) -> bool:
    """Take a pending delivery for one attempt: count the attempt and hide it from other senders until
    `until`. Atomic, so two senders never both take it; False if someone else did."""
    stmt = (
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == "pending",
            or_(Delivery.next_try_at.is_(None), Delivery.next_try_at <= now),
        )
        .values(attempts=Delivery.attempts + 1, next_try_at=until, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def release_unfinished_leases(session: Session, now: datetime) -> int:
    """Make attempts that never recorded an outcome (their sender died mid-attempt) due again now.
    Only the sender that has just taken the sender lock calls this: nobody else can be mid-attempt."""
    stmt = (
        update(Delivery)
        .where(
            Delivery.state == "pending",
            Delivery.attempts > 0,
            Delivery.last_error.is_(None),
            Delivery.next_try_at > now,
        )
        .values(next_try_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def digest_floor(session: Session, since: date) -> int | None:
    """The lowest obligation id recorded by a digest claimed for `since` or later (what same-day reminders
    look above after a restart); None when there is none."""
    stmt = select(Delivery.payload).where(Delivery.kind == "digest", Delivery.for_day >= since)
    marks = [int(p.get("hwm", 0)) for p in session.scalars(stmt) if isinstance(p, dict) and "hwm" in p]
    return min(marks) if marks else None


def deliveries_by_keys(session: Session, keys: Iterable[str]) -> list[Delivery]:
    wanted = sorted(set(keys))
    found: list[Delivery] = []
    for chunk in range(0, len(wanted), 500):
        found.extend(session.scalars(select(Delivery).where(Delivery.key.in_(wanted[chunk : chunk + 500]))))
    return found


def max_obligation_id(session: Session) -> int:
    """The newest obligation's id (a primary-key lookup); obligations above it are new since."""
    return int(session.scalar(select(func.max(Obligation.id))) or 0)


def active_obligations_after(session: Session, after_id: int, day: date) -> list[tuple[Obligation, Case]]:
    """Active obligations with an id above `after_id` to act on by `day`: a primary-key range scan over
    what was created since, whatever the size of the firm."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(Obligation.id > after_id, _active(), Obligation.remind_on <= day)
        .order_by(Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt).all()]


def oldest_overdue(session: Session, today: date, limit: int = 10) -> list[tuple[Obligation, Case]]:
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(_active(), Obligation.due_on < today)
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
        .limit(limit)
    )
    return [(o, c) for o, c in session.execute(stmt).all()]


# ---------------------------------------------------------------- what a digest flags about its cases


def digest_case_facts(
    session: Session, numbers: Iterable[str], offers_before: date
) -> list[tuple[str, str, str, date | None, int, bool]]:
    """For the cases a digest lists, in one round trip: (number, "case", stage, limitation date, 0, False);
    (number, "holdup", kind, opened on, 0, False) for each open hold-up; and (number, "offer", "", received
    on, n, final) for each offer the client was not told of, received before `offers_before`. Reads only
    these cases (the unique number index), never the whole firm."""
    keys = sorted({case_key(n) for n in numbers})
    if not keys:
        return []
    cases = select(
        Case.number, literal("case"), Case.stage, Case.limitation_on, literal(0), literal(False)
    ).where(Case.number_key.in_(keys))
    holdups = (
        select(
            Case.number, literal("holdup"), HoldUpRow.kind, HoldUpRow.opened_on, literal(0), literal(False)
        )
        .join(Case, Case.id == HoldUpRow.case_id)
        .where(Case.number_key.in_(keys), HoldUpRow.cleared_on.is_(None))
    )
    offers = (
        select(Case.number, literal("offer"), literal(""), Offer.received_on, Offer.n, Offer.final)
        .join(Case, Case.id == Offer.case_id)
        .where(Case.number_key.in_(keys), Offer.informed_on.is_(None), Offer.received_on < offers_before)
    )
    stmt = cases.union_all(holdups, offers)
    return [(c, w, k, d, int(n or 0), bool(f)) for c, w, k, d, n, f in session.execute(stmt).all()]
