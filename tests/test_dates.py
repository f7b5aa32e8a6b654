import datetime as dt
import re

import pytest

from carelib import dates
from tests.conftest import ROOT


def test_reference_dates_and_month_arithmetic():
    assert dates.reference_date("2025-09") == dt.date(2025, 9, 30)
    assert dates.reference_date("2024-02") == dt.date(2024, 2, 29)
    assert dates.add_months("2025-01", -2) == "2024-11"
    assert dates.month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert dates.month_label("2025-09") == "September 2025"
    with pytest.raises(ValueError, match="YYYY-MM"):
        dates.parse_month("2025-9")


def test_bank_holidays_match_gov_uk():
    # gov.uk/bank-holidays, England and Wales
    assert dates.bank_holidays(2023) == (
        dt.date(2023, 1, 2),
        dt.date(2023, 4, 7),
        dt.date(2023, 4, 10),
        dt.date(2023, 5, 1),
        dt.date(2023, 5, 8),
        dt.date(2023, 5, 29),
        dt.date(2023, 8, 28),
        dt.date(2023, 12, 25),
        dt.date(2023, 12, 26),
    )
    assert dt.date(2022, 6, 2) in dates.bank_holidays(2022)
    assert dt.date(2022, 9, 19) in dates.bank_holidays(2022)
    assert dates.bank_holidays(2021)[-2:] == (dt.date(2021, 12, 27), dt.date(2021, 12, 28))
    assert dates.bank_holidays(2020)[3] == dt.date(2020, 5, 8)


def test_working_days():
    assert dates.month_working_days("2025-09") == 22
    assert dates.month_working_days("2025-12") == 21  # Christmas and Boxing Day
    assert dates.month_working_days("2024-05") == 21  # two bank holidays
    assert dates.working_days(dt.date(2025, 9, 6), dt.date(2025, 9, 7)) == 0


def test_add_working_days():
    # Friday 25 Aug 2023 + 70 working days, by hand: 28 Aug is a bank holiday, so
    # 29-31 Aug = 3, September 21 (24), October 22 (46), November 22 (68),
    # Fri 1 Dec = 69, Mon 4 Dec = 70.
    assert dates.add_working_days(dt.date(2023, 8, 25), 70) == dt.date(2023, 12, 4)
    # Over Christmas: Fri 22 Dec 2023 + 3 = Wed 27, Thu 28, Fri 29 Dec.
    assert dates.add_working_days(dt.date(2023, 12, 22), 3) == dt.date(2023, 12, 29)
    assert dates.add_working_days(dt.date(2023, 9, 16), 1) == dt.date(2023, 9, 18)  # Saturday
    assert dates.add_working_days(dt.date(2023, 9, 15), 1) == dt.date(2023, 9, 18)  # Friday


# --- Dates on pages, today, and portability ----------------------------------------------

#: strftime flags that only one platform's C library knows: glibc's ``%-d`` (no padding),
#: ``%_d``, ``%^B``, and Windows' ``%#d``. Windows raises "Invalid format string".
PLATFORM_SPECIFIC = re.compile(r"%[-#_^][aAbBcdHIjmMpSUwWxXyYeGuVz]")
PACKAGE = ROOT / "carelib"
SCANNED = (".py", ".j2", ".html", ".ipynb", ".css", ".tpl", ".json")


def platform_specific_directives(text: str) -> list[str]:
    return PLATFORM_SPECIFIC.findall(text)


def test_long_dates_have_no_leading_zero():
    assert dates.long_date(dt.date(2026, 12, 1)) == "1 December 2026"
    assert dates.long_date(dt.date(2025, 9, 30)) == "30 September 2025"
    assert dates.long_datetime(dt.datetime(2026, 1, 5, 7, 3)) == "5 January 2026 at 07:03"


@pytest.mark.parametrize(
    "text, found",
    [
        ('f"{day:%-d %B %Y}"', ["%-d"]),
        ('day.strftime("%#d/%#m/%Y")', ["%#d", "%#m"]),
        ('"%_H:%M %^B"', ["%_H", "%^B"]),
        ('"%d %B %Y" and "%-10s" % name and "%s"', []),
    ],
)
def test_the_directive_check_finds_what_it_should(text, found):
    assert platform_specific_directives(text) == found


def test_no_platform_specific_strftime_directive_anywhere():
    """Windows' strftime raises on ``%-d``; the package, templates and notebooks use none."""
    files = [p for p in PACKAGE.rglob("*") if p.suffix in SCANNED and p.is_file()]
    files += sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert any(p.suffix == ".j2" for p in files) and any(p.suffix == ".ipynb" for p in files)
    hits = {
        str(p.relative_to(ROOT)): found
        for p in files
        if (found := platform_specific_directives(p.read_text(encoding="utf-8")))
    }
    assert hits == {}


def test_today_is_overridden_by_carelib_today(monkeypatch):
    monkeypatch.delenv("CARELIB_TODAY", raising=False)
    assert dates.today() == dt.date.today()
    monkeypatch.setenv("CARELIB_TODAY", "2025-10-05")
    assert dates.today() == dt.date(2025, 10, 5)
    assert dates.previous_month() == "2025-09"
    assert dates.previous_month(dt.date(2026, 1, 1)) == "2025-12"
    for bad in ("2025-13-01", "05/10/2025", "2025-10", "yesterday"):
        monkeypatch.setenv("CARELIB_TODAY", bad)
        with pytest.raises(ValueError, match="CARELIB_TODAY"):
            dates.today()
