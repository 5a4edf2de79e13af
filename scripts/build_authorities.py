"""Build ``data/authorities.csv``: the 2013 LADs that each authority of DCLG's Revenue Outturn Summary serves.

Usage::

    python scripts/build_authorities.py DATA_DIR [OUTPUT]

``DATA_DIR`` is the shared data folder (``outturn/`` and ``lookups/`` are
read); ``OUTPUT`` defaults to ``data/authorities.csv`` of this repository.
The file is rewritten byte for byte the same on every run (rows sorted by
E-code, ``\\n`` line ends, UTF-8).

One row per DCLG E-code found in the net current expenditure sheet of any
of the ten RS years (2007-08 to 2016-17), with its latest name and class
(latest of 2010-11 to 2014-15 first, :data:`NAME_ORDER`, so that the rows
written before the other years were added did not change):
``e_code, authority, class, lads, rule, source``. ``lads`` is the sorted,
space-separated list of 2013 LAD codes (the 326 English LADs of
``tuttotal/data/registry/wards_2013.csv``) whose area the authority serves; it is
empty, with the reason in ``rule``, for an authority that cannot be placed
with confidence (the count reports those as not placed).

Sources
-------
* ``outturn/Revenue_Outturn_Summary__RS__data_<year>_by_LA_….xls`` and
  ``outturn/RS_<year>_data_by_LA….xlsx`` (DCLG,
  OGL v3.0): the sheet whose first rows say "Net current expenditure", header
  row with first cell ``E-code`` (matched by header text), data rows while the
  first cell is an E-code (``E`` + four digits); 2014-15 has an ``ONS Code``
  column for every council.
* ``outturn/roall.csv``: DCLG E-code → ONS code of the upper-tier councils;
  a cross-check of the 2014-15 column (the script stops on any disagreement
  but the one listed in :data:`ROALL_ERRATA`).
* ``lookups/lad13_to_nuts.csv`` (ONS): ``LAD13CDO``, the old-style LAD code
  whose first two digits are the shire county (``29UN`` Thanet, Kent ``29``):
  an independent check of the county rule.
* ``tuttotal/data/registry/wards_2013.csv``: the 2013 LAD codes and names.
* For police, fire and the other joint bodies, which have no ONS code: the
  areas they served in 2010-2015, written out below as lists of LAD names and
  counties (Home Office police force areas; the combined fire and rescue
  authority orders; the waste disposal authorities' constituent councils;
  the metropolitan counties of the integrated transport authorities; the
  combined authority orders). Every name is resolved against the registry's
  LAD names; an unresolved name stops the script, listing them all.

Rules
-----
1. **Own area** (classes ``UA``, ``MD``, ``L``, ``SD``): the LAD of the
   council's ONS code (2014-15 column, else roall.csv), converted to its 2013
   code (six LADs changed code in 2013). The council's RS name in every year
   must match the registry's name of that LAD (after :func:`normal` and :data:`ALIASES`).
2. **County** (class ``SC``): the shire districts (``SD``) whose E-code shares
   the county's first three characters (Kent ``E2221``, Thanet ``E2242``:
   ``E22``); unitaries sharing the prefix (Medway ``E2201``) are not the
   county's. Checked: every district falls in exactly one county, and each
   county's districts are exactly the LADs of one old-style ONS county prefix.
3. **Police** (police authorities to November 2012, then police and crime
   commissioners and chief constables, under another E-code): the police
   force area, by the name of the force (:data:`POLICE_AREAS`); an authority
   and its PCC get the same area. The Metropolitan Police has no row of its
   own: it is inside the Greater London Authority (rule 6). The City of
   London Police is inside the City of London's own row.
4. **Fire** (combined fire authorities and the metropolitan fire and civil
   defence / fire and rescue authorities): the fire authority's area
   (:data:`FIRE_AREAS`). Where the county council is the fire authority
   (Cornwall, Cumbria, Gloucestershire, Hertfordshire, Isle of Wight, Isles of
   Scilly, Lincolnshire, Norfolk, Northamptonshire, Northumberland,
   Oxfordshire, Suffolk, Surrey, Warwickshire, West Sussex) fire spending is
   in the council's own row. London's fire authority (LFEPA) is inside the
   GLA's row.
5. **Waste, transport, combined authorities**: joint waste disposal
   authorities, their constituent councils (:data:`WASTE_AREAS`); passenger /
   integrated transport authorities, their metropolitan county's districts;
   combined authorities, the councils named in their title (the RS gives
   them: "The Barnsley, Doncaster, Rotherham and Sheffield Combined
   Authority"), or their metropolitan county (Greater Manchester, West
   Yorkshire).
6. **Greater London Authority** (the GLA group: the Met through the MPA /
   MOPAC, LFEPA, TfL and the GLA itself): the 32 London boroughs, not the
   City of London. Police is 56-61% of the group's net current expenditure
   and the Met does not police the City, whose own police is in the City's
   row: including the City would count police twice there and break "one
   police body per LAD". The cost: the GLA's fire, transport and other
   spending in the City (about 0.1% of London's people) is spread over the
   32 boroughs instead. See :data:`GLA_AREA`.
7. **Not placed** (empty ``lads``): national park authorities and the Broads
   Authority (their areas cut across LADs and the data hold no lookup from
   their ``E26`` codes to LADs) and the Lee Valley Regional Park Authority
   (a levying body of all London, Essex and Hertfordshire whose park lies in
   a few LADs: no defensible LAD list).

8. **The April 2009 reorganisation** (2007-08 and 2008-09 only): the county
   and district councils of Bedfordshire, Cheshire, Cornwall, County
   Durham, Northumberland, Shropshire and Wiltshire, abolished on 1 April
   2009, are placed in the 2013 unitaries that replaced them
   (:data:`REORGANISED_2009`, sourced to each structural change order): a
   district wholly inside one unitary is exact (Carrick → Cornwall,
   Derwentside → County Durham, Macclesfield → Cheshire East, Vale Royal →
   Cheshire West and Chester, Mid and South Bedfordshire → Central
   Bedfordshire); a county whose area became two unitaries (Bedfordshire →
   Bedford and Central Bedfordshire; Cheshire → Cheshire East and Cheshire
   West and Chester) is placed between them by driver, as any county is
   across its districts. Huntingdonshire's 2007-08 E-code (E0534, E0551
   from 2008-09) gets E0551's area (:data:`RENUMBERED`). Later bodies
   (2016-17: the Dorset and Wiltshire fire authority, the Tees Valley, West
   of England and Cambridgeshire and Peterborough combined authorities) are
   placed by rules 4 and 5.

Any class ``O`` authority that no rule recognises stops the script.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

import xlrd

from tuttotal.data.outturn import PINNED_YEARS

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "tuttotal" / "data" / "registry" / "wards_2013.csv"
DEFAULT_OUTPUT = REPO / "data" / "authorities.csv"
YEARS = PINNED_YEARS  # every RS year the package pins
#: The years whose name, class and ONS code an authority's row takes, latest first (the table's first five years
#: before the others, so that adding years left the names of the 487 rows of 2010-11 to 2014-15 as they were).
NAME_ORDER = (
    "2014-15",
    "2013-14",
    "2012-13",
    "2011-12",
    "2010-11",
    "2016-17",
    "2015-16",
    "2009-10",
    "2008-09",
    "2007-08",
)
COLUMNS = ["e_code", "authority", "class", "lads", "rule", "source"]
COUNCIL_CLASSES = {"UA", "MD", "L", "LB", "SD"}
E_CODE = re.compile(r"^E\d{4}$")
CITY_OF_LONDON = "E09000001"

#: LADs whose code changed in 2013: older code → 2013 code.
CODE_2013 = {
    "E06000048": "E06000057",  # Northumberland
    "E07000100": "E07000240",  # St Albans
    "E07000104": "E07000241",  # Welwyn Hatfield
    "E07000097": "E07000242",  # East Hertfordshire
    "E07000101": "E07000243",  # Stevenage
    "E08000020": "E08000037",  # Gateshead
}

#: Normalised RS / title names → normalised registry names, where normalising is not enough.
ALIASES = {
    "medway towns": "medway",
    "middlesborough": "middlesbrough",  # the RS's spelling in 2010-11 and 2011-12
    "maidon": "maldon",  # "MaIdon DC" (2012-13, 2013-14): a capital I for an l
    "newcastle": "newcastle upon tyne",
    "durham": "county durham",
    "south buckinghamshire": "south bucks",
}

#: Known errors of roall.csv, (E-code, ONS code it gives) → why it is ignored; any other disagreement stops the script.
NORTH_YORKSHIRE_2016 = ("E2721", "E10000022")
ROALL_ERRATA = {
    NORTH_YORKSHIRE_2016: "North Yorkshire's 2016 row of roall.csv; its 2017 row and the RS 2014-15 say E10000023",
}

#: The metropolitan counties' districts, and the DCLG E-code prefix that must give the same list.
METROPOLITAN_COUNTIES = {
    "Greater Manchester": (
        "E42",
        ["Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford", "Wigan"],
    ),
    "Merseyside": ("E43", ["Knowsley", "Liverpool", "St Helens", "Sefton", "Wirral"]),
    "South Yorkshire": ("E44", ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]),
    "Tyne and Wear": ("E45", ["Gateshead", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland"]),
    "West Midlands": ("E46", ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]),
    "West Yorkshire": ("E47", ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]),
}

# Areas are lists of tokens: "county:<name>" (a shire county's districts, rule 2), "met:<name>" (a
# metropolitan county's districts), "london:boroughs" (the 32 London boroughs, not the City), "-<LAD>"
# (leave that LAD out), or a LAD name of the registry.
BERKSHIRE = ["Bracknell Forest", "Reading", "Slough", "West Berkshire", "Windsor and Maidenhead", "Wokingham"]
AVON = ["Bath and North East Somerset", "Bristol", "North Somerset", "South Gloucestershire"]
CHESHIRE = ["Cheshire East", "Cheshire West and Chester", "Halton", "Warrington"]
CLEVELAND = ["Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"]
HUMBERSIDE = ["East Riding of Yorkshire", "Kingston upon Hull", "North East Lincolnshire", "North Lincolnshire"]
BEDFORDSHIRE = ["Bedford", "Central Bedfordshire", "Luton"]

#: Home Office police force areas, 2010-2015 (the 37 English forces outside London), by the force's name.
POLICE_AREAS = {
    "avon and somerset": [*AVON, "county:Somerset"],
    "bedfordshire": BEDFORDSHIRE,
    "cambridgeshire": ["county:Cambridgeshire", "Peterborough"],
    "cheshire": CHESHIRE,
    "cleveland": CLEVELAND,
    "cumbria": ["county:Cumbria"],
    "derbyshire": ["county:Derbyshire", "Derby"],
    "devon and cornwall": ["county:Devon", "Plymouth", "Torbay", "Cornwall", "Isles of Scilly"],
    "dorset": ["county:Dorset", "Bournemouth", "Poole"],
    "durham": ["County Durham", "Darlington"],
    "essex": ["county:Essex", "Southend-on-Sea", "Thurrock"],
    "gloucestershire": ["county:Gloucestershire"],
    "greater manchester": ["met:Greater Manchester"],
    "hampshire": ["county:Hampshire", "Portsmouth", "Southampton", "Isle of Wight"],
    "hertfordshire": ["county:Hertfordshire"],
    "humberside": HUMBERSIDE,
    "kent": ["county:Kent", "Medway"],
    "lancashire": ["county:Lancashire", "Blackburn with Darwen", "Blackpool"],
    "leicestershire": ["county:Leicestershire", "Leicester", "Rutland"],
    "lincolnshire": ["county:Lincolnshire"],
    "merseyside": ["met:Merseyside"],
    "norfolk": ["county:Norfolk"],
    "north yorkshire": ["county:North Yorkshire", "York"],
    "northamptonshire": ["county:Northamptonshire"],
    "northumbria": ["met:Tyne and Wear", "Northumberland"],
    "nottinghamshire": ["county:Nottinghamshire", "Nottingham"],
    "south yorkshire": ["met:South Yorkshire"],
    "staffordshire": ["county:Staffordshire", "Stoke-on-Trent"],
    "suffolk": ["county:Suffolk"],
    "surrey": ["county:Surrey"],
    "sussex": ["county:East Sussex", "county:West Sussex", "Brighton and Hove"],
    "thames valley": [*BERKSHIRE, "county:Buckinghamshire", "Milton Keynes", "county:Oxfordshire"],
    "warwickshire": ["county:Warwickshire"],
    "west mercia": ["Herefordshire", "Shropshire", "Telford and Wrekin", "county:Worcestershire"],
    "west midlands": ["met:West Midlands"],
    "west yorkshire": ["met:West Yorkshire"],
    "wiltshire": ["Wiltshire", "Swindon"],
}

#: Fire and rescue authority areas, 2010-2015 (combined and metropolitan fire authorities), by the name in the RS.
FIRE_AREAS = {
    "avon": AVON,
    "bedfordshire": BEDFORDSHIRE,
    "berkshire": BERKSHIRE,  # Royal Berkshire
    "buckinghamshire": ["county:Buckinghamshire", "Milton Keynes"],
    "cambridgeshire": ["county:Cambridgeshire", "Peterborough"],
    "cheshire": CHESHIRE,
    "cleveland": CLEVELAND,
    "derbyshire": ["county:Derbyshire", "Derby"],
    "devon and somerset": ["county:Devon", "Plymouth", "Torbay", "county:Somerset"],
    "dorset": ["county:Dorset", "Bournemouth", "Poole"],
    "durham": ["County Durham", "Darlington"],
    "east sussex": ["county:East Sussex", "Brighton and Hove"],
    "essex": ["county:Essex", "Southend-on-Sea", "Thurrock"],
    "hampshire": ["county:Hampshire", "Portsmouth", "Southampton"],
    "hereford and worcester": ["Herefordshire", "county:Worcestershire"],
    "humberside": HUMBERSIDE,
    "kent": ["county:Kent", "Medway"],
    "lancashire": ["county:Lancashire", "Blackburn with Darwen", "Blackpool"],
    "leicestershire": ["county:Leicestershire", "Leicester", "Rutland"],
    "north yorkshire": ["county:North Yorkshire", "York"],
    "nottinghamshire": ["county:Nottinghamshire", "Nottingham"],
    "shropshire": ["Shropshire", "Telford and Wrekin"],
    "staffordshire": ["county:Staffordshire", "Stoke-on-Trent"],
    "wiltshire": ["Wiltshire", "Swindon"],
    "dorset and wiltshire": ["county:Dorset", "Bournemouth", "Poole", "Wiltshire", "Swindon"],  # from April 2016
    **{name.lower(): [f"met:{name}"] for name in METROPOLITAN_COUNTIES},
}

#: Combined authorities whose title does not name their councils (2016-17), by the name in the RS.
COMBINED_AREAS = {
    "tees valley": ["Darlington", "Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"],
    "west of england": ["Bath and North East Somerset", "Bristol", "South Gloucestershire"],
    "cambridgeshire and peterborough": ["county:Cambridgeshire", "Peterborough"],
}

#: The April 2009 reorganisation: the councils it abolished (in the RS of 2007-08 and 2008-09), by E-code: their
#: name in the RS, the 2013 LADs (by registry name) of their area, and the structural change order. A district lies
#: wholly inside one 2013 unitary (exact); a county's area is one unitary, or two (Bedfordshire, Cheshire), among
#: which the count places it by driver as it places any county across its LADs. Councils that were already
#: unitary (Luton, Halton, Warrington, Darlington, Telford and Wrekin, Swindon, Isles of Scilly) are not here.
ORDERS = {
    "Bedfordshire": "The Bedfordshire (Structural Changes) Order 2008 (SI 2008/907)",
    "Cheshire": "The Cheshire (Structural Changes) Order 2008 (SI 2008/634)",
    "Cornwall": "The Cornwall (Structural Change) Order 2008 (SI 2008/491)",
    "Durham": "The County Durham (Structural Change) Order 2008 (SI 2008/493)",
    "Northumberland": "The Northumberland (Structural Change) Order 2008 (SI 2008/494)",
    "Shropshire": "The Shropshire (Structural Change) Order 2008 (SI 2008/492)",
    "Wiltshire": "The Wiltshire (Structural Change) Order 2008 (SI 2008/490)",
}
REORGANISED_2009 = {
    # Bedfordshire: Bedford borough became the unitary Bedford; Mid and South Bedfordshire, Central Bedfordshire
    "E0221": ("Bedfordshire", ["Bedford", "Central Bedfordshire"], "Bedfordshire"),
    "E0231": ("Bedford", ["Bedford"], "Bedfordshire"),
    "E0233": ("Mid Bedfordshire", ["Central Bedfordshire"], "Bedfordshire"),
    "E0234": ("South Bedfordshire", ["Central Bedfordshire"], "Bedfordshire"),
    # Cheshire: Macclesfield, Congleton, Crewe and Nantwich → Cheshire East; the other three → Cheshire West and Chester
    "E0621": ("Cheshire", ["Cheshire East", "Cheshire West and Chester"], "Cheshire"),
    "E0631": ("Chester", ["Cheshire West and Chester"], "Cheshire"),
    "E0632": ("Congleton", ["Cheshire East"], "Cheshire"),
    "E0633": ("Crewe & Nantwich", ["Cheshire East"], "Cheshire"),
    "E0634": ("Ellesmere Port & Neston", ["Cheshire West and Chester"], "Cheshire"),
    "E0636": ("Macclesfield", ["Cheshire East"], "Cheshire"),
    "E0637": ("Vale Royal", ["Cheshire West and Chester"], "Cheshire"),
    # Cornwall (the Isles of Scilly were and are a council of their own)
    "E0820": ("Cornwall", ["Cornwall"], "Cornwall"),
    **{
        code: (name, ["Cornwall"], "Cornwall")
        for code, name in (
            ("E0831", "Caradon"),
            ("E0832", "Carrick"),
            ("E0833", "Kerrier"),
            ("E0834", "North Cornwall"),
            ("E0835", "Penwith"),
            ("E0836", "Restormel"),
        )
    },
    # County Durham (Darlington was already unitary)
    "E1321": ("Durham", ["County Durham"], "Durham"),
    **{
        code: (name, ["County Durham"], "Durham")
        for code, name in (
            ("E1331", "Chester-le-Street"),
            ("E1333", "Derwentside"),
            ("E1334", "Durham City"),
            ("E1335", "Easington"),
            ("E1336", "Sedgefield"),
            ("E1337", "Teesdale"),
            ("E1338", "Wear Valley"),
        )
    },
    # Northumberland
    "E2920": ("Northumberland", ["Northumberland"], "Northumberland"),
    **{
        code: (name, ["Northumberland"], "Northumberland")
        for code, name in (
            ("E2931", "Alnwick"),
            ("E2932", "Berwick-upon-Tweed"),
            ("E2933", "Blyth Valley"),
            ("E2934", "Castle Morpeth"),
            ("E2935", "Tynedale"),
            ("E2936", "Wansbeck"),
        )
    },
    # Shropshire (Telford and Wrekin was already unitary)
    "E3221": ("Shropshire", ["Shropshire"], "Shropshire"),
    **{
        code: (name, ["Shropshire"], "Shropshire")
        for code, name in (
            ("E3231", "Bridgnorth"),
            ("E3232", "North Shropshire"),
            ("E3233", "Oswestry"),
            ("E3234", "Shrewsbury & Atcham"),
            ("E3235", "South Shropshire"),
        )
    },
    # Wiltshire (Swindon was already unitary)
    "E3921": ("Wiltshire", ["Wiltshire"], "Wiltshire"),
    **{
        code: (name, ["Wiltshire"], "Wiltshire")
        for code, name in (
            ("E3931", "Kennet"),
            ("E3932", "North Wiltshire"),
            ("E3933", "Salisbury"),
            ("E3935", "West Wiltshire"),
        )
    },
}

#: E-codes a council had for one year only (renumbered): E-code → (name in the RS, its later E-code).
RENUMBERED = {"E0534": ("Huntingdonshire", "E0551")}  # Huntingdonshire's 2007-08 E-code; E0551 from 2008-09

#: Joint waste disposal authorities' constituent councils, 2010-2015.
WASTE_AREAS = {
    "east london": ["Barking and Dagenham", "Havering", "Newham", "Redbridge"],
    "greater manchester": ["met:Greater Manchester", "-Wigan"],  # Wigan is its own waste disposal authority
    "merseyside": ["met:Merseyside"],
    "north london": ["Barnet", "Camden", "Enfield", "Hackney", "Haringey", "Islington", "Waltham Forest"],
    "western riverside": ["Hammersmith and Fulham", "Kensington and Chelsea", "Lambeth", "Wandsworth"],
    "west london": ["Brent", "Ealing", "Harrow", "Hillingdon", "Hounslow", "Richmond upon Thames"],
}

#: Rule 6: the GLA group's LADs (see the module docstring for why not the City of London).
GLA_AREA = ["london:boroughs"]

NATIONAL_PARK_RULE = (
    "not placed: national park authority, its area cuts across LADs and the data hold no LAD list for its "
    "ONS code (E26...)"
)
SOURCES = {
    "police": "Home Office police force areas (2010-2015)",
    "fire": "fire and rescue authority areas (2010-2015): combined fire authority orders; metropolitan counties",
    "waste": "joint waste disposal authorities' constituent councils (2010-2015)",
    "transport": "integrated/passenger transport authority areas (2010-2015): the metropolitan county",
    "combined": "combined authority orders (2011, 2014): constituent councils, as named in the RS",
    "combined 2016": "combined authority orders (2016, 2017): constituent councils (Tees Valley 2016, West of England "
    "2017, Cambridgeshire and Peterborough 2017)",
    "dorset and wiltshire": "The Dorset and Wiltshire Fire and Rescue Authority (Combination Scheme) Order 2015 "
    "(from 1 April 2016)",
    "gla": "Greater London Authority Act 1999; Metropolitan Police District (excludes the City of London)",
    "park": "RS 2014-15 ONS Code column (national park code); no LAD lookup in the data",
    "lee valley": "Lee Valley Regional Park Act 1966 (levy on London, Essex and Hertfordshire)",
}


class BuildError(Exception):
    """The data disagree with a rule, or a name cannot be resolved: the table is not written."""


def normal(name: str) -> str:
    """A name reduced for matching: lower case, ``&`` → ``and``, no punctuation, no ``UA``/``CC``/``City``… suffix.

    "Telford & the Wrekin UA" and "Telford and Wrekin" both give ``telford and wrekin``.
    """
    text = name.lower().replace("&", " and ")
    text = text.replace(", city of", " ").replace(", county of", " ").replace("city of ", " ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words = [w for w in text.split() if w != "the"]
    while words and words[-1] in {"ua", "cc", "dc", "bc", "mbc", "council", "city"}:
        words.pop()
    text = " ".join(words)
    return ALIASES.get(text, text)


# --------------------------------------------------------------------------------------------- reading


def rs_file(data_dir: Path, year: str) -> Path:
    patterns = (f"Revenue_Outturn_Summary__RS__data_{year}_by_LA*.xls", f"RS_{year}_data_by_LA*.xlsx")
    found = sorted(path for pattern in patterns for path in (data_dir / "outturn").glob(pattern))
    if len(found) != 1:
        raise BuildError(f"expected one RS file for {year} in {data_dir / 'outturn'}, found {len(found)}")
    return found[0]


def sheets(path: Path) -> dict[str, list[list]]:
    """Every sheet of an .xls (xlrd) or .xlsx (openpyxl) workbook as rows of values (``""`` for empty cells)."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return {
            name: [["" if v is None else v for v in row] for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    book = xlrd.open_workbook(str(path), on_demand=True)
    return {
        name: [book.sheet_by_name(name).row_values(r) for r in range(book.sheet_by_name(name).nrows)]
        for name in book.sheet_names()
    }


def read_rs(path: Path) -> list[dict]:
    """The authorities of one RS file's net current expenditure sheet: e_code, name, class, ons, police (£ thousand).

    The sheet is the one whose title (the first cells of its first six rows) says "Net current expenditure" (not
    the capital charges or net total cost sheets of 2007-08 to 2009-10); the header row's first cell is ``E-code``.
    """
    found = None
    for name, values in sheets(path).items():
        title = " ".join(str(row[0]).lower() for row in values[:6] if row)
        if "net current expenditure" in title and "capital charges" not in title and "net total cost" not in title:
            found = name, values
            break
    if found is None:
        raise BuildError(f"{path.name}: no sheet says 'Net current expenditure' in its first rows")
    name, values = found
    header_row = next((r for r in range(15) if values[r] and str(values[r][0]).strip().lower() == "e-code"), None)
    if header_row is None:
        raise BuildError(f"{path.name} sheet '{name}': no header row with first cell 'E-code'")
    headers = [re.sub(r"\s+", " ", str(v)).strip().lower() for v in values[header_row]]
    column = {h: i for i, h in reversed(list(enumerate(headers))) if h}
    for needed in ("local authority", "class", "police services"):
        if needed not in column:
            raise BuildError(f"{path.name} sheet '{name}': no '{needed}' column")
    rows = []
    for row in values[header_row + 1 :]:
        code = str(row[0]).strip() if row else ""
        if not code:
            continue
        if not E_CODE.match(code):
            break  # the footnotes under the table
        police = row[column["police services"]]
        rows.append(
            {
                "e_code": code,
                "name": re.sub(r"\s+", " ", str(row[column["local authority"]])).strip(),
                "class": str(row[column["class"]]).strip(),
                "ons": str(row[column["ons code"]]).strip() if "ons code" in column else "",
                "police": float(police) if isinstance(police, (int, float)) else 0.0,
            }
        )
    return rows


def read_all_years(data_dir: Path) -> dict[str, list[dict]]:
    return {year: read_rs(rs_file(data_dir, year)) for year in YEARS}


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------- building


class Builder:
    def __init__(self, data_dir: Path) -> None:
        self.years = read_all_years(data_dir)
        self.registry = {row["lad_code"]: row["lad_name"] for row in read_csv(REGISTRY)}
        if len(self.registry) != 326:
            raise BuildError(f"{REGISTRY}: expected the 326 English LADs of 2013, found {len(self.registry)}")
        self.by_name: dict[str, str] = {}
        for code, name in self.registry.items():
            if normal(name) in self.by_name:
                raise BuildError(f"two LADs normalise to '{normal(name)}'")
            self.by_name[normal(name)] = code
        self.old_code = {
            row["LAD13CD"]: row["LAD13CDO"]
            for row in read_csv(data_dir / "lookups" / "lad13_to_nuts.csv")
            if row["LAD13CD"] in self.registry
        }
        self.roall = {}
        for row in read_csv(data_dir / "outturn" / "roall.csv"):
            self.roall.setdefault(row["E-code"], set()).add(row["ONS Code"])
        self.latest: dict[str, dict] = {}
        for year in reversed(NAME_ORDER):  # the first year of NAME_ORDER that has an authority gives its row
            for row in self.years[year]:
                self.latest[row["e_code"]] = row
        self.names = defaultdict(set)
        for year in YEARS:
            for row in self.years[year]:
                self.names[row["e_code"]].add(row["name"])
        self.problems: list[str] = []
        self.counties: dict[str, list[str]] = {}  # normalised county name → district LADs
        self.lads: dict[str, list[str]] = {}
        self.rules: dict[str, str] = {}
        self.sources: dict[str, str] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def lad(self, name: str, context: str) -> str | None:
        code = self.by_name.get(normal(name))
        if code is None:
            self.problem(f"{context}: no 2013 LAD is named '{name}' (normalised '{normal(name)}')")
        return code

    # rule 1 ---------------------------------------------------------------------------------------
    def ons_code(self, e_code: str) -> str | None:
        row = self.latest[e_code]
        ons = row["ons"] if row["ons"] not in ("", "n/a") else ""
        listed = {c for c in self.roall.get(e_code, set()) if (e_code, c) not in ROALL_ERRATA}
        if not ons and len(listed) == 1:
            ons = next(iter(listed))
        if not ons:
            self.problem(f"{e_code} {row['name']}: no ONS code in the RS 2014-15 column nor in roall.csv")
            return None
        ons = CODE_2013.get(ons, ons)
        if listed and {CODE_2013.get(c, c) for c in listed} != {ons}:
            self.problem(f"{e_code} {row['name']}: RS 2014-15 ONS code {ons} but roall.csv says {sorted(listed)}")
        return ons

    def own_areas(self) -> None:
        for e_code, row in sorted(self.latest.items()):
            if row["class"] not in COUNCIL_CLASSES or e_code in REORGANISED_2009 or e_code in RENUMBERED:
                continue
            ons = self.ons_code(e_code)
            if ons is None:
                continue
            if ons not in self.registry:
                self.problem(f"{e_code} {row['name']}: ONS code {ons} is not a 2013 LAD of the registry")
                continue
            for name in sorted(self.names[e_code]):  # every year's name, not only the latest
                if normal(name) != normal(self.registry[ons]):
                    self.problem(f"{e_code} {name}: its ONS code {ons} is the LAD '{self.registry[ons]}'")
            self.lads[e_code] = [ons]
            self.rules[e_code] = "own area"
            checked = "roall.csv agrees" if e_code in self.roall else "not in roall.csv"
            self.sources[e_code] = f"RS 2014-15 ONS Code column ({checked}); name matches the 2013 LAD registry"

    # rule 2 ---------------------------------------------------------------------------------------
    def county_areas(self) -> None:
        districts = {e: self.lads[e][0] for e, row in self.latest.items() if row["class"] == "SD" and e in self.lads}
        claimed: dict[str, list[str]] = defaultdict(list)
        for e_code, row in sorted(self.latest.items()):
            if row["class"] != "SC" or e_code in REORGANISED_2009:
                continue
            ons = self.ons_code(e_code)
            if ons is not None and not ons.startswith("E10"):
                self.problem(f"{e_code} {row['name']}: a county (SC) whose ONS code {ons} is not a county's (E10...)")
            prefix = e_code[:3]
            mine = sorted(lad for e, lad in districts.items() if e[:3] == prefix)
            for e in districts:
                if e[:3] == prefix:
                    claimed[e].append(e_code)
            old = {self.old_code.get(lad, "??")[:2] for lad in mine}
            if not mine:
                self.problem(f"{e_code} {row['name']}: no shire district has the E-code prefix {prefix}")
                continue
            if len(old) != 1:
                self.problem(f"{e_code} {row['name']}: its districts {mine} have old ONS county codes {sorted(old)}")
                continue
            (county_old,) = old
            by_old = sorted(c for c, o in self.old_code.items() if c.startswith("E07") and o[:2] == county_old)
            if by_old != mine:
                self.problem(
                    f"{e_code} {row['name']}: E-code prefix {prefix} gives {mine}, old ONS county {county_old} "
                    f"gives {by_old}"
                )
            self.counties[normal(row["name"])] = mine
            self.lads[e_code] = mine
            self.rules[e_code] = f"county: districts with the county's E-code prefix ({prefix}, {len(mine)} districts)"
            self.sources[e_code] = (
                f"RS E-codes and classes; checked against ONS old-style LAD codes (lookups/lad13_to_nuts.csv "
                f"LAD13CDO {county_old}U*); county ONS code {ons}"
            )
        lost = sorted(f"{e} {self.latest[e]['name']}" for e in districts if len(claimed[e]) != 1)
        if lost:
            self.problem(f"shire districts the county prefix rule cannot place in exactly one county: {lost}")

    # areas of the other rules ---------------------------------------------------------------------
    def metropolitan(self, name: str, context: str) -> list[str]:
        prefix, names = METROPOLITAN_COUNTIES[name]
        lads = sorted(filter(None, (self.lad(n, f"{context} ({name})") for n in names)))
        by_prefix = sorted(
            self.lads[e][0] for e, row in self.latest.items() if row["class"] == "MD" and e[:3] == prefix
        )
        if lads != by_prefix:
            self.problem(f"{name}: its district list {lads} differs from the MDs of E-code prefix {prefix} {by_prefix}")
        return lads

    def area(self, tokens: list[str], context: str) -> list[str]:
        lads: set[str] = set()
        for token in tokens:
            if token.startswith("county:"):
                county = normal(token.removeprefix("county:"))
                if county not in self.counties:
                    self.problem(f"{context}: no shire county (SC) named '{token}'")
                lads |= set(self.counties.get(county, []))
            elif token.startswith("met:"):
                lads |= set(self.metropolitan(token.removeprefix("met:"), context))
            elif token == "london:boroughs":
                lads |= {self.lads[e][0] for e, row in self.latest.items() if row["class"] in {"L", "LB"}}
                lads.discard(CITY_OF_LONDON)
            elif token.startswith("-"):
                lads.discard(self.lad(token[1:], context))
            else:
                code = self.lad(token, context)
                if code is not None:
                    lads.add(code)
        return sorted(lads)

    @staticmethod
    def describe(tokens: list[str]) -> str:
        parts = []
        for token in tokens:
            if token.startswith("county:"):
                parts.append(f"{token.removeprefix('county:')} county districts")
            elif token.startswith("met:"):
                parts.append(f"{token.removeprefix('met:')} metropolitan districts")
            elif token == "london:boroughs":
                parts.append("the 32 London boroughs (not the City of London)")
            elif token.startswith("-"):
                parts.append(f"less {token[1:]}")
            else:
                parts.append(token)
        return " + ".join(parts).replace(" + less ", " less ")

    def place(self, e_code: str, tokens: list[str], rule: str, source: str) -> None:
        self.lads[e_code] = self.area(tokens, f"{e_code} {self.latest[e_code]['name']}")
        self.rules[e_code] = f"{rule}: {self.describe(tokens)}"
        self.sources[e_code] = source

    def not_placed(self, e_code: str, rule: str, source: str) -> None:
        self.lads[e_code] = []
        self.rules[e_code] = rule
        self.sources[e_code] = source

    # rules 3-7 ------------------------------------------------------------------------------------
    def other_bodies(self) -> None:
        police_codes: dict[str, list[str]] = defaultdict(list)
        for e_code, row in sorted(self.latest.items()):
            if row["class"] != "O":
                continue
            name = normal(row["name"])
            kinds = {self.kind(normal(n))[0] for n in self.names[e_code]}
            # the West Midlands Integrated Transport Authority's E-code is the West Midlands Combined Authority's
            # from 2016-17: the same metropolitan county
            if len(kinds) != 1 and kinds != {"transport", "combined"}:
                self.problem(f"{e_code}: its names {sorted(self.names[e_code])} are of different kinds {sorted(kinds)}")
            kind, key = self.kind(name)
            if kind == "police":
                police_codes[key].append(e_code)
                if key not in POLICE_AREAS:
                    self.problem(f"{e_code} {row['name']}: no police force area for '{key}'")
                    continue
                pcc = "police and crime commissioner" in name
                rule = (
                    "police force area (police and crime commissioner, from Nov 2012)" if pcc else "police force area"
                )
                self.place(e_code, POLICE_AREAS[key], rule, SOURCES["police"])
            elif kind == "fire":
                if key not in FIRE_AREAS:
                    self.problem(f"{e_code} {row['name']}: no fire authority area for '{key}'")
                    continue
                source = SOURCES["dorset and wiltshire"] if key == "dorset and wiltshire" else SOURCES["fire"]
                self.place(e_code, FIRE_AREAS[key], "fire and rescue authority area", source)
            elif kind == "waste":
                if key not in WASTE_AREAS:
                    self.problem(f"{e_code} {row['name']}: no waste disposal authority area for '{key}'")
                    continue
                self.place(e_code, WASTE_AREAS[key], "joint waste disposal authority", SOURCES["waste"])
            elif kind == "transport":
                county = self.metropolitan_name(key)
                if county is None:
                    self.problem(f"{e_code} {row['name']}: '{key}' is not a metropolitan county")
                    continue
                self.place(e_code, [f"met:{county}"], "integrated/passenger transport authority", SOURCES["transport"])
            elif kind == "combined":
                county = self.metropolitan_name(key)
                if key in COMBINED_AREAS:
                    self.place(
                        e_code,
                        COMBINED_AREAS[key],
                        "combined authority: its constituent councils",
                        SOURCES["combined 2016"],
                    )
                    continue
                if county is not None:
                    tokens = [f"met:{county}"]
                else:
                    title = re.sub(r"^the\s+", "", row["name"], flags=re.IGNORECASE)
                    title = re.sub(r"\s+combined authority$", "", title, flags=re.IGNORECASE)
                    tokens = [part.strip() for part in re.split(r",|\band\b", title) if part.strip()]
                self.place(e_code, tokens, "combined authority: its constituent councils", SOURCES["combined"])
            elif kind == "gla":
                self.place(
                    e_code,
                    GLA_AREA,
                    "GLA group incl. the Metropolitan Police (MPA/MOPAC), LFEPA and TfL, placed on the Met's area as "
                    "police is most of its spending; the City of London polices itself (in its own row)",
                    SOURCES["gla"],
                )
            elif kind == "park":
                self.not_placed(e_code, NATIONAL_PARK_RULE, f"{SOURCES['park']} ({row['ons']})")
            elif kind == "lee valley":
                self.not_placed(
                    e_code,
                    "not placed: regional park authority, levied on all of London, Essex and Hertfordshire while "
                    "its park lies in a few LADs; no defensible LAD list",
                    SOURCES["lee valley"],
                )
            else:
                self.problem(f"{e_code} {row['name']} (class O): no rule recognises this authority")
        for codes in police_codes.values():
            for e_code in codes:
                others = [code for code in codes if code != e_code]
                if others and e_code in self.rules:
                    self.rules[e_code] += f" (same force and area as {', '.join(others)})"

    # rule 8 ---------------------------------------------------------------------------------------
    def reorganised_2009(self) -> None:
        """The councils abolished in April 2009 (:data:`REORGANISED_2009`), the renumbered (:data:`RENUMBERED`)."""
        before = {row["e_code"] for year in ("2007-08", "2008-09") for row in self.years[year]}
        after = {row["e_code"] for year in YEARS[2:] for row in self.years[year]}
        for e_code, (name, lads, county) in sorted(REORGANISED_2009.items()):
            if e_code not in self.latest:
                self.problem(f"{e_code} {name}: listed as abolished in 2009 but in no RS year")
                continue
            row = self.latest[e_code]
            if normal(row["name"]) != normal(name) or e_code not in before or e_code in after:
                self.problem(
                    f"{e_code}: the RS names it '{row['name']}' in {sorted(self.names[e_code])}, listed as "
                    f"'{name}' abolished in April 2009"
                )
            self.lads[e_code] = sorted(filter(None, (self.lad(lad, f"{e_code} {name}") for lad in lads)))
            unitary = " and ".join(lads)
            if row["class"] == "SC" and len(lads) > 1:
                rule = (
                    f"abolished April 2009: county council whose area became the unitaries {unitary} "
                    "(placed between them by driver, as counties are)"
                )
            elif row["class"] == "SC":
                rule = f"abolished April 2009: county council whose area is the 2013 unitary {unitary}"
            else:
                rule = f"abolished April 2009: district wholly inside the 2013 unitary {unitary} (exact)"
            self.rules[e_code] = rule
            self.sources[e_code] = f"{ORDERS[county]}; RS 2007-08 and 2008-09 E-codes and classes"
        for e_code, (name, later) in sorted(RENUMBERED.items()):
            row = self.latest.get(e_code)
            if row is None or normal(row["name"]) != normal(name) or later not in self.lads:
                self.problem(f"{e_code}: listed as {name}'s earlier E-code (later {later}), the RS disagrees")
                continue
            self.lads[e_code] = list(self.lads[later])
            self.rules[e_code] = f"own area: {name}'s E-code in 2007-08 (it is {later} from 2008-09)"
            self.sources[e_code] = f"RS 2007-08 (E-code, name, class); the area of {later}"

    @staticmethod
    def metropolitan_name(key: str) -> str | None:
        return next((name for name in METROPOLITAN_COUNTIES if normal(name) == key), None)

    @staticmethod
    def kind(name: str) -> tuple[str, str]:
        """``(kind, key)`` of a normalised class ``O`` name: police, fire, waste, transport, combined, gla…"""
        patterns = [
            # "Essex Police Authority (new)": 2007-08 and 2008-09 for three forces
            ("police", r"^(.+?) police (authority|and crime commissioner and chief constable)( new)?$"),
            ("fire", r"^(.+?) (combined? )?fire (and rescue |and cd )?authority$"),  # "Combine" (2016-17)
            ("waste", r"^(.+?) waste (disposal )?authority$"),
            ("transport", r"^(.+?) (integrated|passenger) transport authority$"),
            ("combined", r"^(.+?) combined authority$"),
            ("gla", r"^(greater london authority)$"),
            ("park", r"^(.+? national park|broads)( authority)?$"),
            ("lee valley", r"^(lee valley regional park) authority$"),
        ]
        for kind, pattern in patterns:
            match = re.match(pattern, name)
            if match:
                return kind, match.group(1)
        return "unknown", name

    def build(self) -> list[dict]:
        self.own_areas()
        self.county_areas()
        self.other_bodies()
        self.reorganised_2009()
        for e_code, lads in self.lads.items():
            stray = [lad for lad in lads if lad not in self.registry]
            if stray:
                self.problem(f"{e_code}: codes {stray} are not 2013 LADs of the registry")
        missing = sorted(set(self.latest) - set(self.lads))
        if missing and not self.problems:
            self.problem(f"authorities without a row: {missing}")
        if self.problems:
            raise BuildError(
                "\n".join(["the authorities table was not written:", *(f"  - {p}" for p in self.problems)])
            )
        return [
            {
                "e_code": e_code,
                "authority": self.latest[e_code]["name"],
                "class": self.latest[e_code]["class"],
                "lads": " ".join(sorted(self.lads[e_code])),
                "rule": self.rules[e_code],
                "source": self.sources[e_code],
            }
            for e_code in sorted(self.latest)
        ]


def render(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python scripts/build_authorities.py DATA_DIR [OUTPUT]", file=sys.stderr)
        return 2
    data_dir = Path(argv[1])
    output = Path(argv[2]) if len(argv) == 3 else DEFAULT_OUTPUT
    try:
        rows = Builder(data_dir).build()
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    output.write_bytes(render(rows))
    counts = defaultdict(int)
    for row in rows:
        counts[row["class"]] += 1
    empty = sum(1 for row in rows if not row["lads"])
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"{output}: {len(rows)} authorities ({summary}); {empty} not placed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
