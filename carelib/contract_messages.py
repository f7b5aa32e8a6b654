"""Contract messages generated from each expectation's type and parameters.

A rule's *description* (the rule in plain English, on the Data quality page) and its
*problem* (what a failing row has, following "N rows have") are written here from the
expectation itself: its type and kwargs (``column``, ``value_set``, ``min_value`` and
``max_value``, ``column_A``/``column_B``) and what :mod:`carelib.schema` knows of the
column (its kind, whether it is required). Changing a bound in ``data_contracts/``
therefore changes the sentence with it: the two cannot drift.

Only a rule whose meaning is more than its parameters (a regular expression, a rule
with a ``row_condition``, a rule worded around the domain) carries its own
``description`` and ``problem`` in its ``meta``; :func:`wording_drift` checks that such a
hand-written sentence still names the rule's column, every numeric bound, every
run-time parameter and the row condition's value, and ``tests/test_contracts.py`` runs
it on every suite.

Month-relative bounds (``{"$PARAMETER": "reference_date"}``) become placeholders such as
``{reference_date}``, filled in for each month by :func:`carelib.contracts.fill`.

Examples
--------
>>> describe("workforce", {"type": "expect_column_values_to_be_between",
...     "kwargs": {"column": "fte", "min_value": 0.01, "max_value": 1}})
('fte is at least 0.01 and at most 1 (0.01 <= fte <= 1)', 'a value outside 0.01 <= fte <= 1')
"""

from __future__ import annotations

import datetime as dt

from carelib import dates, schema

#: What a run-time parameter is called in a sentence.
PARAMETER_NOUNS = {
    "reference_date": "the reference date",
    "month_start": "the month's first day",
    "working_days": "the month's working days",
}

#: A run-time parameter as a bound in a sentence, with its placeholder.
PARAMETER_PHRASES = {
    "reference_date": "the reference date ({reference_date})",
    "month_start": "the month's first day ({month_start})",
    "working_days": "the month's {working_days} working days",
}

#: What a column of each schema kind holds, as a reader would say it.
KIND_WORDS = {
    "text": "text",
    "category": "text (a category)",
    "number": "numbers",
    "integer": "whole numbers",
    "date": "dates",
    "boolean": "yes/no values",
}

# GX type names, for a column the schema does not describe.
_TYPE_WORDS = {
    "str": "text",
    "float64": "numbers",
    "int64": "whole numbers",
    "datetime64": "dates",
    "bool": "yes/no values",
}


def _column(dataset: str, name: str) -> schema.Column | None:
    return next((c for c in schema.DATASETS.get(dataset, ()) if c.name == name), None)


def _a(word: str) -> str:
    """The indefinite article and ``word`` ("an action_id", "a team")."""
    return f"{'an' if word[:1].lower() in 'aeio' else 'a'} {word}"


def _parameter(value) -> str | None:
    return value.get("$PARAMETER") if isinstance(value, dict) else None


def _number(value) -> str:
    """A bound as written in the contract: ``1`` not ``1.0``, ``0.01`` as is."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _date(value) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def _exists(column: str, col: schema.Column | None) -> tuple[str, str]:
    if col is not None and not col.required:
        return f"the file has the {column} column", "the column is missing from the file"
    return (
        f"the file has the {column} column (it is required)",
        "the required column is missing from the file",
    )


def _of_type(column: str, col: schema.Column | None, type_: str) -> tuple[str, str]:
    words = KIND_WORDS[col.kind] if col is not None else _TYPE_WORDS.get(type_, type_)
    return f"{column} holds {words}", f"the column does not hold {words} after reading"


def _in_set(column: str, col: schema.Column | None, values: list) -> tuple[str, str]:
    blank = "blank or " if col is not None and not col.required else ""
    return (
        f"{column} is {blank}one of: {', '.join(map(str, values))}",
        f"{_a(column)} that is not one of the allowed values",
    )


def _between(column: str, col: schema.Column | None, low, high) -> tuple[str, str] | None:
    is_date = col is not None and col.kind == "date"
    blank = "blank or " if col is not None and not col.required else ""
    low_p, high_p = _parameter(low), _parameter(high)
    if low_p == "month_start" and high_p == "reference_date":
        span = "({month_start} to {reference_date})"
        return f"{column} is inside the month {span}", f"{_a(column)} outside the month {span}"
    if low is None and high_p is not None:
        bound = PARAMETER_PHRASES[high_p]
        word = "after" if is_date else "more than"
        return f"{column} is not {word} {bound}", f"{_a(column)} {word} {bound}"
    if high is None and low is not None and low_p is None:
        if is_date and _date(low) is not None:
            day = _date(low)
            # Before 1 January of a year is before the year: "a start_date before 1950".
            when = str(day.year) if (day.month, day.day) == (1, 1) else dates.long_date(day)
            return (
                f"{column} is not before {dates.long_date(day)}",
                f"{_a(column)} before {when}",
            )
        if low == 0:
            counted = col is not None and col.kind == "integer"
            what = f"number of {column}" if counted else column
            return f"{column} is {blank}0 or more", f"a negative {what}"
        return (
            f"{column} is {blank}at least {_number(low)}",
            f"{_a(column)} below {_number(low)}",
        )
    if low_p is None and high_p is not None and not is_date:
        return (
            f"{column} is {_number(low)} or more and not more than {PARAMETER_PHRASES[high_p]}",
            f"a value outside {_number(low)} to {{{high_p}}} ({PARAMETER_NOUNS[high_p]})",
        )
    if low_p is None and high_p is None and low is not None and high is not None and not is_date:
        lo, hi = _number(low), _number(high)
        return (
            f"{column} is at least {lo} and at most {hi} ({lo} <= {column} <= {hi})",
            f"a value outside {lo} <= {column} <= {hi}",
        )
    return None


def _pair(a: str, b: str, or_equal: bool, dated: bool) -> tuple[str, str]:
    if dated:
        if or_equal:
            return f"{a} is not before {b}", f"{_a(a)} before the {b}"
        return f"{a} is after {b}", f"{_a(a)} on or before the {b}"
    if or_equal:
        return f"{a} is at least {b}", f"{_a(a)} less than the {b}"
    return f"{a} is more than {b}", f"{_a(a)} not more than the {b}"


def describe(dataset: str, expectation: dict) -> tuple[str, str] | None:
    """Return the generated ``(description, problem)`` of an expectation.

    Parameters
    ----------
    dataset : str
        The dataset the suite is for (its columns are looked up in the schema).
    expectation : dict
        One expectation of a suite: ``type`` and ``kwargs``.

    Returns
    -------
    tuple of str, or None
        None when the expectation's meaning is more than its parameters (a row
        condition, a regular expression, a type this module does not phrase): the
        contract must then word it in its ``meta``.
    """
    kind, kwargs = expectation.get("type", ""), expectation.get("kwargs", {})
    if "row_condition" in kwargs:
        return None
    column = kwargs.get("column")
    col = _column(dataset, column) if column else None
    if kind == "expect_column_to_exist":
        return _exists(column, col)
    if kind == "expect_column_values_to_be_of_type":
        return _of_type(column, col, kwargs.get("type_", ""))
    if kind == "expect_column_values_to_not_be_null":
        return (
            f"{column} is filled in on every row (it is required)",
            f"an empty {column} cell ({column} is required)",
        )
    if kind == "expect_column_values_to_be_unique":
        return (
            f"each {column} appears only once in the file",
            f"{_a(column)} that appears more than once in the file",
        )
    if kind == "expect_column_values_to_be_in_set":
        return _in_set(column, col, kwargs["value_set"])
    if kind == "expect_column_values_to_be_between":
        return _between(column, col, kwargs.get("min_value"), kwargs.get("max_value"))
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kwargs["column_A"], kwargs["column_B"]
        first = _column(dataset, a)
        return _pair(a, b, bool(kwargs.get("or_equal")), first is not None and first.kind == "date")
    return None


def messages(dataset: str, expectation: dict) -> tuple[str, str]:
    """Return an expectation's ``(description, problem)``: its own wording, or generated.

    Raises
    ------
    ValueError
        When the expectation has no wording of its own and none can be generated.
    """
    meta = expectation.get("meta") or {}
    if meta.get("description") and meta.get("problem"):
        return meta["description"], meta["problem"]
    generated = describe(dataset, expectation)
    if generated is None:
        raise ValueError(
            f"{expectation.get('type')} on {expectation.get('kwargs', {}).get('column')}: "
            "no message can be generated from its parameters, so its meta needs a "
            "description and a problem"
        )
    return generated


def _mentioned(value, text: str) -> bool:
    flat = text.replace("-", "_").replace(" ", "_")
    return str(value) in text or str(value).replace(" ", "_") in flat


def wording_drift(dataset: str, expectation: dict) -> list[str]:
    """Return what a hand-written description no longer says about its expectation.

    A contract's own ``description`` must name the rule's column, every numeric bound,
    every run-time parameter (as ``{name}``) and a row condition's single value, so a
    changed parameter cannot leave an old sentence behind. An empty list means the
    wording agrees (or the messages are generated).
    """
    meta = expectation.get("meta") or {}
    text = meta.get("description")
    if not text:
        return []
    kwargs = expectation.get("kwargs", {})
    wanted = [meta.get("column") or kwargs.get("column")]
    for key in ("min_value", "max_value"):
        value = kwargs.get(key)
        if _parameter(value):
            wanted.append("{" + _parameter(value) + "}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            wanted.append(_number(value))
    condition = kwargs.get("row_condition")
    if isinstance(condition, dict) and isinstance(condition.get("parameter"), str):
        wanted.append(condition["parameter"])
    return [f"does not mention {w!r}" for w in wanted if w and not _mentioned(w, text)]
