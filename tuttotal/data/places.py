"""The place registry: the Total Place pilots (from ``params/``) and any area of LADs.

A :class:`Place` is one or more local authority districts (LADs) with a
name, a slug (its folder under ``outputs/``), the themes it reported and
its focus wards. Places are read from ``params/<slug>.yaml`` with a safe
YAML loader that also refuses aliases (:func:`tuttotal.data.limits.read_yaml`):
parameters are data, never code, and a small file stays small.

Examples
--------
>>> from tuttotal.data import places
>>> kent = places.get_place("kent")
>>> kent.name, len(kent.lads), kent.focus_wards
('Kent', 12, ('Margate Central', 'Cliftonville West'))
>>> places.get_place("  SOUTH tyneside gateshead sunderland").slug
'south-tyneside-gateshead-sunderland'
>>> places.area_from_lads(["E07000114"]).name
'Thanet'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tuttotal import cache, paths
from tuttotal.data.datasets import lad_names
from tuttotal.data.limits import check_name, read_yaml
from tuttotal.errors import InputError, PlaceNotFoundError
from tuttotal.names import normalise, suggest

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
_LAD_CODE = re.compile(r"^E0[6-9]\d{6}$")


@dataclass(frozen=True)
class Lad:
    """A local authority district: ONS code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Place:
    """An area to count: one or more LADs, with what the pilot reported.

    Attributes
    ----------
    slug : str
        Folder name under ``outputs/``; letters, digits, ``-`` and ``_`` only.
    name : str
        Name for titles, e.g. ``"Kent"``.
    lads : tuple of Lad
        The districts that make the place.
    status : str
        ``pilot``, ``pre-pilot``, ``parallel place``, ``demo`` or ``area``.
    sample : dict
        For the synthetic demo place only: paths (relative to the
        repository) of its wards, spend and drivers.
    published : dict
        Published count figures (``year``, ``total_gbp``, ``by_agency_type``,
        ``by_agency``, ``source``): the pilot's published count, shown beside the real one.
    """

    slug: str
    name: str
    lads: tuple[Lad, ...]
    region: str = ""
    status: str = "area"
    year: str = "2008-09"
    themes: tuple[str, ...] = ()
    focus_wards: tuple[str, ...] = ()
    source: str = ""
    notes: str = ""
    sample: dict = field(default_factory=dict, compare=False, hash=False)
    published: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def lad_codes(self) -> tuple[str, ...]:
        """The LAD codes, in the order of the place file."""
        return tuple(lad.code for lad in self.lads)

    @property
    def is_synthetic(self) -> bool:
        """True for the embedded synthetic demo place."""
        return bool(self.sample)


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it is safe as a folder name under ``outputs/``.

    Raises
    ------
    InputError
        For an empty slug, one with ``/``, ``..`` or other characters.

    Examples
    --------
    >>> validate_slug("kent")
    'kent'
    >>> validate_slug("../etc")
    Traceback (most recent call last):
    ...
    tuttotal.errors.InputError: place slug '../etc' is not allowed...
    """
    if isinstance(slug, str) and len(slug) > 100 and _SLUG.match(slug[:100]) and ".." not in slug:
        raise InputError(
            f"place slug {slug[:40]!r}… is not allowed: it is {len(slug)} characters long, over the limit of 100",
            fix="give the place a shorter slug (it is a folder name under outputs/)",
        )
    if not isinstance(slug, str) or not _SLUG.match(slug) or ".." in slug:
        raise InputError(
            f"place slug {slug!r} is not allowed",
            fix="use letters, digits, '-' and '_' only (e.g. 'kent', 'south-tyneside-gateshead-sunderland')",
        )
    return slug


def _read_place_file(path: Path) -> Place:
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError("a place file must be a YAML mapping", file=path)
    for key in ("slug", "name", "lads"):
        if key not in raw:
            raise InputError(f"the key '{key}' is missing", file=path)
    slug = validate_slug(str(raw["slug"]))
    if slug != path.stem:
        raise InputError(
            f"slug {slug!r} does not match the file name",
            file=path,
            fix=f"rename the file to {slug}.yaml or set slug: {path.stem}",
        )
    lads = tuple(Lad(str(item["code"]), str(item["name"])) for item in raw["lads"])
    return Place(
        slug=slug,
        name=check_name(str(raw["name"]), path),
        lads=lads,
        region=str(raw.get("region", "")),
        status=str(raw.get("status", "area")),
        year=str(raw.get("year", "2008-09")),
        themes=tuple(str(t) for t in raw.get("themes") or ()),
        focus_wards=tuple(str(w) for w in raw.get("focus_wards") or ()),
        source=str(raw.get("source", "")).strip(),
        notes=str(raw.get("notes", "")).strip(),
        sample=dict(raw.get("sample") or {}),
        published=dict(raw.get("published") or {}),
    )


@cache.memoize("places-load-places", maxsize=4)
def _load_places(folder: Path) -> dict[str, Place]:
    return {p.stem: _read_place_file(p) for p in sorted(folder.glob("*.yaml"))}


def list_places(params_folder: Path | None = None) -> list[Place]:
    """Every place with a file in ``params/``, pilots first then others, by slug.

    Examples
    --------
    >>> [p.slug for p in list_places()][:2]
    ['birmingham', 'bradford']
    """
    folder = Path(params_folder) if params_folder else paths.params_dir()
    found = _load_places(folder.resolve()).values()
    order = {"pilot": 0}
    return sorted(found, key=lambda p: (order.get(p.status, 1), p.slug))


def pilot_places() -> list[Place]:
    """The thirteen Total Place pilots: what ``--all`` means for every command.

    Examples
    --------
    >>> len(pilot_places())
    13
    """
    return [p for p in list_places() if p.status == "pilot"]


#: The one meaning of ``--all`` across commands (``run``, ``data fetch``).
ALL_HELP = "every Total Place pilot place (the 13 in params/ with status: pilot)"


def get_place(query: str, params_folder: Path | None = None) -> Place:
    """Look a place up by slug or name, ignoring case, spacing and punctuation.

    Raises
    ------
    PlaceNotFoundError
        When nothing matches, with the closest names suggested.

    Examples
    --------
    >>> get_place("Dorset Poole and Bournemouth").slug
    'dorset-poole-bournemouth'
    >>> get_place("kant")
    Traceback (most recent call last):
    ...
    tuttotal.errors.PlaceNotFoundError: no place called 'kant'. Did you mean 'kent'?...
    """
    key = normalise(query)
    candidates = list_places(params_folder)
    for place in candidates:
        if key in (normalise(place.slug), normalise(place.name)):
            return place
    names = [p.slug for p in candidates]
    raise PlaceNotFoundError(
        f"no place called {query!r}.{suggest(query, names)}",
        fix="run 'tuttotal places' to list the places, or give LAD codes with --lad",
    )


def lad_name(code: str) -> str:
    """The name of any of the 326 English LADs of 2013, from the registry.

    Examples
    --------
    >>> lad_name("E07000114")
    'Thanet'
    """

    names = lad_names()
    code = code.strip().upper()
    if code not in names:
        raise PlaceNotFoundError(
            f"{code!r} is not an English LAD code of 2013.{suggest(code, names)}",
            fix="LAD codes look like E06000047, E07000114, E08000025 or E09000008",
        )
    return names[code]


#: Areas of up to this many LADs have the codes joined as their slug (10 codes: 99 characters).
MAX_JOINED_LADS = 10
_MAX_LISTED_NAMES = 120


def area_slug(codes: list[str] | tuple[str, ...]) -> str:
    """The folder name of an area of LAD ``codes`` (upper-case, without repeats, in the order given).

    Up to :data:`MAX_JOINED_LADS` codes, the codes joined by ``_``; more,
    ``lads-<first code>-and-<N>-more-<hash>``, where the hash is the first 8
    hex digits of the SHA-256 of the codes sorted and joined by ``_``: short,
    a valid slug, and the same for the same set of districts in any order.

    Examples
    --------
    >>> area_slug(["E07000114", "E07000108"])
    'E07000114_E07000108'
    >>> area_slug([f"E070001{i:02d}" for i in range(12)])
    'lads-E07000100-and-11-more-5b2c66a9'
    """
    import hashlib

    if len(codes) <= MAX_JOINED_LADS:
        return "_".join(codes)
    digest = hashlib.sha256("_".join(sorted(codes)).encode()).hexdigest()[:8]
    return f"lads-{codes[0]}-and-{len(codes) - 1}-more-{digest}"


def _area_name(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    if len(listed) <= _MAX_LISTED_NAMES:
        return listed
    return f"{names[0]}, {names[1]} and {len(names) - 2} more districts"


def area_from_lads(
    codes: list[str] | tuple[str, ...],
    *,
    name: str | None = None,
    focus_wards: tuple[str, ...] | list[str] = (),
    year: str = "2008-09",
) -> Place:
    """Build an ad-hoc place from any English LAD codes.

    The slug is the codes joined by ``_`` (``E07000114`` for one LAD), so
    each area has its own folder under ``outputs/``; for more than
    :data:`MAX_JOINED_LADS` codes it is :func:`area_slug`'s short form. The
    name lists the districts, or the first two and how many more when the
    list would be long.

    Examples
    --------
    >>> area = area_from_lads(["E07000114", "E07000108"])
    >>> area.slug, area.name
    ('E07000114_E07000108', 'Thanet and Dover')
    """
    if not codes:
        raise InputError("no LAD code given", fix="give one or more codes, e.g. --lad E07000114")
    clean = []
    for code in codes:
        code = str(code).strip().upper()
        if not _LAD_CODE.match(code):
            raise InputError(
                f"{code!r} is not a LAD code",
                fix="LAD codes are E06, E07, E08 or E09 followed by six digits, e.g. E07000114",
            )
        if code not in clean:
            clean.append(code)
    lads = tuple(Lad(code, lad_name(code)) for code in clean)
    if name is None:
        name = _area_name([lad.name for lad in lads])
    return Place(
        slug=validate_slug(area_slug(clean)),
        name=check_name(name),
        lads=lads,
        status="area",
        year=year,
        focus_wards=tuple(focus_wards),
    )


def resolve(place: str = "", lads: list[str] | tuple[str, ...] = ()) -> Place:
    """The place a run is for: ``place`` by slug or name, else an area of ``lads``.

    This is how notebooks read their ``place`` and ``lads`` parameters.
    """
    if place:
        return get_place(place)
    if lads:
        return area_from_lads(list(lads))
    raise InputError("neither a place nor LAD codes were given", fix="set place='kent' or lads=['E07000114']")
