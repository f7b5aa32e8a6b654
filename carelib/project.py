"""Council project folders: what ``carelib init`` makes.

A project folder is where a council runs carelib from::

    carelib.toml    the council's settings, filled in from the packaged template
    data/           the monthly extracts, one YYYY-MM folder each (carelib never writes here)
    reports/        the published pages
    notebooks/      only with --with-notebooks: the council's own copies to adapt

A project with its own ``notebooks/`` runs them; without, the notebooks shipped in the
package (:func:`carelib.runner.default_notebooks_dir`).

The council's region and its ten statistical neighbours come from the DfE
statistical-neighbour model shipped with carelib (:func:`carelib.benchmarks.
local_authorities`), looked up by the DfE "old" three-digit LA code. Without an LA code
the project is for the fictional demo council, so ``carelib demo-data`` and ``carelib
report`` work in it at once.
"""

from __future__ import annotations

import json
import shutil
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from carelib import __version__, config, resources

#: The fictional council of the demo data (``carelib demo-data``) and its settings.
DEMO = {
    "name": "Northmoor Borough Council",
    "la_code": "999",
    "region": "North West",
    "neighbours": ["876", "340", "941", "896", "888", "357", "359", "344", "873", "812"],
    "inspection": {
        "publication_date": "2023-08-25",
        "judgement": "requires_improvement",
        "plan_start": "2023-10-01",
    },
    "agency": True,  # the demo's illustrative price caps and fixed rate (docs/agency_rules.md)
}

#: The ``[agency]`` lines of the demo council (a real council's start empty: its region's
#: caps and their source are its own to fill in, none is made up).
_AGENCY_DEMO = (
    "price_caps = [\n"
    '  "2024-10-31: social_worker = 40, senior_social_worker = 43, advanced_practitioner = 46, '
    'team_manager = 51, iro_conference_chair = 47",\n'
    "]\n"
    "caps_source = \"Illustrative caps for the fictional demo council, not a region's agreed "
    "caps (replace them with your region's memorandum of understanding)\"\n"
    "cap_on_costs_percent = 14.0   # employer NI and apprenticeship levy added to the pay rate "
    "before it is compared with a cap",
    "fixed_rate_from = 2024-06-01          # when the demo council's fixed agency rate began "
    "(charts are rebased there)",
)
_AGENCY_NONE = (
    'price_caps = []                      # e.g. ["2024-10-31: social_worker = 40, '
    'team_manager = 51"]\n'
    'caps_source = ""                     # e.g. "North West regional memorandum of '
    'understanding, October 2024"\n'
    "cap_on_costs_percent = 0.0   # employer NI and apprenticeship levy added to the pay rate "
    "before it is compared with a cap",
    "# fixed_rate_from = 2024-06-01      # when a fixed agency rate began (charts are rebased "
    "there)",
)

_INSPECTION_HELP = {
    "publication_date": "date the inspection report was published",
    "judgement": "outstanding | good | requires_improvement | inadequate",
    "plan_start": "start of the improvement plan (trajectories start here)",
}


class ProjectError(ValueError):
    """The project folder cannot be made as asked (exit code 2)."""


@dataclass(frozen=True)
class Project:
    """A project folder that :func:`init` made.

    Attributes
    ----------
    folder : Path
        The project folder.
    config_path : Path
        Its ``carelib.toml``.
    council : str
        The council's name as written in the configuration.
    la_code : str
        The DfE LA code.
    notebooks : Path or None
        The council's own copy of the notebooks (``--with-notebooks``), else None.
    """

    folder: Path
    config_path: Path
    council: str
    la_code: str
    notebooks: Path | None


def _toml(value) -> str:
    # A JSON string or list of strings is a valid TOML basic string or array.
    return json.dumps(value, ensure_ascii=False)


def _inspection_lines(values: dict[str, str] | None) -> str:
    lines = []
    for key, note in _INSPECTION_HELP.items():
        if values:
            value = values[key]
            text = value if key != "judgement" else _toml(value)
            lines.append(f"{key} = {text}".ljust(37) + f"# {note}")
        else:
            example = "2025-01-31" if key != "judgement" else '"requires_improvement"'
            lines.append(f"# {key} = {example}".ljust(37) + f"# {note}")
    return "\n".join(lines)


def council_settings(la_code: str | None = None, council: str | None = None) -> dict:
    """Return the settings ``carelib init`` writes for an LA code (None: the demo council).

    Parameters
    ----------
    la_code : str, optional
        DfE "old" three-digit LA code, looked up in the shipped statistical-neighbour
        model for the name, region and neighbours.
    council : str, optional
        The council's name as shown on the pages (default: the DfE LA name).

    Raises
    ------
    ProjectError
        When the code is not in the DfE model.
    """
    if la_code is None or la_code.strip() == DEMO["la_code"]:
        settings = {**DEMO, "inspection": dict(DEMO["inspection"])}
    else:
        from carelib import benchmarks

        code = la_code.strip()
        known = benchmarks.local_authorities()
        if code not in known:
            by_name = [la for la in known.values() if la.name.lower() == code.lower()]
            hint = (
                f" ({by_name[0].name} is LA code {by_name[0].code})"
                if by_name
                else " (write the three-digit 'old' LA code, for example 340 for Knowsley)"
            )
            raise ProjectError(
                f"--la-code {la_code!r} is not an LA code of the DfE statistical-neighbour "
                f"model shipped with carelib{hint}"
            )
        la = known[code]
        settings = {
            "name": la.name,
            "la_code": la.code,
            "region": la.region,
            "neighbours": list(la.neighbours),
            "inspection": None,
            "agency": False,
        }
    if council:
        settings["name"] = council.strip()
    return settings


def config_text(settings: dict) -> str:
    """Fill in the packaged ``carelib.toml`` template with ``settings``."""
    template = string.Template(resources.config_template())
    return template.substitute(
        name=settings["name"],
        version=__version__,
        name_toml=_toml(settings["name"]),
        la_code_toml=_toml(settings["la_code"]),
        region_toml=_toml(settings["region"]),
        neighbours_toml=_toml(settings["neighbours"]),
        inspection=_inspection_lines(settings["inspection"]),
        agency_caps=(_AGENCY_DEMO if settings.get("agency") else _AGENCY_NONE)[0],
        agency_fixed=(_AGENCY_DEMO if settings.get("agency") else _AGENCY_NONE)[1],
    )


def init(
    folder: str | Path,
    la_code: str | None = None,
    council: str | None = None,
    with_notebooks: bool = False,
) -> Project:
    """Make a council project folder.

    Parameters
    ----------
    folder : path
        The project folder (made if missing; it may already hold other files).
    la_code : str, optional
        DfE "old" LA code; without one, the project is for the demo council.
    council : str, optional
        The council's name (default: the DfE LA name).
    with_notebooks : bool
        Copy the packaged report notebooks into ``notebooks/`` for the council to adapt.

    Raises
    ------
    ProjectError
        When the folder already has a ``carelib.toml`` (it is never overwritten), is a
        file, or the LA code is unknown.
    """
    from carelib import notebook_pages

    folder = Path(folder)
    target = folder / config.DEFAULT_FILE
    if target.exists():
        raise ProjectError(f"{target} already exists; carelib init never overwrites it")
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder} is a file, not a folder")
    settings = council_settings(la_code, council)
    text = config_text(settings)
    config.validate(tomllib.loads(text))  # the template must stay valid

    notebooks = folder / "notebooks"
    if with_notebooks:
        packaged = resources.notebooks_dir()
        names = [path.name for path in notebook_pages.page_notebooks(packaged)]
        clash = [n for n in names if (notebooks / n).exists()]
        if clash:
            raise ProjectError(f"{notebooks} already holds {', '.join(clash)}")
    for sub in ("data", "reports"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    if with_notebooks:
        notebooks.mkdir(exist_ok=True)
        for name in names:
            shutil.copyfile(packaged / name, notebooks / name)
    # Exclusive creation: two inits racing into one folder cannot both write it.
    with open(target, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return Project(
        folder=folder,
        config_path=target,
        council=settings["name"],
        la_code=settings["la_code"],
        notebooks=notebooks if with_notebooks else None,
    )
