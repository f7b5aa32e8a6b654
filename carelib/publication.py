"""Publication mode, applied once: the workforce tables with small numbers suppressed.

:func:`carelib.workforce_data.build` calls these functions before anything is drawn or
written, so the page, ``workforce_indicators.csv``, ``carelib kpis --publication`` and
the headline tiles handed to the overview page all read the same published tables.

* :func:`suppress_table`: the indicator table (every month, council and teams): small
  counts and their complements across teams (:func:`carelib.suppression.suppression_mask`),
  the council's cumulative counts across months (:data:`CUMULATIVE`), the flows and the
  leavers-by-reason and -by-destination cells as one system of linear relations
  (:func:`carelib.disclosure.protect`), then every figure resting on a hidden count
  (:data:`DEPENDS`). Team sickness (health data) is dropped (:data:`TEAM_WITHHELD`).
* :func:`suppress_leavers`, :func:`suppress_bands`, :func:`suppress_cohorts`: the
  breakdown tables of the page (counts, ``c`` where hidden).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carelib import disclosure, suppression

#: Count behind the suppression test: key -> (indicator, column of the tidy table).
#: Headcounts where they exist; FTE otherwise (conservative: FTE <= headcount).
COUNTS = {
    "sw_hc": ("social_worker_headcount", "value"),
    "agency_hc": ("agency_headcount", "value"),
    "aq_hc": ("alternatively_qualified_headcount", "value"),
    "leavers_hc_12m": ("leavers_headcount_12m", "value"),
    "leavers_hc_month": ("leavers_headcount_month", "value"),
    "starters_12m": ("starters_12m", "value"),
    "starters_fytd": ("starters_fytd", "value"),
    "nqsw_cohort": ("nqsw_retained_1y", "denominator"),
    "nqsw_retained": ("nqsw_retained_1y", "numerator"),
    "cases": ("cases", "value"),
    "under_2y_fte": ("in_post_under_2y", "numerator"),
    "cover_fte": ("agency_cover_rate", "numerator"),
}
#: Team sickness figures: never published (health data).
TEAM_WITHHELD = ("absence_rate_12m", "absence_rate_dfe")
#: Counts that run on from month to month, so that the difference of two consecutive
#: council figures is a count of people (the starters or leavers first counted in
#: between). A run lasts while the window keeps its first month of data
#: (``period_start``): a financial year for starters_fytd; for the 12-month leavers
#: count, the months while its window still starts at the first month of data. Once the
#: 12-month window is full it moves on each month, so consecutive figures differ by the
#: month in minus the month out, not by a count of people; starters_12m and the NQSW
#: cohort are windows on start dates (they move from the first month), so they are not
#: runs either. Money and days are not counts of people.
CUMULATIVE = ("starters_fytd", "leavers_hc_12m")
#: Indicator -> the counts it reveals (directly, or with another figure shown beside it:
#: vacancies = funded posts - social-worker FTE). Agency spend reveals the pay of the few
#: agency workers behind it: "spend_people" is the team's agency headcount, at least 1
#: when there was spend this year (the workers paid may have left by the month end).
DEPENDS = {
    "agency_rate": ("agency_hc", "sw_hc"),
    "vacancy_rate": ("sw_hc",),
    "turnover_rate_12m": ("leavers_hc_12m", "sw_hc"),
    "average_caseload": ("cases",),
    "absence_rate_12m": ("sw_hc",),
    "absence_rate_dfe": ("sw_hc",),
    "in_post_under_2y": ("under_2y_fte", "sw_hc"),
    "agency_cover_rate": ("cover_fte", "agency_hc"),
    "starters_12m": ("starters_12m",),
    "nqsw_retained_1y": ("nqsw_retained", "nqsw_cohort"),
    "social_worker_fte": ("sw_hc",),
    "social_worker_headcount": ("sw_hc",),
    "agency_fte": ("agency_hc",),
    "agency_headcount": ("agency_hc",),
    "alternatively_qualified_fte": ("aq_hc",),
    "alternatively_qualified_headcount": ("aq_hc",),
    "funded_fte": (),
    "vacancy_fte": ("sw_hc",),
    "cases": ("cases",),
    "leavers_fte_12m": ("leavers_hc_12m",),
    "leavers_headcount_12m": ("leavers_hc_12m",),
    "leavers_fte_month": ("leavers_hc_month",),
    "leavers_headcount_month": ("leavers_hc_month",),
    "starters_fytd": ("starters_fytd",),
    "agency_spend_month": ("spend_people",),
    "agency_budget_month": (),
    "agency_spend_fytd": ("spend_people",),
    "agency_budget_fytd": (),
    "agency_spend_projected": ("spend_people",),
    "agency_budget_projected": (),
}


def suppress_table(
    table: pd.DataFrame, history, month: str, threshold: int, fy_start: int
) -> tuple[pd.DataFrame, dict[tuple, bool]]:
    """Hide figures that rest on a small count; drop team sickness.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`carelib.workforce.indicators` by team, every month up to ``month``.
    history : carelib.loading.History
        The months behind ``table`` (for the leaver flows).
    month : str
        The reporting month (whose leavers breakdown is audited).
    threshold : int
        Counts from 1 to ``threshold`` are small.
    fy_start : int
        First month of the financial year.

    Returns
    -------
    (pandas.DataFrame, dict)
        The published table (hidden figures NaN with symbol ``c``), and
        ``(breakdown, category, "month" | "12m") -> hidden`` for the month's
        leavers-by-reason and -by-destination cells.

    Notes
    -----
    Each month: small counts and their complements across teams. Across months: the
    council's cumulative counts (:data:`CUMULATIVE`) so that no step between two shown
    figures is a small count; a council figure hidden that way in a month with team
    figures gets a complement among the teams. Then every indicator resting on a hidden
    count (:data:`DEPENDS`) is hidden.
    """
    table = table[~((table["scope"] == "team") & table["indicator"].isin(TEAM_WITHHELD))].copy()
    groups = dict(list(table.groupby("month", sort=True)))
    wides = {m: count_frame(group) for m, group in groups.items()}
    masks = {m: count_mask(wide, threshold) for m, wide in wides.items()}
    for m, keys in cumulative_hides(table, masks, threshold).items():
        wide = wides[m]
        forced = pd.DataFrame(False, index=wide.index, columns=wide.columns)
        forced.loc["", keys] = True
        masks[m] = count_mask(wide, threshold, forced | masks[m])
    breakdown_hidden = protect_flows(table, masks, history, month, threshold, fy_start)
    hidden = pd.Series(False, index=table.index)
    for m, group in groups.items():
        mask = masks[m].to_dict("index")  # team -> count -> hidden (plain dicts: fast)
        hidden.loc[group.index] = [
            team in mask and any(mask[team][k] for k in DEPENDS.get(ind, ()))
            for team, ind in zip(group["team"], group["indicator"], strict=True)
        ]
    hidden = hidden.to_numpy(dtype=bool)
    table.loc[hidden, ["value", "numerator", "denominator"]] = np.nan
    table.loc[hidden, "symbol"] = suppression.SUPPRESSED
    return table.reset_index(drop=True), breakdown_hidden


def protect_flows(
    table: pd.DataFrame,
    masks: dict[str, pd.DataFrame],
    history,
    month: str,
    threshold: int,
    fy_start: int,
) -> dict[tuple, bool]:
    """Suppress more of the leaver and starter counts until none can be worked out.

    Every month's council and team figures, and the leavers-by-reason and
    -by-destination tables, as one system of linear relations
    (:func:`carelib.disclosure.protect`): differences of 12-month and year-to-date
    figures, and team against council, give back no suppressed count. Updates ``masks``
    (flow counts) and returns the hidden cells of ``month``'s breakdown tables.
    """
    cells = disclosure.workforce_cells(history, table, fy_start)
    values = np.asarray(cells.values, dtype=float)
    small = suppression.is_small(values, threshold)
    hidden = small.copy()
    for i, key in enumerate(cells.keys):
        if key[0] in disclosure.FLOW_INDICATORS:
            indicator, team, m = key
            hidden[i] |= bool(masks[m].at[team, disclosure.FLOW_INDICATORS[indicator]])
    hidden = disclosure.protect(cells, hidden, sensitive=small)
    found: dict[tuple, bool] = {}
    for key, hide in zip(cells.keys, hidden, strict=True):
        if key[0] in disclosure.FLOW_INDICATORS:
            indicator, team, m = key
            masks[m].at[team, disclosure.FLOW_INDICATORS[indicator]] = bool(hide)
        elif key[3] == month:
            found[(key[0].removeprefix("leavers_by_"), key[1], key[2])] = hide
    return found


def count_frame(group: pd.DataFrame) -> pd.DataFrame:
    """One month's counts behind the suppression test: a row per team (council ``""``)."""
    # Read in one pass over the rows (a filter and set_index per count cost far more);
    # each column is the team-indexed Series ``group[indicator == ind][col]`` would be.
    wanted: dict[str, list[str]] = {}
    for key, (ind, _) in COUNTS.items():
        wanted.setdefault(ind, []).append(key)
    found: dict[str, tuple[list, list]] = {key: ([], []) for key in COUNTS}
    columns = {col: group[col].to_numpy() for col in {col for _, col in COUNTS.values()}}
    for i, (ind, team) in enumerate(zip(group["indicator"], group["team"], strict=True)):
        for key in wanted.get(ind, ()):
            found[key][0].append(team)
            found[key][1].append(columns[COUNTS[key][1]][i])
    wide = pd.DataFrame(
        {
            key: pd.Series(
                values,
                index=pd.Index(teams, dtype=group["team"].dtype, name="team"),
                dtype=group[COUNTS[key][1]].dtype,
            )
            for key, (teams, values) in found.items()
        }
    )
    spend = group[group["indicator"] == "agency_spend_fytd"].set_index("team")["value"]
    paid = spend.reindex(wide.index).fillna(0.0).to_numpy() > 0
    wide["spend_people"] = np.where(paid, np.maximum(wide["agency_hc"].fillna(0.0), 1), 0.0)
    return wide


def count_mask(
    wide: pd.DataFrame, threshold: int, hidden: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Which counts of :func:`count_frame` are hidden (primary and secondary)."""
    council = "" if "" in wide.index else None
    return suppression.suppression_mask(
        wide, list(wide.columns), threshold, total_row=council, axis="columns", hidden=hidden
    )


def cumulative_hides(
    table: pd.DataFrame, masks: dict[str, pd.DataFrame], threshold: int
) -> dict[str, list[str]]:
    """Month -> council counts to hide so that no step of a cumulative series is small.

    Figures already hidden in their month are not shown, so the step is taken from the
    previous figure still shown; runs are grouped by ``period_start``.
    """
    found: dict[str, list[str]] = {}
    for key in CUMULATIVE:
        indicator, column = COUNTS[key]
        rows = table[(table["scope"] == "council") & (table["indicator"] == indicator)]
        rows = rows.sort_values("month")
        shown = [
            suppression.SUPPRESSED if masks[m].at["", key] else v
            for m, v in zip(rows["month"], rows[column], strict=True)
        ]
        out = suppression.suppress_cumulative(
            shown, threshold, groups=rows["period_start"].to_numpy()
        )
        for m, before, after in zip(rows["month"], shown, out, strict=True):
            if after == suppression.SUPPRESSED and before != suppression.SUPPRESSED:
                found.setdefault(m, []).append(key)
    return found


def suppress_leavers(
    frame: pd.DataFrame,
    categories: list,
    breakdown: str,
    breakdown_hidden: dict[tuple, bool],
    totals_hidden: tuple[bool, bool],
    threshold: int,
) -> pd.DataFrame:
    """Leavers by reason or destination as published: ``c`` where the audit hid a cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        The label column, then the month's and the 12 months' counts; the last row
        (index ``"total"``) is all leavers.
    categories : list
        The category of each row but the total.
    breakdown : str
        ``reason`` or ``destination``.
    breakdown_hidden : dict
        :func:`suppress_table`'s hidden breakdown cells.
    totals_hidden : (bool, bool)
        Whether the council's leavers in the month and in 12 months are hidden (the
        total row is the council figure).
    threshold : int
        Counts from 1 to ``threshold`` are small.
    """
    cols = list(frame.columns[1:3])
    forced = pd.DataFrame(False, index=frame.index, columns=cols)
    for pos, cat in enumerate(categories):
        for j, label in enumerate(("month", "12m")):
            forced.iat[pos, j] = breakdown_hidden.get((breakdown, cat, label), False)
    for col, hide in zip(cols, totals_hidden, strict=True):
        forced.loc["total", col] = hide
    return suppression.suppress_counts(
        frame, cols, threshold, total_row="total", axis="columns", hidden=forced
    )


def suppress_bands(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Caseload bands as published: small worker counts and their shares hidden."""
    total = int(frame["Workers"].sum())
    full = pd.concat(
        [
            frame,
            pd.DataFrame(
                {"Caseload (cases per FTE)": ["All"], "Workers": [total], "Share": [100.0]}
            ),
        ],
        ignore_index=True,
    )
    full.index = [*range(len(frame)), "total"]
    full = suppression.suppress_counts(
        full, ["Workers"], threshold, total_row="total", dependent={"Workers": ["Share"]}
    )
    out = full.iloc[:-1].copy()
    out.attrs.update(frame.attrs)
    return out


def suppress_cohorts(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Newly qualified cohorts as published: small counts and the shares built on them."""
    return suppression.suppress_counts(
        frame,
        ["Started", "Still in post", "Left"],
        threshold,
        total_row="total",
        total_col="Started",
        axis="both",
        dependent={"Still in post": ["Still in post (%)"], "Started": ["Still in post (%)"]},
    )


def _small(n, threshold: int) -> bool:
    return not pd.isna(n) and 0 < float(n) <= threshold


def _suppress_counts(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Compliance counts by rule with every count 1..threshold, and what differences it, c.

    ``assessed = compliant + breaches`` and ``breaches = approved + unapproved``: a hidden
    part hides the other part of its sum, and a hidden count hides the rate.
    """
    out = frame.astype({c: "object" for c in frame.columns if c not in ("rule", "label")})
    for i, rec in frame.iterrows():
        hide = {c for c in ("assessed", "compliant", "breaches") if _small(rec[c], threshold)}
        if "assessed" in hide:
            hide |= {"compliant", "breaches"}
        if hide & {"compliant", "breaches"}:
            hide |= {"compliant", "breaches"}
        if (
            "breaches" in hide
            or _small(rec["approved"], threshold)
            or _small(rec["unapproved"], threshold)
        ):
            hide |= {"approved", "unapproved"}
        if "compliance_rate" in frame.columns and hide & {"compliant", "breaches"}:
            hide.add("compliance_rate")
        for column in hide:
            out.at[i, column] = "c"
    return out


def suppress_agency(data, threshold: int) -> None:
    """Publication mode for the agency tables (:class:`carelib.agency_data.AgencyData`).

    A mean rate resting on 1..threshold assignments (the month's, or a role type's) is
    ``c``: it would be close to one worker's pay. So are spend per agency FTE in such a
    month and the compliance counts (:func:`_suppress_counts`). The breaches are counted,
    never listed: a breach row is one worker.
    """
    costs = data.costs.astype("object")
    for i, rec in data.costs.iterrows():
        if _small(rec["assignments"], threshold):
            for column in ("mean_charge_rate", "mean_pay_rate", "spend_per_fte", "assignments"):
                costs.at[i, column] = "c"
        for column in [c for c in data.costs.columns if c.startswith("n_")]:
            if _small(rec[column], threshold):
                costs.at[i, f"charge_rate_{column[2:]}"] = "c"
                costs.at[i, column] = "c"
    data.costs = costs
    by_role = data.by_role.astype("object")
    for i, rec in data.by_role.iterrows():
        if _small(rec["assignments"], threshold):
            for column in ("assignments", "mean_charge_rate", "mean_pay_rate"):
                by_role.at[i, column] = "c"
    data.by_role = by_role
    data.compliance = _suppress_counts(data.compliance, threshold)
    data.quarter_compliance = _suppress_counts(data.quarter_compliance, threshold)
    data.breaches = data.breaches.iloc[0:0]
