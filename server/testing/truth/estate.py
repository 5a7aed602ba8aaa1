"""The estate: three sites in three timezones, two of them with daylight saving.

Checkpoints are laid out along each night route, tens to a couple of hundred metres apart, the
others placed beside them; the seed moves them, the shape stays.
"""

import math
import random

from server.testing.truth.model import (
    Asset,
    Checkpoint,
    Estate,
    Handheld,
    Person,
    Plan,
    Route,
    Site,
    Stop,
    offset,
)

# (code, name, indoor): the night route's stops in walking order, then the other places.
_SHANGHAI = (
    ("SH-NG", "北门 North gate", False),
    ("SH-B3", "3号楼大堂 Block 3 lobby", False),
    ("SH-POOL", "泳池 Pool", False),
    ("SH-B2", "地下车库B2 Car park B2", True),
    ("SH-SUB", "配电房 Substation", False),
    ("SH-SG", "南门 South gate", False),
)
_SHANGHAI_MORE = (
    ("SH-KG", "幼儿园围栏 Kindergarten fence", False),
    ("SH-PLANT", "设备房 Plant room", True),
    ("SH-STORE", "仓库 Store room", True),
)
_BERLIN = (
    ("BE-GATE", "Tor 1 Main gate", False),
    ("BE-DOCK", "Laderampe Loading dock", False),
    ("BE-HALL", "Halle B Hall B", False),
    ("BE-FIRE", "Brandschutztür Fire door", False),
    ("BE-YARD", "Hof Yard", False),
    ("BE-P1", "Tiefgarage -1 Car park -1", True),
    ("BE-P2", "Tiefgarage -2 Car park -2", True),
)
_NEW_YORK = (
    ("NY-LOBBY", "Lobby", False),
    ("NY-PLAZA", "Plaza", False),
    ("NY-WEST", "West fence", False),
    ("NY-LOAD", "Loading bay", False),
    ("NY-G1", "Garage level 1", True),
    ("NY-G2", "Garage level 2", True),
)
_NEW_YORK_MORE = (("NY-CAFE", "Cafe terrace", False),)


def _layout(
    rng: random.Random,
    centre: tuple[float, float],
    path: tuple[tuple[str, str, bool], ...],
    more: tuple[tuple[str, str, bool], ...] = (),
) -> tuple[Checkpoint, ...]:
    """The path's places one after another, 70 to 200 m apart; the others 40 to 120 m off it."""
    lat, lon = centre
    heading = rng.uniform(0, 2 * math.pi)
    placed = []
    for code, name, indoor in path:
        placed.append(_place(code, name, indoor, lat, lon))
        heading += rng.uniform(-1.6, 1.6)
        step = rng.uniform(70, 200)
        lat, lon = offset(lat, lon, step * math.sin(heading), step * math.cos(heading))
    for code, name, indoor in more:
        near = rng.choice(placed)
        angle, step = rng.uniform(0, 2 * math.pi), rng.uniform(40, 120)
        spot = offset(near.latitude, near.longitude, step * math.sin(angle), step * math.cos(angle))
        placed.append(_place(code, name, indoor, *spot))
    return tuple(placed)


def _place(code: str, name: str, indoor: bool, lat: float, lon: float) -> Checkpoint:
    return Checkpoint(code, name, lat, lon, 15 if indoor else 25, indoor)


def _stops(*codes: str, optional: tuple[str, ...] = (), note: tuple[str, ...] = ()) -> tuple:
    return tuple(Stop(c, c in optional, c in note) for c in codes)


def shanghai(rng: random.Random) -> Site:
    night = tuple(c for c, _, _ in _SHANGHAI)
    return Site(
        code="SH",
        name="湖畔花园 Lakeside Gardens",
        timezone="Asia/Shanghai",
        inactivity_min=75,  # hourly rounds: a guard is never silent for much over 45 minutes
        checkpoints=_layout(rng, (31.2304, 121.4737), _SHANGHAI, _SHANGHAI_MORE),
        routes=(
            Route("夜巡 Night patrol", "strict", _stops(*night)),
            Route(
                "日巡 Day perimeter",
                "any",
                _stops("SH-NG", "SH-KG", "SH-SG", "SH-POOL", "SH-PLANT", optional=("SH-KG",)),
            ),
        ),
        plans=(
            Plan(
                "SH night", "夜巡 Night patrol", (22, 23, 0, 1, 2, 3, 4, 5), 45, 15, "SH-N1", True
            ),
            Plan("SH day", "日巡 Day perimeter", (9, 15), 90, 15, "SH-D1", False),
        ),
        handhelds=(
            Handheld("SH-N1", "巡更机 1 Night handheld", "sh-night"),
            Handheld("SH-D1", "巡更机 2 Day handheld", "sh-day"),
            Handheld("SH-E1", "工程机 1 Engineering handheld", "sh-engineer"),
        ),
        people=(
            Person("sh-night", "张伟 Zhang Wei", "guard"),
            Person("sh-day", "王芳 Wang Fang", "guard"),
            Person("sh-engineer", "刘强 Liu Qiang", "engineer"),
        ),
        assets=(Asset("SH-G1", "1号备用发电机 Generator G1", 3, 12, "SH-E1"),),
        revoked="SH-STORE",
    )


def berlin(rng: random.Random) -> Site:
    night = tuple(c for c, _, _ in _BERLIN)
    return Site(
        code="BE",
        name="Spreeufer Logistik",
        timezone="Europe/Berlin",
        # Rounds two hours apart, three on the autumn night: the limit covers the longest gap.
        inactivity_min=180,
        checkpoints=_layout(rng, (52.5008, 13.4442), _BERLIN),
        routes=(
            Route("Nachtrunde Night round", "strict", _stops(*night, note=("BE-FIRE",))),
            Route(
                "Tagrunde Day round",
                "any",
                _stops("BE-GATE", "BE-DOCK", "BE-YARD", "BE-FIRE", note=("BE-FIRE",)),
            ),
        ),
        plans=(
            Plan("BE night", "Nachtrunde Night round", (22, 0, 2, 4, 6), 75, 15, "BE-N1", True),
            Plan("BE day", "Tagrunde Day round", (10, 16), 90, 15, "BE-D1", False),
        ),
        handhelds=(
            Handheld("BE-N1", "Handheld Nacht", "be-night"),
            Handheld("BE-D1", "Handheld Tag", "be-day"),
        ),
        people=(
            Person("be-night", "Jonas Becker", "guard"),
            Person("be-day", "Mia Schulz", "guard"),
        ),
    )


def new_york(rng: random.Random) -> Site:
    night = tuple(c for c, _, _ in _NEW_YORK)
    return Site(
        code="NY",
        name="Hudson Annex",
        timezone="America/New_York",
        inactivity_min=180,
        checkpoints=_layout(rng, (40.7540, -74.0020), _NEW_YORK, _NEW_YORK_MORE),
        routes=(
            Route("Night tour", "strict", _stops(*night)),
            Route(
                "Day tour",
                "any",
                _stops(
                    "NY-LOBBY",
                    "NY-PLAZA",
                    "NY-CAFE",
                    "NY-LOAD",
                    "NY-G1",
                    "NY-G2",
                    optional=("NY-CAFE",),
                ),
            ),
        ),
        plans=(
            Plan("NY night", "Night tour", (23, 1, 3, 5), 60, 15, "NY-N1", True),
            # The garage has no signal: the day tour's window is long enough for a late sync.
            Plan("NY day", "Day tour", (8, 13), 180, 15, "NY-D1", False),
        ),
        handhelds=(
            Handheld("NY-N1", "Night handheld", "ny-night"),
            Handheld("NY-D1", "Day handheld", "ny-day"),
        ),
        people=(
            Person("ny-night", "Marcus Reed", "guard"),
            Person("ny-day", "Ana Torres", "guard"),
        ),
    )


def build(rng: random.Random) -> Estate:
    return Estate((shanghai(rng), berlin(rng), new_york(rng)))
