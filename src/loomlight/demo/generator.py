"""The demo programme generator.

A fictional alliance of textile, apparel and footwear factories in Cambodia,
Thailand and Viet Nam, with an industrial-park component in Viet Nam, Cambodia,
Ethiopia and Kenya (after the programmes in ../shared/seeds: the Mekong
Sustainable Manufacturing Alliance, Race to the Top, UNIDO TEST and INSTEP).
Every park, company and organisation name is invented; coordinates are placed
near real towns of the right country.

Two steps:

* ``plan(seed, today)`` is pure (no database; the clock only as the default of
  ``today``): one ``random.Random(seed)`` decides every name, coordinate, headcount
  and consent, so the same seed and day always give the same ``DemoPlan`` (the
  day dates only the consents newly granted, withdrawn and running out). Where each site discharges, its permit and the
  park's intake limits follow from its place and kind (``demo/discharge.py``).
* ``load_demo(seed=...)`` writes a plan in one transaction through the registry
  services, acting as the demo's operator (a superuser), so the audit trail
  records every record it creates (``via="demo"``); discharge routes, permits and
  intake limits go through the wastewater and evidence services, some as the
  facility manager or the park operator; the dated series (monthly data, lab
  samples, chemical uses: ``demo/periodic.py``) run up to the day it is built.
  If the demo programme exists already it adds only what has passed since its
  last build (recorded in the audit trail) and changes nothing else.
"""

from __future__ import annotations

import datetime
import random
import string
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, Q

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.audit.services import audit_record, audit_record_event, snapshot
from loomlight.demo.discharge import DischargeDemo, plan_discharge, write_discharge
from loomlight.programmes.models import Programme
from loomlight.registry import services
from loomlight.registry.models import (
    WET_PROCESSES,
    Consent,
    Facility,
    IndustrialPark,
    Membership,
    Organisation,
    OrganisationKind,
    Process,
    Role,
    SharedFacility,
)
from loomlight.site import periods

DEFAULT_SEED = 2026
DEMO_CODE = "mekong-demo"
DEMO_PASSWORD = "loomlight-demo"  # set only in demo mode or when asked for explicitly
VIA = "demo"  # how the audit trail names the demo's writes
OPERATOR = "operator"

# --- data tables ---------------------------------------------------------------

PROGRAMME = dict(
    name="Mekong Clean Apparel Alliance",
    code=DEMO_CODE,
    description=(
        "Fictional demonstration programme. An alliance of textile, apparel and footwear factories in "
        "Cambodia, Thailand and Viet Nam working with their brands on energy, water, chemicals and working "
        "conditions, with an industrial-park component (shared effluent treatment, rooftop solar, steam, "
        "waste) in Viet Nam, Cambodia, Ethiopia and Kenya. All names are invented."
    ),
    implementer="Clean Apparel Alliance Secretariat",
    start_year=2021,
    end_year=2027,
)


class _Org(NamedTuple):
    name: str
    kind: str
    country: str
    website: str = ""


#: Organisations other than manufacturer groups (those are in GROUPS).
ORGANISATIONS = [
    _Org("Clean Apparel Alliance Secretariat", OrganisationKind.PROGRAMME_IMPLEMENTER, "TH", "https://clean-apparel-alliance.example"),
    _Org("Verdalia Apparel", OrganisationKind.BRAND, "SE", "https://verdalia.example"),
    _Org("Nordkestrel Outdoor", OrganisationKind.BRAND, "DE", "https://nordkestrel.example"),
    _Org("Lotus Bridge Climate Finance", OrganisationKind.FINANCIER, "NL", "https://lotusbridge-finance.example"),
    _Org("Department of Green Industry Promotion", OrganisationKind.PUBLIC_AGENCY, "KH"),
    _Org("Threadlight Workers' Foundation", OrganisationKind.NGO, "TH", "https://threadlight.example"),
    _Org("Song Xanh Industrial Park JSC", OrganisationKind.PARK_OPERATOR, "VN"),
    _Org("Ponleu SEZ Development Co., Ltd.", OrganisationKind.PARK_OPERATOR, "KH"),
    _Org("Ziway Park Development Enterprise", OrganisationKind.PARK_OPERATOR, "ET"),
    _Org("Menengai Park Operators Ltd", OrganisationKind.PARK_OPERATOR, "KE"),
]
BRANDS = ("Verdalia Apparel", "Nordkestrel Outdoor")
FINANCIER = "Lotus Bridge Climate Finance"


class _Group(NamedTuple):
    """A manufacturer group; its facilities carry its name stem (local spelling per country)."""

    name: str
    country: str
    stem: str
    local_stems: dict  # country -> stem in the local script ("" where no local name is kept)
    profiles: tuple | None = None  # the facility profiles it runs (None: any)


GROUPS = [
    _Group("Phuc Lam Textile Group", "VN", "Phuc Lam", {"VN": "Phúc Lâm"},
           ("spinning", "knit_mill", "woven_mill", "dye_house", "garment")),
    _Group("Hai Dang Garment Corporation", "VN", "Hai Dang", {"VN": "Hải Đăng"}, ("garment", "sportswear", "denim", "laundry")),
    _Group("Sovann Apparel Group", "KH", "Sovann", {"KH": "សុវណ្ណ"}),
    _Group("Reaksmey Garment Holdings", "KH", "Reaksmey", {"KH": "រស្មី"}, ("garment", "sportswear", "denim", "laundry")),
    _Group("Saeng Thong Textile Group", "TH", "Saeng Thong", {"TH": "แสงทอง"}),
    _Group("Orchid Crest Apparel Holdings", "LK", "Orchid Crest", {"VN": "Orchid Crest", "ET": "", "KE": ""},
           ("garment", "sportswear", "knit_mill")),
    _Group("Jade Harbour Footwear Holdings", "CN", "Jade Harbour", {"VN": "Jade Harbour", "TH": "เจดฮาร์เบอร์"},
           ("footwear", "tannery")),
]
GROUP_MIN_FACILITIES = 2


class _Profile(NamedTuple):
    processes: tuple
    product_choices: tuple  # one of these tuples is drawn
    women_share: tuple  # (low, high) fraction of the workforce
    headcount: tuple  # (low, high) workers
    english: str  # the word in the facility's English name


#: Facility profiles: what a factory of each kind does, makes and employs.
#: Garment and footwear lines employ mostly women; mills, laundries and tanneries fewer.
PROFILES = {
    "garment": _Profile(("cut_make_trim",), (("apparel",), ("apparel", "accessories"), ("apparel", "home_textiles")), (0.68, 0.80), (400, 4500), "Garment"),
    "sportswear": _Profile(("cut_make_trim", "printing"), (("sportswear",), ("sportswear", "apparel")), (0.65, 0.78), (800, 5200), "Sportswear"),
    "denim": _Profile(("cut_make_trim", "laundry"), (("denim",),), (0.62, 0.74), (600, 3500), "Denim"),
    "laundry": _Profile(("laundry",), (("denim",), ("apparel",)), (0.35, 0.50), (80, 450), "Washing"),
    "knit_mill": _Profile(("knitting", "dyeing", "finishing"), (("knit_fabric",),), (0.30, 0.45), (250, 1500), "Knitting Mill"),
    "woven_mill": _Profile(("weaving", "dyeing", "finishing"), (("woven_fabric",), ("woven_fabric", "home_textiles")), (0.32, 0.48), (300, 1800), "Weaving Mill"),
    "dye_house": _Profile(("dyeing", "printing", "finishing"), (("knit_fabric",), ("woven_fabric",), ("knit_fabric", "woven_fabric")), (0.22, 0.38), (120, 900), "Dyeing & Finishing"),
    "spinning": _Profile(("spinning",), (("yarn",),), (0.40, 0.55), (300, 2200), "Spinning Mill"),
    "footwear": _Profile(("footwear_assembly",), (("footwear",),), (0.72, 0.85), (1500, 6000), "Footwear"),
    "tannery": _Profile(("tannery",), (("leather",),), (0.12, 0.25), (80, 400), "Tannery"),
}

#: Local-language facility names: a pattern per profile, then how a second site is numbered.
LOCAL_NAMES = {
    "VN": ({
        "garment": "Nhà máy May {stem}", "sportswear": "Nhà máy May Đồ thể thao {stem}", "denim": "Nhà máy May Jean {stem}",
        "laundry": "Xưởng Giặt mài {stem}", "knit_mill": "Nhà máy Dệt kim {stem}", "woven_mill": "Nhà máy Dệt {stem}",
        "dye_house": "Nhà máy Nhuộm {stem}", "spinning": "Nhà máy Sợi {stem}", "footwear": "Nhà máy Giày {stem}",
        "tannery": "Nhà máy Thuộc da {stem}",
    }, " số {n}"),
    "KH": ({
        "garment": "រោងចក្រកាត់ដេរ {stem}", "sportswear": "រោងចក្រកាត់ដេរសម្លៀកបំពាក់កីឡា {stem}",
        "denim": "រោងចក្រកាត់ដេរខោខូវប៊យ {stem}", "laundry": "រោងចក្របោកគក់ {stem}", "knit_mill": "រោងចក្រតម្បាញ {stem}",
        "woven_mill": "រោងចក្រតម្បាញ {stem}", "dye_house": "រោងចក្រជ្រលក់ពណ៌ {stem}", "spinning": "រោងចក្រផលិតអំបោះ {stem}",
        "footwear": "រោងចក្រផលិតស្បែកជើង {stem}",
    }, " ទី{n}"),
    "TH": ({
        "garment": "โรงงานตัดเย็บเสื้อผ้า{stem}", "sportswear": "โรงงานตัดเย็บชุดกีฬา{stem}", "denim": "โรงงานตัดเย็บกางเกงยีนส์{stem}",
        "laundry": "โรงงานซักฟอก{stem}", "knit_mill": "โรงงานถักผ้า{stem}", "woven_mill": "โรงงานทอผ้า{stem}",
        "dye_house": "โรงงานฟอกย้อม{stem}", "spinning": "โรงงานปั่นด้าย{stem}", "footwear": "โรงงานผลิตรองเท้า{stem}",
        "tannery": "โรงงานฟอกหนัง{stem}",
    }, " แห่งที่ {n}"),
}
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

#: Name stems of independent factories per country: (Latin, local script).
#: Vietnamese stems are written once, with diacritics; the Latin form drops them.
STEMS = {
    "VN": [(None, s) for s in (
        "An Khang", "Bảo Ngọc", "Thiên Ân", "Gia Hưng", "Hồng Lam", "Vĩnh An", "Đức Thịnh", "Kim Ngân",
        "Ngọc Lan", "Minh Tâm", "Quang Vinh", "Tân Hưng", "Hưng Phát", "Trúc Xanh", "Lộc Phát", "Mai Anh",
    )],
    "KH": [
        ("Pich", "ពេជ្រ"), ("Bopha", "បុប្ផា"), ("Sokha", "សុខា"), ("Mealea", "មាលា"), ("Tonle", "ទន្លេ"),
        ("Vimean", "វិមាន"), ("Rithy", "ឫទ្ធី"), ("Chan", "ចន្ទ"), ("Kolab", "កុលាប"), ("Meas", "មាស"),
        ("Thida", "ធីតា"), ("Rachana", "រចនា"), ("Serey", "សេរី"), ("Santepheap", "សន្តិភាព"),
    ],
    "TH": [
        ("Charoen", "เจริญ"), ("Rungrueang", "รุ่งเรือง"), ("Thanakit", "ธนากิจ"), ("Pattana", "พัฒนา"),
        ("Suksawat", "สุขสวัสดิ์"), ("Boonyarit", "บุญฤทธิ์"), ("Sirimongkol", "ศิริมงคล"), ("Wattana", "วัฒนา"),
        ("Kasem", "เกษม"), ("Mongkol", "มงคล"), ("Somboon", "สมบูรณ์"), ("Prasert", "ประเสริฐ"),
    ],
    "ET": [(s, "") for s in ("Abay", "Entoto", "Sheger", "Tana", "Wabe", "Koka", "Meskel", "Gion")],
    "KE": [(s, "") for s in ("Savanna", "Kilima", "Baraka", "Umoja", "Nyota", "Amani", "Jamii")],
}


class _Park(NamedTuple):
    name: str
    name_local: str
    country: str
    province: str
    latitude: float
    longitude: float
    area_ha: str
    operator: str
    year_established: int
    address: str  # pattern for its facilities' addresses
    profiles: tuple  # one facility per entry


PARKS = [
    _Park("Song Xanh Eco-Industrial Park", "Khu công nghiệp sinh thái Sông Xanh", "VN", "Đồng Nai", 10.9581, 107.0463,
          "420.50", "Song Xanh Industrial Park JSC", 2008, "Lô {plot}, Khu công nghiệp sinh thái Sông Xanh, Đồng Nai",
          ("knit_mill",) * 3 + ("woven_mill",) * 2 + ("dye_house",) * 3 + ("spinning",) + ("garment",) * 4
          + ("sportswear",) * 3 + ("laundry",) * 2),
    _Park("Ponleu Special Economic Zone", "តំបន់សេដ្ឋកិច្ចពិសេសពន្លឺ", "KH", "Kampong Speu", 11.4372, 104.5851,
          "268.00", "Ponleu SEZ Development Co., Ltd.", 2012, "Plot {plot}, Ponleu SEZ, National Road 4, Kampong Speu",
          ("garment",) * 6 + ("sportswear",) * 2 + ("footwear",) * 2 + ("laundry", "denim")),
    _Park("Ziway Lakeside Industrial Park", "ዝዋይ ሐይቅ ዳር ኢንዱስትሪ ፓርክ", "ET", "Oromia", 7.9180, 38.6650,
          "150.00", "Ziway Park Development Enterprise", 2018, "Shed {n}, Ziway Lakeside Industrial Park, Batu, Oromia",
          ("garment",) * 4 + ("sportswear", "knit_mill", "spinning", "dye_house")),
    _Park("Menengai Apparel Park", "", "KE", "Nakuru County", -0.2683, 36.0952,
          "95.00", "Menengai Park Operators Ltd", 2020, "Block {plot}, Menengai Apparel Park, Nakuru",
          ("garment",) * 3 + ("denim", "laundry", "sportswear")),
]


class _Town(NamedTuple):
    """Facilities outside any park, near a town."""

    name: str  # the town: demo/discharge.py decides by it where its facilities discharge
    country: str
    latitude: float
    longitude: float
    address: str
    profiles: tuple


TOWNS = [
    _Town("Nam Định", "VN", 20.4300, 106.1500, "Số {n}, Quốc lộ 21, Nam Định, Ninh Bình", ("spinning", "woven_mill", "garment")),
    _Town("Từ Sơn", "VN", 21.1200, 105.9700, "Lô {plot}, Đường TS{m}, Từ Sơn, Bắc Ninh", ("garment", "sportswear", "footwear")),
    _Town("Đức Hòa", "VN", 10.8800, 106.4200, "Số {n}, Tỉnh lộ 10, Đức Hòa, Tây Ninh", ("laundry", "denim")),
    _Town("Phnom Penh", "KH", 11.5300, 104.8500, "No. {n}, Street {m}0, Khan Por Senchey, Phnom Penh", ("garment", "sportswear", "laundry")),
    _Town("Ta Khmau", "KH", 11.4700, 104.9300, "No. {n}, National Road 2, Ta Khmau, Kandal", ("garment", "denim")),
    _Town("Kampong Chhnang", "KH", 12.2300, 104.6600, "National Road 5, Kampong Chhnang", ("garment",)),
    _Town("Samut Sakhon", "TH", 13.5600, 100.2800, "{n}/{m} Moo {m}, Ekachai Road, Mueang Samut Sakhon, Samut Sakhon 74000", ("dye_house", "knit_mill", "garment")),
    _Town("Nakhon Pathom", "TH", 13.8100, 100.0500, "{n}/{m} Moo {m}, Phetkasem Road, Mueang Nakhon Pathom, Nakhon Pathom 73000", ("spinning", "woven_mill")),
    _Town("Pathum Thani", "TH", 14.0300, 100.6200, "{n} Moo {m}, Rangsit-Nakhon Nayok Road, Thanyaburi, Pathum Thani 12110", ("sportswear", "garment")),
    _Town("Samut Prakan", "TH", 13.5900, 100.7000, "{n} Moo {m}, Bang Phli, Samut Prakan 10540", ("tannery",)),
]
PARK_JITTER = 0.010  # degrees (about 1 km) around the park's centre
TOWN_JITTER = 0.030  # degrees (about 3 km) around the town

#: Shared facilities per park: (kind, name, capacity, which facilities it serves).
#: "all": every facility of the park; "wet": those dyeing, printing, finishing or washing; "some": about half.
SHARED = {
    "Song Xanh Eco-Industrial Park": [
        ("cetp", "Song Xanh Central Effluent Treatment Plant", "9,500 m³/day", "all"),
        ("rooftop_solar", "Song Xanh Shared Rooftop Solar", "7.2 MWp", "some"),
        ("steam_heat", "Song Xanh Biomass Steam Plant", "45 t/h steam", "wet"),
        ("waste_centre", "Song Xanh Waste Sorting Centre", "35 t/day", "all"),
    ],
    "Ponleu Special Economic Zone": [
        ("cetp", "Ponleu Central Effluent Treatment Plant", "3,000 m³/day", "all"),
        ("rooftop_solar", "Ponleu Group Rooftop Solar", "4.5 MWp", "some"),
        ("waste_centre", "Ponleu Waste Centre", "15 t/day", "all"),
    ],
    "Ziway Lakeside Industrial Park": [
        ("cetp", "Ziway Zero-Liquid-Discharge Treatment Plant", "5,000 m³/day", "all"),
        ("steam_heat", "Ziway Central Boiler House", "20 t/h steam", "wet"),
        ("waste_centre", "Ziway Waste Centre", "10 t/day", "all"),
    ],
    "Menengai Apparel Park": [
        ("cetp", "Menengai Effluent Treatment Plant", "1,800 m³/day", "all"),
        ("rooftop_solar", "Menengai Shared Rooftop Solar", "2.1 MWp", "some"),
    ],
}

OS_HUB_IDS = 9  # how many facilities carry an Open Supply Hub ID
OS_HUB_CHARS = string.ascii_uppercase + string.digits


class _User(NamedTuple):
    username: str
    role: str  # a Role, or OPERATOR for the superuser
    scope: str  # "programme", "park", "facility", "brand", "financier" or "" (operator)


#: One login per role, plus the operator. The manager and data entry clerk work at
#: the facility that shares the most with brands; the park operator runs the Viet Nam park.
USERS = [
    _User(OPERATOR, OPERATOR, ""),
    _User("admin", Role.PROGRAMME_ADMIN, "programme"),
    _User("assessor", Role.ASSESSOR, "programme"),
    _User("park", Role.PARK_OPERATOR, "park"),
    _User("manager", Role.FACILITY_MANAGER, "facility"),
    _User("dataentry", Role.FACILITY_DATA_ENTRY, "facility"),
    _User("brand", Role.BRAND_VIEWER, "brand"),
    _User("financier", Role.FINANCIER_VIEWER, "financier"),
]
DEMO_USERNAMES = tuple(u.username for u in USERS)

#: Consent: how many facilities share with the brands, and what they share.
CONSENTING_FACILITIES = 12
CONSENT_COUNTRIES = ("VN", "KH", "TH")  # the alliance's countries
CONSENT_KIND_SETS = [
    ("profile",),
    ("profile", "environmental"),
    ("profile", "environmental", "ghg"),
    ("profile", "wastewater", "chemicals"),
    ("profile", "ghg", "assessments"),
    ("profile", "environmental", "wastewater", "chemicals", "ghg"),
]
FINANCIER_KINDS = ("profile", "environmental", "ghg", "business_cases")  # a case is made of the environmental and GHG data
FINANCIER_CONSENTS = 3
EXPIRED_UNTIL = datetime.date(2025, 6, 30)


# --- the plan (pure) -----------------------------------------------------------

@dataclass(frozen=True)
class OrganisationPlan:
    name: str
    kind: str
    country: str
    website: str


@dataclass(frozen=True)
class ProgrammePlan:
    name: str
    code: str
    description: str
    implementer: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class ParkPlan:
    name: str
    name_local: str
    country: str
    province: str
    latitude: float
    longitude: float
    area_ha: Decimal
    operator: str
    year_established: int


@dataclass(frozen=True)
class FacilityPlan:
    name: str
    name_local: str
    organisation: str | None
    address: str
    country: str
    latitude: float
    longitude: float
    park: str | None
    tier: int
    processes: tuple[str, ...]
    product_types: tuple[str, ...]
    headcount_female: int
    headcount_male: int
    os_hub_id: str
    profile: str = ""  # its kind of factory (a key of PROFILES)
    place: str = ""  # its park, or the town it is near


@dataclass(frozen=True)
class SharedFacilityPlan:
    park: str
    kind: str
    name: str
    capacity: str
    serves: tuple[str, ...]  # facility names, all in the same park


@dataclass(frozen=True)
class UserPlan:
    username: str
    role: str  # a Role, or OPERATOR
    scope_type: str  # "programme", "organisation", "park", "facility" or "" (operator)
    scope_name: str


@dataclass(frozen=True)
class ConsentPlan:
    facility: str
    grantee: str
    data_kinds: tuple[str, ...]
    valid_from: datetime.date
    valid_until: datetime.date | None
    granted_by: str  # a username
    revoked: bool = False
    granted_on: datetime.date | None = None  # the day it was granted (None: its valid_from)
    revoked_on: datetime.date | None = None  # the day it was revoked (None: the build day)


@dataclass(frozen=True)
class DemoPlan:
    programme: ProgrammePlan
    organisations: tuple[OrganisationPlan, ...]
    parks: tuple[ParkPlan, ...]
    facilities: tuple[FacilityPlan, ...]
    shared_facilities: tuple[SharedFacilityPlan, ...]
    users: tuple[UserPlan, ...]
    consents: tuple[ConsentPlan, ...]
    discharge: DischargeDemo  # routes, permits, intake limits and lab scenarios (demo/discharge.py)
    seed: int = DEFAULT_SEED
    today: datetime.date | None = None  # the day it is built for (consents newly granted, withdrawn, expiring)


def tier_for(processes) -> int:
    """Tier 1 makes finished goods, tier 3 processes raw material, tier 2 the materials between."""
    processes = set(processes)
    if processes & {Process.CUT_MAKE_TRIM, Process.FOOTWEAR_ASSEMBLY}:
        return 1
    if processes <= {Process.SPINNING, Process.TANNERY}:
        return 3
    return 2


def ascii_name(text: str) -> str:
    """'Đức Thịnh' -> 'Duc Thinh' (Vietnamese diacritics dropped for the English name)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def plan(seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> DemoPlan:
    """Everything the demo will contain, decided by ``random.Random(seed)`` and the day it is built for
    (``today``, by default ``site.periods.today()``) alone."""
    today = today or periods.today()
    rng = random.Random(seed)
    facilities = _plan_facilities(rng)
    shared = _plan_shared_facilities(rng, facilities)
    consents, manager_facility = _plan_consents(rng, facilities)
    consents += _plan_recent_consents(random.Random(f"{seed}:recent consents"), facilities, consents, today)
    users = _plan_users(manager_facility)
    consents = _with_biomass_consent(consents, manager_facility)
    return DemoPlan(
        programme=ProgrammePlan(**PROGRAMME),
        organisations=_plan_organisations(),
        parks=tuple(_plan_park(p) for p in PARKS),
        facilities=facilities,
        shared_facilities=shared,
        users=users,
        consents=consents,
        discharge=plan_discharge(facilities, shared, users),
        seed=seed,
        today=today,
    )


def _plan_organisations() -> tuple[OrganisationPlan, ...]:
    groups = [OrganisationPlan(g.name, OrganisationKind.MANUFACTURER_GROUP, g.country, "") for g in GROUPS]
    others = [OrganisationPlan(o.name, o.kind, o.country, o.website) for o in ORGANISATIONS]
    return tuple(others[:1] + groups + others[1:])


def _plan_park(p: _Park) -> ParkPlan:
    return ParkPlan(p.name, p.name_local, p.country, p.province, p.latitude, p.longitude, Decimal(p.area_ha),
                    p.operator, p.year_established)


class _Slot(NamedTuple):
    """A facility to be: where it is and what kind of factory it is."""

    country: str
    park: str | None
    latitude: float
    longitude: float
    jitter: float
    address: str
    profile: str
    place: str  # the park, or the town


def _slots() -> list[_Slot]:
    slots = [_Slot(p.country, p.name, p.latitude, p.longitude, PARK_JITTER, p.address, profile, p.name)
             for p in PARKS for profile in p.profiles]
    slots += [_Slot(t.country, None, t.latitude, t.longitude, TOWN_JITTER, t.address, profile, t.name)
              for t in TOWNS for profile in t.profiles]
    return slots


def _group_runs(group: _Group, slot: _Slot) -> bool:
    return slot.country in group.local_stems and (group.profiles is None or slot.profile in group.profiles)


def _assign_owners(rng: random.Random, slots: list[_Slot]) -> list[_Group | None]:
    """Each group owns at least GROUP_MIN_FACILITIES facilities; about a third of the rest belong to a group."""
    owners: list[_Group | None] = [None] * len(slots)
    # Groups with the fewest possible facilities choose first, so that each finds enough.
    for group in sorted(GROUPS, key=lambda g: sum(_group_runs(g, slot) for slot in slots)):
        free = [i for i, slot in enumerate(slots) if owners[i] is None and _group_runs(group, slot)]
        for i in rng.sample(free, GROUP_MIN_FACILITIES):
            owners[i] = group
    for i, slot in enumerate(slots):
        candidates = [g for g in GROUPS if _group_runs(g, slot)]
        if owners[i] is None and candidates and rng.random() < 0.35:
            owners[i] = rng.choice(candidates)
    return owners


def _fill_address(rng: random.Random, pattern: str) -> str:
    plot = f"{rng.choice('ABCDEFG')}{rng.randint(1, 24)}"
    return pattern.format(n=rng.randint(1, 240), m=rng.randint(1, 12), plot=plot)


def _os_hub_id(rng: random.Random, country: str, taken: set[str]) -> str:
    """Open Supply Hub style (country, year, day of the year, seven characters), not in ``taken``."""
    while True:
        code = "".join(rng.choices(OS_HUB_CHARS, k=7))
        os_id = f"{country}{rng.randint(2019, 2025)}{rng.randint(1, 365):03d}{code}"
        if os_id not in taken:
            taken.add(os_id)
            return os_id


def _names(stem: str, local_stem: str, slot: _Slot, taken: set[str]) -> tuple[str, str]:
    """English and local names, numbered ("No. 2") when the name is taken (a group's second plant)."""
    english = f"{stem} {PROFILES[slot.profile].english}"
    number = 1
    while (english if number == 1 else f"{english} No. {number}") in taken:
        number += 1
    patterns, numbering = LOCAL_NAMES.get(slot.country, ({}, ""))
    local = patterns[slot.profile].format(stem=local_stem) if local_stem and slot.profile in patterns else ""
    if number > 1:
        english = f"{english} No. {number}"
        if local:
            suffix = numbering.format(n=number)
            local += suffix.translate(KHMER_DIGITS) if slot.country == "KH" else suffix
    return english, local


def _stems(owner: _Group | None, country: str, decks: dict, rng: random.Random) -> tuple[str, str]:
    """(Latin, local) name stem: the owning group's, else the next from the country's shuffled deck."""
    if owner is not None:
        return owner.stem, owner.local_stems[country]
    if not decks[country]:  # more independent factories than stems: reshuffle, names get numbered
        decks[country] = rng.sample(STEMS[country], len(STEMS[country]))
    latin, local = decks[country].pop()
    return latin or ascii_name(local), local


def _plan_facilities(rng: random.Random) -> tuple[FacilityPlan, ...]:
    slots = _slots()
    owners = _assign_owners(rng, slots)
    decks = {country: rng.sample(stems, len(stems)) for country, stems in STEMS.items()}
    with_os_id = set(rng.sample(range(len(slots)), OS_HUB_IDS))
    names: set[str] = set()
    os_ids: set[str] = set()
    facilities = []
    for i, (slot, owner) in enumerate(zip(slots, owners, strict=True)):
        name, name_local = _names(*_stems(owner, slot.country, decks, rng), slot, names)
        names.add(name)
        profile = PROFILES[slot.profile]
        total = rng.randint(*profile.headcount)
        women = round(total * rng.uniform(*profile.women_share))
        facilities.append(FacilityPlan(
            name=name,
            name_local=name_local,
            organisation=owner.name if owner else None,
            address=_fill_address(rng, slot.address),
            country=slot.country,
            latitude=round(slot.latitude + rng.uniform(-slot.jitter, slot.jitter), 5),
            longitude=round(slot.longitude + rng.uniform(-slot.jitter, slot.jitter), 5),
            park=slot.park,
            tier=tier_for(profile.processes),
            processes=profile.processes,
            product_types=rng.choice(profile.product_choices),
            headcount_female=women,
            headcount_male=total - women,
            os_hub_id=_os_hub_id(rng, slot.country, os_ids) if i in with_os_id else "",
            profile=slot.profile,
            place=slot.place,
        ))
    return tuple(facilities)


def _plan_shared_facilities(rng: random.Random, facilities) -> tuple[SharedFacilityPlan, ...]:
    shared = []
    for park, rows in SHARED.items():
        in_park = [f for f in facilities if f.park == park]
        for kind, name, capacity, rule in rows:
            if rule == "all":
                served = in_park
            elif rule == "wet":
                served = [f for f in in_park if WET_PROCESSES & set(f.processes)]
            else:
                chosen = set(rng.sample(range(len(in_park)), (len(in_park) + 1) // 2))
                served = [f for i, f in enumerate(in_park) if i in chosen]
            shared.append(SharedFacilityPlan(park, kind, name, capacity, tuple(f.name for f in served)))
    return tuple(shared)


def _consent_start(rng: random.Random, year: int | None = None) -> datetime.date:
    return datetime.date(year or rng.choice((2024, 2025)), rng.randint(1, 12), 1)


def _plan_consents(rng: random.Random, facilities) -> tuple[tuple[ConsentPlan, ...], str]:
    """Twelve facilities share data with the brands: the first with brand one, the next
    with brand two, the third with both, and so on. The manager's facility (first)
    also once shared with brand two and revoked it; the last facility's consent to
    brand two has expired. A few facilities share business cases with the financier."""
    first_park = PARKS[0].name
    manager_facility = rng.choice([f.name for f in facilities if f.park == first_park])
    others = [f.name for f in facilities if f.country in CONSENT_COUNTRIES and f.name != manager_facility]
    consenting = [manager_facility, *rng.sample(others, CONSENTING_FACILITIES - 1)]
    consents = []
    for i, facility in enumerate(consenting):
        granted_by = "manager" if facility == manager_facility else OPERATOR
        brands = (BRANDS[:1], BRANDS[1:], BRANDS)[i % 3]
        for brand in brands:
            # The manager's facility shares at least its environmental data: something to show.
            kinds = rng.choice(CONSENT_KIND_SETS[2:] if i == 0 else CONSENT_KIND_SETS)
            if i == len(consenting) - 1 and brand == BRANDS[1]:
                consents.append(ConsentPlan(facility, brand, kinds, _consent_start(rng, 2023), EXPIRED_UNTIL, granted_by))
            else:
                consents.append(ConsentPlan(facility, brand, kinds, _consent_start(rng), None, granted_by))
        if i == 0:
            consents.append(ConsentPlan(facility, BRANDS[1], rng.choice(CONSENT_KIND_SETS), _consent_start(rng, 2024),
                                        None, granted_by, revoked=True, revoked_on=REVOKED_ON))
    for facility in rng.sample(consenting, FINANCIER_CONSENTS):
        granted_by = "manager" if facility == manager_facility else OPERATOR
        consents.append(ConsentPlan(facility, FINANCIER, FINANCIER_KINDS, _consent_start(rng, 2025), None, granted_by))
    return tuple(consents), manager_facility


#: Days before the build day: a consent newly granted, one withdrawn; days after it: one running out.
NEW_CONSENT_DAYS, WITHDRAWN_DAYS, EXPIRING_DAYS = 9, 6, 20
#: The manager's revocation of its consent to the second brand, long before the build (not news any more).
REVOKED_ON = datetime.date(2025, 3, 14)


def _plan_recent_consents(rng: random.Random, facilities, consents, today: datetime.date) -> tuple[ConsentPlan, ...]:
    """What the brand and the financier find new on the build day: a facility sharing with the first brand since
    NEW_CONSENT_DAYS ago, another that withdrew its consent to it WITHDRAWN_DAYS ago, and a consent to the
    financier that runs out in EXPIRING_DAYS."""
    # the manager's facility is left out: its consents are the manager's own (granted and revoked by it)
    sharing = {c.facility for c in consents} - {consents[0].facility}
    with_brand = {c.facility for c in consents if c.grantee == BRANDS[0]}
    with_financier = {c.facility for c in consents if c.grantee == FINANCIER}
    others = sorted(f.name for f in facilities if f.country in CONSENT_COUNTRIES and f.name not in {c.facility for c in consents})
    new, withdrawn = rng.choice(sorted(sharing - with_brand)), rng.choice(others)
    expiring = rng.choice(sorted(sharing - with_financier - {new}))
    granted = today - datetime.timedelta(days=NEW_CONSENT_DAYS)
    a_year_ago = datetime.date(today.year - 1, today.month, 1)
    return (
        ConsentPlan(new, BRANDS[0], ("profile", "environmental"), granted, None, OPERATOR, granted_on=granted),
        ConsentPlan(withdrawn, BRANDS[0], ("profile", "environmental", "ghg"), a_year_ago, None, OPERATOR, revoked=True,
                    revoked_on=today - datetime.timedelta(days=WITHDRAWN_DAYS)),
        ConsentPlan(expiring, FINANCIER, FINANCIER_KINDS, a_year_ago, today + datetime.timedelta(days=EXPIRING_DAYS), OPERATOR),
    )


def _plan_users(manager_facility: str) -> tuple[UserPlan, ...]:
    scopes = {
        "": ("", ""),
        "programme": ("programme", PROGRAMME["name"]),
        "park": ("park", PARKS[0].name),
        "facility": ("facility", manager_facility),
        "brand": ("organisation", BRANDS[0]),
        "financier": ("organisation", FINANCIER),
    }
    return tuple(UserPlan(u.username, str(u.role), *scopes[u.scope]) for u in USERS)


# --- the summary -----------------------------------------------------------------

class DemoLogin(NamedTuple):
    username: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoSummary:
    programme: str
    code: str
    created: bool  # False when the demo was there already
    parks: int
    facilities: int
    facilities_outside_parks: int
    shared_facilities: int
    organisations: int
    users: int
    memberships: int
    consents: int
    consents_active: int
    passwords: bool  # True when the demo logins accept DEMO_PASSWORD
    logins: tuple[DemoLogin, ...]
    through: datetime.date | None = None  # the last month of its data (its last build's)
    added_months: int = 0  # facility-months added by this run to a demo that was there already

    def lines(self) -> list[str]:
        """The summary as text, for the command line."""
        if self.created:
            state = "created"
        elif self.added_months:
            state = f"already present, extended by {self.added_months} facility-months"
        else:
            state = "already present, nothing changed"
        through = f" Data through {self.through:%Y-%m}." if self.through else ""
        lines = [
            f"Demo programme {self.programme} ({self.code}): {state}.{through}",
            f"  {self.parks} parks, {self.facilities} facilities ({self.facilities_outside_parks} outside parks), "
            f"{self.shared_facilities} shared facilities, {self.organisations} organisations, "
            f"{self.users} users, {self.memberships} memberships, {self.consents} consents ({self.consents_active} active).",
        ]
        if self.passwords:
            lines.append(f"Logins (password: {DEMO_PASSWORD}):")
        else:
            lines.append("Logins (passwords unusable outside demo mode; set one with `manage changepassword USER`):")
        width = max((len(login.username) for login in self.logins), default=0)
        role_width = max((len(login.role) for login in self.logins), default=0)
        lines += [f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.scope}" for login in self.logins]
        return lines


def summarise(*, created: bool = False, added_months: int = 0) -> DemoSummary:
    """Describe the demo programme that is in the database (counted there, not from a plan)."""
    programme = Programme.objects.get(code=DEMO_CODE)
    parks = programme.parks.all()
    facilities = Facility.objects.filter(Q(programmes=programme) | Q(park__in=parks)).distinct()
    consents = Consent.objects.filter(facility__in=facilities)
    users = list(get_user_model().objects.filter(username__in=DEMO_USERNAMES))
    return DemoSummary(
        programme=programme.name,
        code=programme.code,
        created=created,
        parks=parks.count(),
        facilities=facilities.count(),
        facilities_outside_parks=facilities.filter(park__isnull=True).count(),
        shared_facilities=SharedFacility.objects.filter(park__in=parks).count(),
        organisations=Organisation.objects.filter(name__in=[o.name for o in _plan_organisations()]).count(),
        users=len(users),
        memberships=Membership.objects.filter(user__in=users).count(),
        consents=consents.count(),
        consents_active=sum(1 for c in consents if c.is_active()),
        passwords=bool(users) and all(u.has_usable_password() for u in users),
        logins=_logins(users),
        through=_through(),
        added_months=added_months,
    )


def _through() -> datetime.date | None:
    last = _last_build()
    return last[1].through if last else None


def _logins(users) -> tuple[DemoLogin, ...]:
    by_name = {u.username: u for u in users}
    logins = []
    for username in DEMO_USERNAMES:
        user = by_name.get(username)
        if user is None:
            continue
        if user.is_superuser:
            logins.append(DemoLogin(username, OPERATOR, "the whole installation (superuser)"))
        memberships = Membership.objects.filter(user=user).select_related("programme", "organisation", "park", "facility")
        logins += [DemoLogin(username, m.role, str(m.scope)) for m in memberships.order_by("pk")]
    return tuple(logins)


# --- loading ---------------------------------------------------------------------

class DemoConflict(Exception):
    """Records the demo needs to create exist already, outside a demo programme."""


def load_demo(*, seed: int = DEFAULT_SEED, with_passwords: bool | None = None) -> DemoSummary:
    """Create the demo programme from ``plan(seed, today)`` in one transaction; if it exists, extend it.

    The demo is anchored to the day it is built (``site.periods.today()``): the same day and seed give the same
    database. Run again on a later day, it adds the months, samples and chemical uses that have passed since its
    last build (with the seed it was built with, whatever ``seed`` says) and changes nothing else; on the same
    day it adds nothing. The demo logins get DEMO_PASSWORD only in demo mode (``settings.DEMO_MODE``) or when
    ``with_passwords=True``; otherwise their passwords are unusable.
    """
    if with_passwords is None:
        with_passwords = settings.DEMO_MODE
    today = periods.today()
    with transaction.atomic():
        if Programme.objects.filter(code=DEMO_CODE).exists():
            return _extend(today)
        demo = plan(seed, today)
        _check_conflicts(demo)
        _write(demo, with_passwords=with_passwords, today=today)
        _record_build(demo.seed, today, previous=None)
        return summarise(created=True)


#: The audit trail's record of each build of the demo: its day, seed and last month (object type, object id).
BUILD_RECORD = ("demo.build", DEMO_CODE)


def _builds():
    return AuditEvent.objects.filter(object_type=BUILD_RECORD[0], object_id=BUILD_RECORD[1], via=VIA)


def _record_build(seed: int, today: datetime.date, previous: dict | None) -> None:
    from loomlight.demo.monthly import last_complete_month

    operator = get_user_model().objects.filter(username=OPERATOR, is_superuser=True).first()
    through = last_complete_month(today)
    audit_record_event(actor=operator, action=AuditAction.CREATE if previous is None else AuditAction.UPDATE,
                       object_type=BUILD_RECORD[0], object_id=BUILD_RECORD[1],
                       object_repr=f"Demo data through {through:%Y-%m}",
                       before=previous, after={"day": today.isoformat(), "seed": seed, "through": through.isoformat()},
                       via=VIA)


def _last_build() -> tuple[int, Since] | None:
    from loomlight.demo.periodic import Since

    event = _builds().order_by("-at", "-id").first()
    if event is None:
        return None
    after = event.after
    return after["seed"], Since(datetime.date.fromisoformat(after["day"]), datetime.date.fromisoformat(after["through"]))


def _extend(today: datetime.date) -> DemoSummary:
    """Add what has passed since the demo's last build; nothing when it was built this month already."""
    from loomlight.demo.monthly import last_complete_month
    from loomlight.demo.periodic import Since
    from loomlight.reporting.models import ActivityValue

    last = _last_build()
    if last is None:  # built before the demo recorded its builds: its data ran to December 2025
        through = ActivityValue.objects.filter(facility__in=_demo_facilities()).aggregate(last=Max("period"))["last"]
        if through is None:
            return summarise(created=False)
        last = DEFAULT_SEED, Since(monthly_after(through), through)
    seed, since = last
    if today <= since.day or last_complete_month(today) <= since.through:
        return summarise(created=False)
    demo = plan(seed, today)
    facilities = {f.name: f for f in _demo_facilities()}
    if set(facilities) != {f.name for f in demo.facilities}:
        raise DemoConflict(f"The demo's facilities are not those of seed {seed}: it cannot be extended.")
    months = _write_series(demo, today, since=since, cases_day=_first_build_day())
    previous = {"day": since.day.isoformat(), "seed": seed, "through": since.through.isoformat()}
    _record_build(seed, today, previous=previous)
    return summarise(created=False, added_months=months)


def monthly_after(period: datetime.date) -> datetime.date:
    """The first day of the month after ``period``'s."""
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _demo_facilities():
    programme = Programme.objects.get(code=DEMO_CODE)
    return Facility.objects.filter(Q(programmes=programme) | Q(park__in=programme.parks.all())).distinct()


def _first_build_day() -> datetime.date | None:
    """The day the demo was first built (its business cases were planned for it), None before builds were recorded."""
    event = _builds().order_by("at", "id").first()
    return datetime.date.fromisoformat(event.after["day"]) if event is not None else None


def _write_series(demo: DemoPlan, today: datetime.date, since, cases_day: datetime.date | None = None) -> int:
    """The dated series (demo/periodic.py) up to ``today``, after ``since`` when extending; the inventories
    computed now rather than by the worker, so that the demo's pages show them at once. The months of the
    facilities whose measures were implemented follow the business cases planned on ``cases_day`` (the first
    build's day; none when None)."""
    from loomlight.demo.cases import monthly_factor
    from loomlight.demo.periodic import write_labs_and_chemicals, write_monthly
    from loomlight.inventories.services import recompute_stale

    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    facilities = {f.name: f for f in _demo_facilities()}
    plants = {s.name: s for s in SharedFacility.objects.filter(park__name__in=[p.name for p in demo.parks], kind="cetp")}
    factor = monthly_factor(demo, cases_day) if cases_day is not None else None
    months = write_monthly(demo, facilities, users, today, since, factor=factor)
    write_labs_and_chemicals(demo, facilities, plants, users, today, since)
    recompute_stale()
    return months


def _check_conflicts(demo: DemoPlan) -> None:
    found = {
        "usernames": get_user_model().objects.filter(username__in=[u.username for u in demo.users]),
        "organisations": Organisation.objects.filter(name__in=[o.name for o in demo.organisations]),
        "industrial parks": IndustrialPark.objects.filter(name__in=[p.name for p in demo.parks]),
        "programmes": Programme.objects.filter(name=demo.programme.name),
        "Open Supply Hub IDs": Facility.objects.filter(os_hub_id__in=[f.os_hub_id for f in demo.facilities if f.os_hub_id]),
    }
    clashes = [f"{label}: {', '.join(sorted(str(obj) for obj in qs))}" for label, qs in found.items() if qs.exists()]
    if clashes:
        raise DemoConflict(
            f"The demo programme {DEMO_CODE!r} is missing, but these demo records exist already: " + "; ".join(clashes)
            + ". Load the demo into an empty database."
        )


def _write(demo: DemoPlan, *, with_passwords: bool, today: datetime.date) -> None:
    # One hash for the shared demo password: hashing it once per login would take seconds.
    password_hash = make_password(DEMO_PASSWORD) if with_passwords else None
    users = {demo.users[0].username: _create_user(demo.users[0], password_hash)}
    operator = users[OPERATOR]
    organisations = {
        o.name: services.organisation_create(
            by=operator, data={"name": o.name, "kind": o.kind, "country": o.country, "website": o.website}, via=VIA)
        for o in demo.organisations
    }
    programme = _create_programme(operator, demo.programme, organisations)
    parks = {p.name: _create_park(operator, p, organisations, programme) for p in demo.parks}
    facilities = {f.name: _create_facility(operator, f, organisations, parks, programme) for f in demo.facilities}
    for s in demo.shared_facilities:
        services.shared_facility_create(
            by=operator, park=parks[s.park], data={"kind": s.kind, "name": s.name, "capacity": s.capacity},
            serves=[facilities[name] for name in s.serves], via=VIA)
    scopes = {"programme": {programme.name: programme}, "organisation": organisations, "park": parks, "facility": facilities}
    for u in demo.users[1:]:
        users[u.username] = _create_user(u, password_hash)
        scope = scopes[u.scope_type][u.scope_name]
        services.membership_create(by=operator, user=users[u.username], role=u.role, scope_type=u.scope_type,
                                   scope_id=scope.pk, via=VIA)
    _create_consents(demo.consents, users, facilities, organisations, today)
    _share_central_plant(users["park"], organisations[BRANDS[0]])
    plants = {s.name: s for s in SharedFacility.objects.filter(park__in=parks.values(), kind="cetp")}
    write_discharge(demo.discharge, users=users, facilities=facilities, plants=plants, via=VIA)
    _write_series(demo, today, since=None, cases_day=today)
    _write_assessments(demo, users, facilities, parks, today)
    _write_cases(demo, users, facilities, parks, programme, today)
    _write_biomass(demo, users, facilities, programme, today)


def _with_biomass_consent(consents: tuple, manager_facility: str) -> tuple:
    from loomlight.demo.biomass import with_biomass_consent

    return with_biomass_consent(consents, manager_facility)


def _write_biomass(demo: DemoPlan, users: dict, facilities: dict, programme, today: datetime.date) -> None:
    """The biomass part (demo/biomass.py): suppliers, streams, screenings, a fuel switch, the guideline's comment
    period; after the months and the business cases."""
    from loomlight.demo.biomass import write_biomass

    write_biomass(demo, facilities, users, programme, today)


def _write_assessments(demo: DemoPlan, users: dict, facilities: dict, parks: dict, today: datetime.date) -> None:
    """The assessment cycles, actions and joint plans (demo/assessments.py), after the months they read from data."""
    from loomlight.demo.assessments import write_assessments

    people = dict(users)
    people["operator"] = get_user_model().objects.get(username=OPERATOR)
    people["manager_facility"] = Membership.objects.get(user=users["manager"], role=Role.FACILITY_MANAGER).facility_id
    people["park_id"] = Membership.objects.get(user=users["park"], role=Role.PARK_OPERATOR).park_id
    write_assessments(facilities, parks, people, today, demo.seed)


def _write_cases(demo: DemoPlan, users: dict, facilities: dict, parks: dict, programme, today: datetime.date) -> None:
    """The business cases (demo/cases.py), after the months they are sized on and measured with."""
    from loomlight.demo.cases import write_cases

    people = {"admin": users["admin"], "manager": users["manager"], "park": users["park"], "programme": programme}
    write_cases(demo, facilities, parks, people, today)


def _create_user(u: UserPlan, password_hash: str | None):
    user = services.user_create(username=u.username, password=None, email=f"{u.username}@demo.invalid",
                                is_superuser=u.role == OPERATOR)
    if password_hash is not None:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def _create_programme(operator, p: ProgrammePlan, organisations) -> Programme:
    # Programmes have no registry service (operators create them in the admin, audited);
    # the demo records its programme the same way.
    programme = Programme(name=p.name, code=p.code, description=p.description, implementer=organisations[p.implementer],
                          start_year=p.start_year, end_year=p.end_year)
    programme.full_clean()
    programme.save()
    audit_record(actor=operator, action=AuditAction.CREATE, obj=programme, before=None, after=snapshot(programme), via=VIA)
    return programme


def _create_park(operator, p: ParkPlan, organisations, programme) -> IndustrialPark:
    data = {
        "name": p.name, "name_local": p.name_local, "country": p.country, "province": p.province,
        "latitude": p.latitude, "longitude": p.longitude, "area_ha": p.area_ha,
        "operator": organisations[p.operator], "year_established": p.year_established,
    }
    return services.park_create(by=operator, data=data, programme=programme, via=VIA)


def _create_facility(operator, f: FacilityPlan, organisations, parks, programme) -> Facility:
    data = {
        "name": f.name, "name_local": f.name_local, "organisation": organisations.get(f.organisation),
        "address": f.address, "country": f.country, "latitude": f.latitude, "longitude": f.longitude,
        "park": parks.get(f.park), "tier": f.tier, "processes": list(f.processes),
        "product_types": list(f.product_types), "headcount_female": f.headcount_female,
        "headcount_male": f.headcount_male, "os_hub_id": f.os_hub_id,
    }
    # Facilities in a park are enrolled through their park; the others directly.
    return services.facility_create(by=operator, data=data, programme=None if f.park else programme, via=VIA)


#: The park operator shares its central plant's lab results with the first brand (the plant's tenants' consents
#: never do): from the start of 2025.
SHARED_PLANT_CONSENT_FROM = datetime.date(2025, 1, 1)


def _share_central_plant(park_operator, brand) -> None:
    from loomlight.registry.models import Membership, SharedFacility

    park_id = Membership.objects.get(user=park_operator, role=Role.PARK_OPERATOR).park_id
    plant = SharedFacility.objects.filter(park_id=park_id, kind="cetp").order_by("pk").first()
    if plant is not None:
        services.shared_consent_grant(by=park_operator, shared_facility=plant, grantee=brand, data_kinds=["wastewater"],
                                      valid_from=SHARED_PLANT_CONSENT_FROM, via=VIA)


def _create_consents(consents, users, facilities, organisations, today: datetime.date) -> None:
    """Grant every consent, then revoke those revoked (after every grant), each through the registry services;
    then date each grant and revocation on its planned day (the consent and its audit event alike)."""
    revoke, dated = [], []
    for c in consents:
        consent = services.consent_grant(
            by=users[c.granted_by], facility=facilities[c.facility], grantee=organisations[c.grantee],
            data_kinds=list(c.data_kinds), valid_from=c.valid_from, valid_until=c.valid_until, via=VIA)
        dated.append((consent, c))
        if c.revoked:
            revoke.append((users[c.granted_by], consent))
    for by, consent in revoke:
        services.consent_revoke(by=by, consent=consent, via=VIA)
    for consent, c in dated:
        granted = min(c.granted_on or c.valid_from, today)
        revoked = (c.revoked_on or today) if c.revoked else None
        _date_consent(consent, _moment(granted, 9, today), _moment(revoked, 15, today) if revoked else None)


def _moment(day: datetime.date, hour: int, today: datetime.date) -> datetime.datetime:
    """``day`` at ``hour`` UTC, before the build day (demo/periodic.build_start)."""
    from loomlight.demo.periodic import build_start

    latest = build_start(today) - datetime.timedelta(hours=1)
    return min(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), latest)


def _date_consent(consent, granted_at: datetime.datetime, revoked_at: datetime.datetime | None) -> None:
    """Move a consent's grant (and revocation) to the moments of the demo's story, with their audit events."""
    values = {"granted_at": granted_at, **({"revoked_at": revoked_at} if revoked_at else {})}
    type(consent).objects.filter(pk=consent.pk).update(**values)
    events = AuditEvent.objects.filter(object_type=consent._meta.label_lower, object_id=str(consent.pk), via=VIA)
    for event in events:
        for side in (event.before, event.after):
            for field, value in values.items():
                if side is not None and side.get(field) is not None:
                    side[field] = value.isoformat()
        event.at = granted_at if event.action == AuditAction.CREATE else (revoked_at or event.at)
        event.save(update_fields=["before", "after", "at"])
