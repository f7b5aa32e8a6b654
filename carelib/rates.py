"""Workforce rate formulas on counts, as defined by the DfE social work workforce census.

Every function takes counts (scalars, numpy arrays or pandas Series; Series are aligned
on their index) and returns the rate in the same shape: a float for scalars, a float64
Series for Series. A zero or missing denominator makes the rate "not applicable": the
result is NaN, never 0 and never an exception, and :func:`symbol` turns that into the
DfE symbol ``z`` for display.

The formulas are checked against every local authority's published figures in
``tests/test_benchmarks.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: DfE symbol for "not applicable" (e.g. a rate whose denominator is zero).
NOT_APPLICABLE = "z"

#: Working days in a year in DfE's sickness absence rate (days lost / (FTE x 253)).
#: Not stated in a formula by DfE; it reproduces 96% of published rates to 1 dp
#: (tests/test_rates.py), the rest differing only by rounding of small counts.
DFE_WORKING_DAYS = 253


def _as_float(x):
    """Return ``x`` as float64 (Series) / float ndarray / float, missing -> NaN."""
    if isinstance(x, pd.Series):
        return pd.to_numeric(x, errors="coerce").astype("float64")
    if isinstance(x, np.ndarray | list | tuple):
        return pd.to_numeric(pd.Series(np.asarray(x)), errors="coerce").to_numpy("float64")
    if x is None or x is pd.NA or x is pd.NaT:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def share(numerator, denominator, scale: float = 100.0):
    """Return ``numerator / denominator x scale``, NaN where the denominator is 0 or missing.

    Parameters
    ----------
    numerator, denominator : number, array or pandas.Series
        Counts. Two Series are aligned on their index (as pandas arithmetic does).
    scale : float, default 100
        100 for a percentage, 1 for a plain ratio.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The rate; NaN marks "not applicable" (DfE symbol ``z``).

    Examples
    --------
    >>> share(3, 12)
    25.0
    >>> share(3, 0)
    nan
    >>> import pandas as pd
    >>> share(pd.Series([1.0, 2.0]), pd.Series([4.0, 0.0])).tolist()
    [25.0, nan]
    """
    num, den = _as_float(numerator), _as_float(denominator)
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        if not isinstance(den, pd.Series):
            den = pd.Series(den, index=num.index, dtype="float64")
        den = den.where(den != 0)
        return num / den * scale
    if isinstance(num, np.ndarray) or isinstance(den, np.ndarray):
        num, den = np.broadcast_arrays(np.asarray(num, "float64"), np.asarray(den, "float64"))
        out = np.full(num.shape, np.nan)
        ok = (den != 0) & ~np.isnan(den)
        out[ok] = num[ok] / den[ok] * scale
        return out
    if math.isnan(den) or den == 0:
        return math.nan
    return num / den * scale


def agency_rate(agency_fte, social_worker_fte):
    """Return the agency rate: agency FTE as a share of all (agency + LA) FTE, in percent.

    DfE definition: FTE of agency (qualified) children and family social workers divided
    by the sum of agency FTE and FTE of social workers employed by the local authority,
    at the reference date, x 100.

    Parameters
    ----------
    agency_fte : number or pandas.Series
        FTE of qualified agency workers in post at the reference date.
    social_worker_fte : number or pandas.Series
        FTE of qualified social workers employed by the LA (permanent and fixed term).

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when there is no FTE at all.

    Examples
    --------
    >>> agency_rate(2.0, 8.0)
    20.0
    >>> agency_rate(0, 0)
    nan
    """
    return share(agency_fte, _as_float(agency_fte) + _as_float(social_worker_fte))


def vacancy_rate(vacancy_fte, social_worker_fte):
    """Return the vacancy rate: vacant FTE as a share of vacant + filled FTE, in percent.

    DfE definition: FTE vacancies (funded posts not filled by an LA-employed social
    worker; posts covered by agency workers are vacancies) divided by the sum of FTE
    vacancies and FTE social workers, at the reference date, x 100.

    Parameters
    ----------
    vacancy_fte : number or pandas.Series
        Vacant FTE (see :func:`vacancy_fte`).
    social_worker_fte : number or pandas.Series
        FTE of qualified social workers employed by the LA.

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when both are zero.

    Examples
    --------
    >>> vacancy_rate(1.5, 13.5)
    10.0
    """
    return share(vacancy_fte, _as_float(vacancy_fte) + _as_float(social_worker_fte))


def vacancy_fte(funded_fte, social_worker_fte):
    """Return vacant FTE in one team: ``max(0, funded_fte - social_worker_fte)``.

    A team over establishment has no vacancy (never a negative one). Sum this over the
    teams of the establishment for a council total.

    Parameters
    ----------
    funded_fte : number or pandas.Series
        Funded qualified social-work FTE of the team.
    social_worker_fte : number or pandas.Series
        FTE of LA-employed qualified social workers in the team (missing counts as 0).

    Returns
    -------
    float or pandas.Series
        Vacant FTE; NaN where ``funded_fte`` is missing.

    Examples
    --------
    >>> vacancy_fte(5.0, 3.5)
    1.5
    >>> vacancy_fte(4.0, 4.6)
    0.0
    """
    funded, filled = _as_float(funded_fte), _as_float(social_worker_fte)
    if isinstance(funded, pd.Series) or isinstance(filled, pd.Series):
        if not isinstance(filled, pd.Series):
            filled = pd.Series(filled, index=funded.index, dtype="float64")
        return (funded - filled.fillna(0.0)).clip(lower=0.0)
    filled = np.nan_to_num(filled, nan=0.0)
    result = np.maximum(np.asarray(funded, "float64") - filled, 0.0)
    return float(result) if np.ndim(result) == 0 else result


def turnover_rate(leavers_fte, social_worker_fte):
    """Return the turnover rate: leavers FTE in the year over FTE in post, in percent.

    DfE definition: FTE of social workers (LA-employed, qualified) who left in the 12
    months to the reference date divided by FTE of social workers in post at the
    reference date, x 100.

    Parameters
    ----------
    leavers_fte : number or pandas.Series
        FTE of social-worker leavers in the 12 months to the reference date.
    social_worker_fte : number or pandas.Series
        FTE of social workers in post at the reference date.

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when nobody is in post.

    Examples
    --------
    >>> turnover_rate(1.5, 10.0)
    15.0
    """
    return share(leavers_fte, social_worker_fte)


def average_caseload(cases, case_holder_fte):
    """Return the average caseload: cases per case-holding FTE.

    DfE definition: cases held at the reference date divided by the FTE of qualified
    (agency included) case-holding workers who hold at least one case.

    Parameters
    ----------
    cases : number or pandas.Series
        Cases held.
    case_holder_fte : number or pandas.Series
        FTE of the workers holding those cases (each with at least one case).

    Returns
    -------
    float or pandas.Series
        Cases per FTE; NaN (``z``) when nobody holds a case.

    Examples
    --------
    >>> average_caseload(45, 2.5)
    18.0
    """
    return share(cases, case_holder_fte, scale=1.0)


def absence_rate(days_lost, available_days):
    """Return the sickness absence rate: working days lost over working days available.

    DfE definition: FTE working days lost to sickness absence by social workers in the
    12 months to the reference date, divided by the working days available (FTE x
    working days), x 100.

    Parameters
    ----------
    days_lost : number or pandas.Series
        FTE working days lost to sickness.
    available_days : number or pandas.Series
        FTE working days available (sum of FTE x working days in each month).

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when no days were available.

    Examples
    --------
    >>> absence_rate(10.0, 400.0)
    2.5
    """
    return share(days_lost, available_days)


def dfe_absence_rate(days_lost, social_worker_fte, working_days: float = DFE_WORKING_DAYS):
    """Return the sickness absence rate as DfE publishes it, in percent.

    DfE definition: working days lost to sickness by social workers in the 12 months to
    the reference date, divided by (FTE of social workers at the reference date x the
    working days of a year, 253), x 100. carelib's monthly-weighted
    :func:`absence_rate` divides instead by the working days each month's FTE could
    work; the two differ when FTE changes during the year.

    Parameters
    ----------
    days_lost : number or pandas.Series
        FTE working days lost to sickness in the 12 months.
    social_worker_fte : number or pandas.Series
        FTE of social workers in post at the reference date.
    working_days : float, default 253
        Working days in a year.

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when nobody is in post.

    Examples
    --------
    >>> round(dfe_absence_rate(253.0, 10.0), 2)
    10.0
    """
    return share(days_lost, _as_float(social_worker_fte) * working_days)


def agency_cover_rate(covering_fte, agency_fte):
    """Return the share of agency FTE that covers a vacancy, in percent.

    DfE definition: FTE of agency workers covering vacancies divided by FTE of agency
    workers, at the reference date, x 100.

    Parameters
    ----------
    covering_fte : number or pandas.Series
        FTE of qualified agency workers covering a funded vacant post.
    agency_fte : number or pandas.Series
        FTE of qualified agency workers.

    Returns
    -------
    float or pandas.Series
        Percent; NaN (``z``) when there are no agency workers.

    Examples
    --------
    >>> agency_cover_rate(1.5, 2.0)
    75.0
    >>> agency_cover_rate(0.0, 0.0)
    nan
    """
    return share(covering_fte, agency_fte)


def symbol(value) -> str | pd.Series:
    """Return the DfE symbol of a computed rate: ``z`` when it is NaN, else ``""``.

    Parameters
    ----------
    value : number or pandas.Series
        A result of one of the rate functions.

    Returns
    -------
    str or pandas.Series of str

    Examples
    --------
    >>> symbol(12.5), symbol(float("nan"))
    ('', 'z')
    """
    if isinstance(value, pd.Series):
        return pd.Series(np.where(value.isna(), NOT_APPLICABLE, ""), index=value.index, dtype="str")
    value = _as_float(value)
    return NOT_APPLICABLE if math.isnan(value) else ""


def record(value, numerator=None, denominator=None) -> dict:
    """Return an indicator record: value (None when not applicable), symbol, counts.

    Parameters
    ----------
    value : number
        The computed rate (NaN when not applicable).
    numerator, denominator : number, optional
        The counts it came from.

    Returns
    -------
    dict
        ``{"value", "symbol", "numerator", "denominator"}``, JSON-ready (NaN -> None).

    Examples
    --------
    >>> record(agency_rate(0, 0), 0, 0)
    {'value': None, 'symbol': 'z', 'numerator': 0.0, 'denominator': 0.0}
    """

    def clean(x):
        x = _as_float(x)
        return None if math.isnan(x) else x

    return {
        "value": clean(value),
        "symbol": symbol(value),
        "numerator": clean(numerator),
        "denominator": clean(denominator),
    }


def is_complete(record) -> bool:
    """Return whether a figure covers its whole window (e.g. 12 of 12 months).

    A 12- or 24-month figure built from fewer months of data is *partial*: it is shown
    as "not available yet: 2 of 12 months", never rated against a target, never counted
    in "N of M targets met" and never given an SPC verdict.

    Parameters
    ----------
    record : mapping
        A row of :func:`carelib.workforce.indicators` or an item of
        :func:`carelib.workforce.council_kpis` (anything with ``months_covered`` and
        ``window_months``; without them it counts as complete).

    Examples
    --------
    >>> is_complete({"months_covered": 2, "window_months": 12})
    False
    >>> is_complete({"months_covered": 12, "window_months": 12})
    True
    """
    covered, window = record.get("months_covered"), record.get("window_months")
    if covered is None or window is None:
        return True
    try:
        return int(covered) >= int(window)
    except (TypeError, ValueError):
        return True


def partial_text(record) -> str:
    """Return ``"not available yet: 2 of 12 months"`` for a partial figure, else ``""``."""
    if is_complete(record):
        return ""
    return (
        f"not available yet: {int(record['months_covered'])} of "
        f"{int(record['window_months'])} months"
    )
