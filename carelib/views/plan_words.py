"""How the improvement plan's views write dates, counts, names and ratings.

Shared by the ``carelib.views.plan_*`` modules. Numbers go through
:mod:`carelib.formatting` (:func:`carelib.formatting.measure` for a measure's value);
dates are spelt out (``30 September 2025``). The inline pieces here (:class:`PlanText`,
:class:`PlanDiffers`) and the :class:`PlanQuote` block render through their own templates
in ``carelib/templates/views/``, so free text from the plan is always escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from carelib import blocks, formatting, plan, suppression

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "blocked": "Blocked",
}
POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}
#: Ratings written inside sentences.
RAG_WORDS = {
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue (complete)",
    plan.NO_DATA: "no data",
}
_SHORT_DATE = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b")
_LONG_MONTHS = {
    dt.date(2000, m, 1).strftime("%b"): dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)
}


# --- Inline pieces and blocks of the plan page ------------------------------------------


@dataclass(frozen=True)
class PlanText(blocks.Inline):
    """Text and inline pieces shown one after the other (e.g. a badge and its reason)."""

    kind: ClassVar[str] = "plan_text"
    parts: tuple = ()

    def __str__(self) -> str:
        return blocks.text_of(list(self.parts))


@dataclass(frozen=True)
class PlanDiffers(blocks.Inline):
    """The flag beside an owner's rating that differs from the rules."""

    kind: ClassVar[str] = "plan_differs"

    def __str__(self) -> str:
        return "\u2691 Differs"


@dataclass
class PlanQuote(blocks.Block):
    """A recommendation's wording, quoted."""

    kind: ClassVar[str] = "plan_quote"
    text: str = ""

    def children(self) -> list:
        """The quoted text."""
        return [self.text]


@dataclass
class PlanView(blocks.View):
    """A section of the plan page whose ``h2`` heading states its finding.

    Attributes
    ----------
    title : str
        The heading: what the reader learns, built from the figures.
    id : str
        The heading's id (the contents list links to it).
    """

    kind: ClassVar[str] = "plan_view"
    title: str = ""
    id: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The page's contents list reads the headings from the output's metadata.
        from carelib import pages

        headings = [{"id": self.id, "text": self.title}]
        return {"text/html": self._repr_html_()}, {pages.HEADINGS_METADATA: {"headings": headings}}


@dataclass
class PlanDetails(blocks.Block):
    """Detail collapsed by default on screen and left out of print.

    Its ``summary`` is visible and carries the finding; the print rule for
    ``details.plan-detail`` hides it, so only put detail here whose findings and red items
    are also shown outside it.
    """

    kind: ClassVar[str] = "plan_details"
    summary: Any = ""
    blocks: list = field(default_factory=list)

    def children(self) -> list:
        """The summary and what it hides."""
        return [self.summary, *self.blocks]


def view(name: str, title: str, finding: str | None, parts: list, id: str) -> PlanView:
    """A plan page section: its finding as the ``h2``, then its finding sentence and parts."""
    return PlanView(name, finding, parts, title=title, id=id)


def text(*parts: object) -> PlanText:
    """Text and inline pieces as one cell or value (``None`` left out)."""
    return PlanText(tuple(p for p in parts if p is not None))


def heading(words: str, level: int, id: str) -> blocks.Heading:
    """A sub-heading of a section, with a fixed id."""
    return blocks.Heading(words, level, id)


@dataclass
class Rows:
    """Rows of a table being built, with its columns in order."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The rows as a frame whose cells keep their types (badges stay badges)."""
        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)


# --- Words ------------------------------------------------------------------------------


def missing(value: Any) -> bool:
    """Whether a value is absent (None, NaN, ``pd.NA``, ``pd.NaT``)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def long_date(value: Any) -> str:
    """Write a date as readers do, e.g. ``30 September 2025`` (``no date`` when missing)."""
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return "no date"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return formatting.date(value)


def long_dates(words: Any) -> str:
    """Spell out the short dates ("30 Jun 2025") in reasons written by :mod:`carelib.plan`.

    Only for text carelib writes; never applied to free text from the data.
    """
    if missing(words):
        return ""
    return _SHORT_DATE.sub(
        lambda m: f"{m.group(1)} {_LONG_MONTHS[m.group(2)]} {m.group(3)}", str(words)
    )


def value(x: Any, unit: Any) -> str:
    """A measure's value in its unit (:func:`carelib.formatting.measure`)."""
    return formatting.measure(x, unit)


def hidden(m: Mapping[str, Any], col: str) -> bool:
    """Whether publication mode hid a measure's figure (see ``plan_data.suppress_measures``)."""
    marks = m.get("suppressed")
    return isinstance(marks, str) and col in marks.split()


def figure(data: Any, m: Mapping[str, Any], col: str) -> str:
    """A measure's figure ``col`` in its unit, or ``c (fewer than 6, suppressed)``."""
    if hidden(m, col):
        n = int(data.config["publication"]["threshold"]) + 1
        return f"{suppression.SUPPRESSED} (fewer than {n}, suppressed)"
    return value(m[col], m["unit"])


def some(n: int, word: str, plural_word: str | None = None) -> str:
    """``no actions``, ``1 action``, ``2 actions``: a count as words read in a heading."""
    return f"no {plural_word or word + 's'}" if n == 0 else formatting.count(n, word, plural_word)


def sentence(words: str) -> str:
    """Start with a capital letter."""
    return words[:1].upper() + words[1:] if words else words


def theme_name(theme: Any) -> str:
    """``out_of_borough`` -> ``Out of borough``."""
    if missing(theme):
        return "No theme recorded"
    return sentence(str(theme).replace("_", " "))


def natural_key(ident: Any) -> tuple:
    """Sort R2 before R10."""
    parts = re.split(r"(\d+)", str(ident))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def count_change(now: int, before: int | None, since: str | None) -> str:
    """Words for a count's change since last month, e.g. ``Up 2 from 5 in August 2025``."""
    if before is None or since is None:
        return "First month of data: nothing to compare with"
    if now == before:
        return f"Same as {since}"
    direction = "Up" if now > before else "Down"
    return f"{direction} {abs(now - before)} from {before} in {since}"


def share(part: int, whole: int) -> str:
    """``40%`` of a whole (``0%`` of nothing)."""
    return "0%" if not whole else fraction(part / whole)


def fraction(x: float) -> str:
    """A fraction as a whole percentage: ``0.69`` -> ``69%``."""
    return formatting.number(x * 100, 0, "percent")


def is_are(n: int) -> str:
    """``is`` for one, ``are`` otherwise."""
    return "is" if n == 1 else "are"


def was_were(n: int) -> str:
    """``was`` for one, ``were`` otherwise."""
    return "was" if n == 1 else "were"


def month_label(month: str | None) -> str | None:
    """``September 2025`` (None stays None)."""
    return None if month is None else formatting.month(month)


def action_label(action_id: Any, words: Any) -> str:
    """``A03: Recruit ...``."""
    return f"{action_id}: {'' if missing(words) else words}"


def owner_view(computed: str, officer: str) -> str:
    """Say whether the owner's rating is better or worse than the computed one."""
    better = plan.RAG_ORDER.get(officer, 0) < plan.RAG_ORDER.get(computed, 0)
    return "more optimistic" if better else "more cautious"


# --- Ratings as cells -------------------------------------------------------------------


def rating_cell(computed: Any, officer: Any = None) -> object:
    """The computed rating as a badge, and the owner's rating where it differs."""
    badge = blocks.Rag(computed)
    if missing(officer) or officer == computed:
        return badge
    note = owner_view(computed, officer)
    return text(
        badge,
        " ",
        # A tuple, not PlanText: a rendered block is stripped, and the leading space counts.
        blocks.Span((" Owner's rating: ", blocks.Rag(officer), f" ({note})"), "rag-differs"),
    )


def officer_cell(computed: Any, officer: Any) -> object:
    """The owner's own rating, flagged in words where it differs from the rules."""
    if missing(officer):
        return "Not given"
    if officer == computed:
        return "Same"
    return text(
        blocks.Rag(officer), " ", PlanDiffers(), f" (owner {owner_view(computed, officer)})"
    )


def driver(data, rec: Mapping[str, Any]) -> str:
    """Name the item that decided a recommendation's or theme's rating, and why."""
    kind, ident = rec["driver_kind"], rec["driver_id"]
    reason = long_dates(rec["driver_reason"])
    if missing(kind):
        return sentence(reason)
    if kind == "action":
        acts = data.actions
        found = acts.loc[acts["action_id"] == ident, "action"]
    else:
        meas = data.measures
        found = meas.loc[meas["measure_id"] == ident, "name"]
    name = found.iloc[0] if len(found) else None
    named = f"{sentence(kind)} {ident}" + ("" if missing(name) else f" ({name})")
    return f"{named}: {reason}"


def recommendations(data, which=None) -> pd.DataFrame:
    """The month's recommendations in natural order (R2 before R10), optionally some only."""
    recs = data.assessment.recommendations
    if which is not None:
        recs = recs[recs["recommendation_id"].isin(list(which))]
    return recs.sort_values(
        "recommendation_id", key=lambda s: s.map(natural_key), kind="stable"
    ).reset_index(drop=True)
