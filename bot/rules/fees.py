"""Settlement accounting (playbook step 9): what the client nets settling now and in litigation.

Money is `Decimal`, fee rates are exact `Fraction`s (one-third is 1/3, not 0.3333), and every amount
is rounded half-up to the cent once, at its end. The net to the client is worked out from the fee as
rounded, so the lines of a statement always add up to the cent a client is shown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from bot.errors import InputError
from bot.rules.said import quoted, said

CENT = Decimal("0.01")


FEE_BASES = ("gross", "net")


@dataclass(frozen=True)
class Side:
    """One column of the statement: settling now, or going to litigation."""

    label: str  # "Settle now" | "Litigate"
    gross: Decimal
    fee_base: str  # gross | net (of costs)
    fee_base_amount: Decimal  # what the fee is a share of
    fee_rate: Fraction
    fee: Decimal
    costs: Decimal
    liens: Decimal  # liens and medical bills paid out of the settlement
    net_to_client: Decimal

    @property
    def fee_percent(self) -> str:
        return percent(self.fee_rate)


@dataclass(frozen=True)
class Statement:
    gross: Decimal
    costs: Decimal
    liens: Decimal
    litigation_costs: Decimal | None  # the estimate that replaced costs in the litigation column, if any
    settle_now: Side
    litigate: Side
    case: str | None = None
    client: str | None = None
    terms_from_case: bool = False  # the case's retainer set at least one fee term

    @property
    def difference(self) -> Decimal:
        """How much more the client nets settling now than in litigation (negative: less)."""
        return self.settle_now.net_to_client - self.litigate.net_to_client


def cents(value: Fraction | Decimal) -> Decimal:
    """Round half-up (away from zero on a half) to the cent."""
    exact = Fraction(value) * 100
    whole = math.floor(abs(exact) + Fraction(1, 2))
    return (Decimal(whole if exact >= 0 else -whole) / 100).quantize(CENT)


def percent(rate: Fraction) -> str:
    """40%, 33⅓%, 35.5%: exact when it can be, else to two places."""
    pct = rate * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    thirds = {Fraction(1, 3): "⅓", Fraction(2, 3): "⅔"}
    whole, part = divmod(pct, 1)
    if part in thirds:
        return f"{whole}{thirds[part]}%"
    text = f"{Decimal(pct.numerator) / Decimal(pct.denominator):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


RATE_CHARS = 20  # a rate is kept as its fraction's text ("1/3"), at most this long


def parse_rate(text: str | Fraction | Decimal, *, what: str = "fee") -> Fraction:
    """A fee rate as a retainer writes it: 1/3, 33⅓%, 33 1/3%, 40%, 0.4, 2/5."""
    if isinstance(text, Fraction | Decimal):
        rate = Fraction(text)
    else:
        raw = " ".join(str(text).strip().replace("⅓", " 1/3").replace("⅔", " 2/3").split())
        is_pct = raw.endswith("%")
        body = raw.rstrip("%").strip()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)?(?: ?(\d+)/(\d+))?", body)
        if not body or not match or (match[2] and match[3] == "0"):
            raise InputError(
                said(quoted(str(text)[:20]), f" is not a {what} rate: write it like 1/3, 33⅓%, 40% or 0.4."),
                example="33 1/3%",
            )
        rate = Fraction(match[1] or 0) + (Fraction(int(match[2]), int(match[3])) if match[2] else 0)
        if is_pct:
            rate /= 100
    if not 0 < rate < 1:
        raise InputError(
            f"A {what} rate is more than 0% and less than 100%; {percent(rate)} is not.", example="40%"
        )
    if len(str(rate)) > RATE_CHARS:
        raise InputError(
            f"That {what} rate has more digits than a retainer gives; write it like 33 1/3% or 0.3333.",
            example="33 1/3%",
        )
    return rate


def statement(
    gross: Decimal,
    costs: Decimal = Decimal(0),
    liens: Decimal = Decimal(0),
    litigation_costs: Decimal | None = None,
    presuit: Fraction = Fraction(1, 3),
    litigation: Fraction = Fraction(2, 5),
    base: str = "gross",
) -> Statement:
    """The statement, pure: settle now at the pre-suit rate, or litigate at the litigation rate with the
    litigation cost estimate (when given) in place of the costs so far."""
    if base not in FEE_BASES:
        raise InputError(
            said("The fee is on the gross or on the net of costs, not ", quoted(base), "."), example="net"
        )
    for name, amount in (
        ("gross", gross),
        ("costs", costs),
        ("liens", liens),
        ("litigation costs", litigation_costs),
    ):
        if amount is not None and amount < 0:
            raise InputError(f"The {name} can't be negative.", example="1,200")
    if gross <= 0:
        raise InputError("The gross settlement is more than 0.", example="30,000")
    if litigation_costs is not None and litigation_costs < costs:
        raise InputError(
            f"The litigation cost estimate ({litigation_costs:,.2f}) covers the costs so far ({costs:,.2f}) and more, "
            "so it can't be less than them.",
            example=f"litigation-costs {costs * 2:,.0f}",
        )

    def side(label: str, rate: Fraction, side_costs: Decimal) -> Side:
        fee_base = gross if base == "gross" else max(gross - side_costs, Decimal(0))
        fee = cents(Fraction(fee_base) * rate)
        return Side(
            label=label,
            gross=cents(gross),
            fee_base=base,
            fee_base_amount=cents(fee_base),
            fee_rate=rate,
            fee=fee,
            costs=cents(side_costs),
            liens=cents(liens),
            net_to_client=cents(gross - fee - side_costs - liens),
        )

    return Statement(
        gross=cents(gross),
        costs=cents(costs),
        liens=cents(liens),
        litigation_costs=None if litigation_costs is None else cents(litigation_costs),
        settle_now=side("Settle now", presuit, costs),
        litigate=side("Litigate", litigation, costs if litigation_costs is None else litigation_costs),
    )
