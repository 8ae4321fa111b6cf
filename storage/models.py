"""The database tables, as SQLAlchemy 2.0 declarative models. Alembic migrations create them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
ACTIVE = ("open", "snoozed")  # obligation states that still ask for something
_ACTIVE_SQL = text("state IN ('open', 'snoozed')")
# An active obligation's columns a line shows (besides its manager and reminder day), in SQLite's index of them.
_ASKING_SHOWN = (
    "case_id",
    "kind",
    "rule",
    "triggered_on",
    "due_on",
    "state",
    "snoozed_until",
    "reason",
    "talking_points",
    "id",
)
_OPEN_CASE_SQL = text("closed_on IS NULL AND limitation_on IS NOT NULL")
_OPEN_SQL = text("closed_on IS NULL")
_UNTOLD_SQL = text("informed_on IS NULL")
_NOT_CLEARED_SQL = text("cleared_at IS NULL")
_OPEN_CLAIM_SQL = text("closed_on IS NULL AND claim_deadline_on IS NOT NULL")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Staff(Base):
    """A person in Slack: casebot's role for them, what Slack told us about them, away and cover."""

    __tablename__ = "staff"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="manager")  # manager | lead | admin
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    external: Mapped[bool] = mapped_column(Boolean, default=False)  # of another workspace (Slack Connect)
    info_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    away_until: Mapped[date | None] = mapped_column(Date)
    cover_id: Mapped[str | None] = mapped_column(String(32))

    @property
    def full_member(self) -> bool:
        """May use casebot and receive client data: not a guest, a bot, deactivated, or of another workspace."""
        return not (self.is_guest or self.is_bot or self.deleted or self.external)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    number_key: Mapped[str] = mapped_column(
        String(40), unique=True
    )  # upper-cased: numbers match case-insensitively
    client_name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[str] = mapped_column(String(32), index=True)
    stage: Mapped[str] = mapped_column(String(24), index=True)
    stage_entered_on: Mapped[date] = mapped_column(Date)
    advanced_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )  # the last `advance`, to catch a double submit
    treatment_completed_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    limitation_on: Mapped[date | None] = mapped_column(Date)
    loss_on: Mapped[date | None] = mapped_column(Date)
    loss_state: Mapped[str | None] = mapped_column(String(2))
    loss_motor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # A claim against a public entity: the claim must be presented by claim_deadline_on (computed from the
    # loss where casebot holds the state's rule, else entered by hand).
    public_entity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    claim_deadline_on: Mapped[date | None] = mapped_column(Date)
    # The claim's own events: presented (its deadline's alerts stop), rejected in writing or by operation of
    # law (a suit period may run from the notice: bot/rules/public_entity.py).
    claim_presented_on: Mapped[date | None] = mapped_column(Date)
    claim_rejected_on: Mapped[date | None] = mapped_column(Date)
    claim_rejection: Mapped[str | None] = mapped_column(String(16))  # rejected | deemed-rejected
    fee_presuit: Mapped[str | None] = mapped_column(
        String(20)
    )  # a fraction like "1/3"; None: the firm's default
    fee_litigation: Mapped[str | None] = mapped_column(String(20))
    fee_base: Mapped[str | None] = mapped_column(String(8))
    last_client_contact_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    providers: Mapped[list[Provider]] = relationship(order_by="Provider.seq", back_populates="case")
    stages: Mapped[list[StageChange]] = relationship(order_by="StageChange.seq")
    holdups: Mapped[list[HoldUpRow]] = relationship(order_by="HoldUpRow.id")
    demand_events: Mapped[list[DemandEvent]] = relationship(order_by="DemandEvent.id")
    offers: Mapped[list[Offer]] = relationship(order_by="Offer.n")
    contacts: Mapped[list[Contact]] = relationship(order_by="Contact.id")
    attempts: Mapped[list[ContactAttempt]] = relationship(order_by="ContactAttempt.id")
    liens: Mapped[list[Lien]] = relationship(order_by="Lien.n")
    costs: Mapped[list[CaseCost]] = relationship(order_by="CaseCost.n")
    team: Mapped[list[TeamMember]] = relationship(
        order_by="TeamMember.added_at", cascade="all, delete-orphan"
    )
    obligations: Mapped[list[Obligation]] = relationship(order_by="Obligation.id", back_populates="case")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # Limitation alerts and the leads' "inside 90 days": a range scan over open cases only.
        Index(
            "ix_cases_open_limitation",
            "limitation_on",
            sqlite_where=_OPEN_CASE_SQL,
            postgresql_where=_OPEN_CASE_SQL,
        ),
        # The leads' "longest in stage": the earliest day an open case entered each stage is one seek.
        Index(
            "ix_cases_open_stage",
            "stage",
            "stage_entered_on",
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
        # Claim-deadline alerts: the same, over the claim deadlines of open cases.
        Index(
            "ix_cases_open_claim_deadline",
            "claim_deadline_on",
            sqlite_where=_OPEN_CLAIM_SQL,
            postgresql_where=_OPEN_CLAIM_SQL,
        ),
    )


class StageCount(Base):
    """Open cases in each stage, and the sum of the days they entered it (days since 1970-01-01): the leads'
    counts and averages by stage without reading every open case. Kept in step with `cases` in the same
    transaction as every change to a case's stage (storage/stage_counts.py)."""

    __tablename__ = "stage_counts"

    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    open_cases: Mapped[int] = mapped_column(Integer, default=0)
    entered_days: Mapped[int] = mapped_column(BigInteger, default=0)


class HomeVersion(Base):
    """A person's Home version: moved on by the database's own triggers in the same transaction as every
    change to a row their Home tab shows (migration 0014 names them), so that a Home a process kept is used
    only while nothing it shows has changed anywhere (storage/home_rows.py)."""

    __tablename__ = "home_versions"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class HomeOpen(Base):
    """When a person last opened their Home tab (Slack's app_home_opened), noted at most every few minutes:
    a change publishes at once only the Homes of people who opened theirs lately (handlers/home.py)."""

    __tablename__ = "home_opens"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamMember(Base):
    """Someone who works a case with its manager (a legal assistant drafting the demand): they see and
    change it as its manager does."""

    __tablename__ = "case_team"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StageChange(Base):
    """Where the case has been: every stage entered, on which day, by whom and why."""

    __tablename__ = "stage_changes"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    on: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The command that made the move: `advance` (plain: no stage, no day), `advance-to`, `demand`, `offer`,
    # `close`, `create`, `import`. The double-submit guard catches only a repeated plain advance.
    via: Mapped[str | None] = mapped_column(String(16))


class Provider(Base):
    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # its number on the card
    name: Mapped[str] = mapped_column(String(200))
    requested_on: Mapped[date] = mapped_column(Date)
    records_on: Mapped[date | None] = mapped_column(Date)
    bills_on: Mapped[date | None] = mapped_column(Date)
    # The provider's bill (medical specials): what it charged, what health insurance paid, what was written
    # off or reduced; all three None until a bill is recorded. The balance is billed - paid - adjusted.
    billed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    paid: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    adjusted: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    billed_on: Mapped[date | None] = mapped_column(Date)  # the day the bill's figures were last recorded

    case: Mapped[Case] = relationship(back_populates="providers")


class HoldUpRow(Base):
    """What holds the demand up; cleared ones are kept, with the day."""

    __tablename__ = "holdups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    opened_on: Mapped[date] = mapped_column(Date)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(32))


class DemandEvent(Base):
    __tablename__ = "demand_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # sent | ack | resent
    on: Mapped[date] = mapped_column(Date)
    adjuster: Mapped[str | None] = mapped_column(String(200))
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("case_id", "n"),
        # The leads' "offers the client was not told of": a range scan over the untold ones only.
        Index(
            "ix_offers_untold",
            "received_on",
            "case_id",
            sqlite_where=_UNTOLD_SQL,
            postgresql_where=_UNTOLD_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    received_on: Mapped[date] = mapped_column(Date)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    informed_on: Mapped[date | None] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(32))


class Lien(Base):
    """A claim on the settlement (a health plan, Medicare, a provider's lien…): asserted, perhaps reduced,
    accepted as final, paid. Numbered on the case like providers; a reduction replaces the last one."""

    __tablename__ = "liens"
    __table_args__ = (UniqueConstraint("case_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    holder: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # medical | health-plan | medicare | medicaid | erisa | other
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # as asserted
    asserted_on: Mapped[date] = mapped_column(Date)
    reduced_to: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    reduced_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(32))


class CaseCost(Base):
    """A cost the firm advanced on the case (filing fee, records fee, an expert), repaid from the settlement."""

    __tablename__ = "case_costs"
    __table_args__ = (UniqueConstraint("case_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    description: Mapped[str] = mapped_column(String(300))
    on: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(32))


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # client | adjuster | provider
    topic: Mapped[str | None] = mapped_column(String(16))  # `accounting`: step 9's conversation (closes R12)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A contact logged by mistake is voided (`/case fix … contact void`), never deleted: it no longer counts.
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by: Mapped[str | None] = mapped_column(String(32))
    # How a client contact was made when casebot made it: `sms` or `email` (a client update it sent).
    channel: Mapped[str | None] = mapped_column(String(8))

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class ContactAttempt(Base):
    """A try at reaching the client or the adjuster that did not reach them (a voicemail, no answer, a
    message asking the client to call). Kept apart from contacts: it closes nothing and moves no clock."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # client | adjuster
    how: Mapped[str] = mapped_column(String(12))  # attempt | voicemail | no-answer | sms | email
    on: Mapped[date] = mapped_column(Date)
    rule: Mapped[str | None] = mapped_column(String(8))  # the playbook rule a sent message was for (R1…)
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Obligation(Base):
    """A dated contact or task the playbook asks for. `manager_id` is the case's, copied so that
    "what is due for this person by this day" is one index range scan."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        # What asks for one person's attention by a day, a range of this index (PostgreSQL's).
        Index(
            "ix_obligations_active_by_manager",
            "manager_id",
            "remind_on",
            postgresql_where=_ACTIVE_SQL,
        ).ddl_if(dialect="postgresql"),
        # SQLite's, with every column a line shows after them: the day is read from the index alone
        # (migration 0016; PostgreSQL limits an index entry to about 2.7 KB, and talking points can be longer).
        Index(
            "ix_obligations_asking",
            "manager_id",
            "remind_on",
            *_ASKING_SHOWN,
            sqlite_where=_ACTIVE_SQL,
        ).ddl_if(dialect="sqlite"),
        # With manager_id beside due_on, "overdue by manager" is read from the index alone.
        Index(
            "ix_obligations_active_by_due",
            "due_on",
            "manager_id",
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        # One person's overdue list, a page at a time (remind_on, a snooze day, can't bound it).
        Index(
            "ix_obligations_active_by_manager_due",
            "manager_id",
            "due_on",
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))  # stable identity within the case, from the planner
    rule: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(10))
    provider_id: Mapped[int | None] = mapped_column(Integer)
    manager_id: Mapped[str] = mapped_column(String(32))
    triggered_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    remind_on: Mapped[date] = mapped_column(Date)  # due_on, or the snooze day
    reason: Mapped[str] = mapped_column(Text)
    talking_points: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | snoozed | done | cancelled
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_why: Mapped[str | None] = mapped_column(String(60))
    closed_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(back_populates="obligations")


class AuditEntry(Base):
    """Append-only: who did what to which case, when, from what to what, and why."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]


class CaseChange(Base):
    """What one change to a case did, row by row, keyed to its audit entry, so that it can be undone exactly:
    the rows it added and the values it overwrote (their before-images). Undoing marks it undone."""

    __tablename__ = "case_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("audit.id", ondelete="CASCADE"), unique=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(40))
    # {"added": [[table, id], …], "updated": [[table, id, {column: value before}], …]}
    rows: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(32))


class Delivery(Base):
    """One message casebot owes someone (a digest, a reminder, an escalation, an alert), claimed by a
    unique key before it is sent, so that nothing goes out twice and nothing claimed is forgotten."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(32))
    for_day: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    slack_ts: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (Index("ix_deliveries_pending", "state", "next_try_at"),)


class Escalation(Base):
    """An overdue obligation raised to the leads, once; cleared by any logged contact on the case."""

    __tablename__ = "escalations"
    __table_args__ = (
        # The leads' "escalations open" counts the ones not cleared, however many were cleared before.
        Index(
            "ix_escalations_open",
            "obligation_id",
            sqlite_where=_NOT_CLEARED_SQL,
            postgresql_where=_NOT_CLEARED_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    escalated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EventClaim(Base):
    """An Events API delivery already handled (Slack's retries of it are ignored), or a signed request
    already served (a replay of it is refused). Pruned once Slack would no longer send either again."""

    __tablename__ = "event_claims"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RequestClaim(Base):
    """PostgreSQL: a signed request (or event) already served, claimed by whichever replica got it first.
    UNLOGGED there (storage/claims.py says why); SQLite keeps these in the process instead."""

    __tablename__ = "request_claims"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CalendarLink(Base):
    """A person's private calendar subscription link. Only the SHA-256 of its token is kept: a database
    copy gives no one a working link, and casebot can't show a link again (it gives a new one)."""

    __tablename__ = "calendar_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    workspace: Mapped[str | None] = mapped_column(String(32))  # the firm's Slack team id: the events' UIDs
