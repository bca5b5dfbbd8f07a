"""The four disputed islands, with sourced figures.

Every figure pins exactly one source (:class:`Source`); alternative figures
found in other sources are recorded in the source's ``note`` and discussed in
``docs/model/islands.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidModelError

__all__ = ["ISLANDS", "Island", "Source", "island", "island_shares"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a figure comes from.

    Parameters
    ----------
    citation : str
        The pinned source of the figure.
    note : str, optional
        Caveats and alternative figures from other sources.
    """

    citation: str
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.citation, str) or not self.citation.strip():
            raise InvalidModelError(
                f"a Source needs a non-empty citation, got {self.citation!r}"
            )


AREA_SOURCE = Source(
    citation=(
        "Geospatial Information Authority of Japan, areas of prefectures, cities, "
        "towns and villages (2020 land survey), as tabulated by the Government of "
        "Japan for the Northern Territories"
    ),
    note=(
        "Other sources differ slightly, e.g. Iturup 3,139 km² and a total of "
        "5,036 km²; Habomai is a group of islets whose area is given as a whole."
    ),
)
JAPANESE_POPULATION_SOURCE = Source(
    citation=(
        "Cabinet Office of Japan, Northern Territories Affairs Administration: "
        "Japanese residents as of August 1945 (total 17,291)"
    ),
    note="All left or were expelled by 1948-49.",
)
RUSSIAN_POPULATION_SOURCE = Source(
    citation=(
        "Rosstat, 'Population of the Russian Federation by municipality as of "
        "1 January 2018' (Kurilsky and Yuzhno-Kurilsky urban okrugs, Sakhalin "
        "Oblast), split between Kunashir and Shikotan by settlement and rounded"
    ),
    note=(
        "Approximate (about 18,000 in total): Kurilsky okrug is Iturup; "
        "Yuzhno-Kurilsky okrug is Kunashir, Shikotan and Habomai.  Habomai has "
        "no civilian residents, only a border-guard post, recorded here as 0."
    ),
)
FISH_CATCH_SOURCE = Source(
    citation=(
        "Hokkaido Government, pre-war fisheries statistics of the Northern "
        "Territories, annual average 1939-41 (tonnes)"
    ),
    note=(
        "Pre-war catch by weight, a proxy for the islands' economic (maritime) "
        "value.  Tonnage, not value: no public source found gives the pre-war "
        "catch of each island in yen, so the measure is kept in tonnes.  It "
        "overstates Habomai (62.5% of the tonnage), whose catch was mostly kelp "
        "(konbu), of low value per tonne; Japan's weight_fish has a wide prior "
        "for this reason."
    ),
)
STRATEGIC_SOURCE = Source(
    citation=(
        "Great Soviet Encyclopedia, 3rd ed. (1969-78), articles 'Ekaterina "
        "Strait' (over 22 km wide, 150-500 m deep, drift ice only in February-"
        "March) and 'Friza Strait'; Boyevaya Vakhta (Pacific Fleet newspaper), "
        "22 November 2016, as reported by RFE/RL and TASS: Bastion (Iturup) and "
        "Bal (Kunashir) coastal missile systems on combat duty"
    ),
    note=(
        "The Catherine Strait's width is given as 21 or 22 km depending on the "
        "source; the Friza Strait as ~40 km wide and up to ~1,300 m deep."
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Island:
    """One disputed island (or island group), as an immutable record.

    Parameters
    ----------
    key : str
        Short lower-case identifier used in feature names (``"habomai"``).
    name : str
        English name (``"Habomai"``).
    japanese_name, russian_name : str
        Names in Japanese (romanised, with kanji) and Russian (transliterated,
        with Cyrillic).
    area_km2 : float
        Land area in km².
    japanese_population_1945 : int
        Japanese residents in August 1945.
    russian_population_recent : int
        Russian residents c. 2018.
    fish_catch_prewar_t : float
        Pre-war annual fish catch (1939-41 average), tonnes.
    strategic_note : str
        Why the island matters militarily.
    sources : dict of str to Source
        The pinned source of each figure, keyed by field name.

    Examples
    --------
    >>> from kurilsim import ISLANDS
    >>> [island.name for island in ISLANDS]
    ['Habomai', 'Shikotan', 'Kunashir', 'Iturup']
    >>> ISLANDS[3].area_km2
    3168.0
    >>> ISLANDS[3].sources["area_km2"].citation[:38]
    'Geospatial Information Authority of Ja'
    """

    key: str
    name: str
    japanese_name: str
    russian_name: str
    area_km2: float
    japanese_population_1945: int
    russian_population_recent: int
    fish_catch_prewar_t: float
    strategic_note: str
    sources: dict[str, Source] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for name in ("area_km2", "fish_catch_prewar_t"):
            value = getattr(self, name)
            if (
                not isinstance(value, int | float)
                or not np.isfinite(value)
                or value < 0
            ):
                raise InvalidModelError(
                    f"Island {self.name!r}: {name} must be a finite number >= 0, "
                    f"got {value!r}"
                )
            object.__setattr__(self, name, float(value))
        for name in ("japanese_population_1945", "russian_population_recent"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidModelError(
                    f"Island {self.name!r}: {name} must be an integer >= 0, "
                    f"got {value!r}"
                )

    def __hash__(self) -> int:
        return hash(self.key)


_FIGURE_SOURCES = {
    "area_km2": AREA_SOURCE,
    "japanese_population_1945": JAPANESE_POPULATION_SOURCE,
    "russian_population_recent": RUSSIAN_POPULATION_SOURCE,
    "fish_catch_prewar_t": FISH_CATCH_SOURCE,
    "strategic_note": STRATEGIC_SOURCE,
}

#: The four islands in order outward from Hokkaido (the order of the "nested"
#: transfer chain: Habomai, then Shikotan, Kunashir and Iturup).
ISLANDS: tuple[Island, ...] = (
    Island(
        key="habomai",
        name="Habomai",
        japanese_name="Habomai-guntō (歯舞群島)",
        russian_name="Khabomai (Хабомаи)",
        area_km2=95.0,
        japanese_population_1945=5281,
        russian_population_recent=0,
        fish_catch_prewar_t=131_250.0,
        strategic_note=(
            "Low-lying islets 4-7 km from Hokkaido's Nemuro peninsula; rich "
            "fishing grounds, little military value beyond a border-guard post."
        ),
        sources=dict(_FIGURE_SOURCES),
    ),
    Island(
        key="shikotan",
        name="Shikotan",
        japanese_name="Shikotan-tō (色丹島)",
        russian_name="Shikotan (Шикотан)",
        area_km2=251.0,
        japanese_population_1945=1038,
        russian_population_recent=3000,
        fish_catch_prewar_t=11_250.0,
        strategic_note=(
            "Fish-processing island east of Habomai; promised to Japan with "
            "Habomai in the 1956 Joint Declaration; not on a strait exit."
        ),
        sources=dict(_FIGURE_SOURCES),
    ),
    Island(
        key="kunashir",
        name="Kunashir",
        japanese_name="Kunashiri-tō (国後島)",
        russian_name="Kunashir (Кунашир)",
        area_km2=1490.0,
        japanese_population_1945=7364,
        russian_population_recent=8500,
        fish_catch_prewar_t=45_000.0,
        strategic_note=(
            "Flanks the Catherine (Yekaterina) Strait (~21 km, deep, ice-free most "
            "of the year), an exit from the Sea of Okhotsk submarine bastion; Bal "
            "coastal missiles deployed in 2016."
        ),
        sources=dict(_FIGURE_SOURCES),
    ),
    Island(
        key="iturup",
        name="Iturup",
        japanese_name="Etorofu-tō (択捉島)",
        russian_name="Iturup (Итуруп)",
        area_km2=3168.0,
        japanese_population_1945=3608,
        russian_population_recent=6400,
        fish_catch_prewar_t=22_500.0,
        strategic_note=(
            "Largest island, between the Catherine Strait and the Friza Strait "
            "(~40 km, up to ~1,300 m deep; the 1855 border); Bastion coastal "
            "missiles and an airfield."
        ),
        sources=dict(_FIGURE_SOURCES),
    ),
)


def island(name: str) -> Island:
    """Look up one of :data:`ISLANDS` by English name or key (case-insensitive).

    Examples
    --------
    >>> from kurilsim.kuril.islands import island
    >>> island("kunashir").japanese_name
    'Kunashiri-tō (国後島)'
    """
    wanted = name.strip().lower()
    for candidate in ISLANDS:
        if wanted in (candidate.key, candidate.name.lower()):
            return candidate
    valid = ", ".join(candidate.name for candidate in ISLANDS)
    raise InvalidModelError(f"unknown island {name!r}; expected one of {valid}")


_SHARE_FIELDS = {
    "area": "area_km2",
    "population_1945": "japanese_population_1945",
    "population_recent": "russian_population_recent",
    "fish_catch": "fish_catch_prewar_t",
}


def island_shares(
    measure: str, islands: tuple[Island, ...] = ISLANDS
) -> NDArray[np.float64]:
    """Each island's share of the total of one measure (shares sum to one).

    Parameters
    ----------
    measure : {"area", "population_1945", "population_recent", "fish_catch", "equal"}
        The figure to share out; ``"equal"`` gives each island ``1/len(islands)``
        (the symbolic weight: every island counts the same).  ``"fish_catch"``
        shares the pre-war catch by tonnage, not by value: no public source
        found gives it per island in yen (see ``FISH_CATCH_SOURCE``).
    islands : tuple of Island, optional
        Defaults to :data:`ISLANDS`.

    Examples
    --------
    >>> from kurilsim.kuril.islands import island_shares
    >>> island_shares("area").round(3)
    array([0.019, 0.05 , 0.298, 0.633])
    >>> float(island_shares("area")[:2].sum().round(3))  # the 1956 formula
    0.069
    """
    if measure == "equal":
        return np.full(len(islands), 1.0 / len(islands))
    if measure not in _SHARE_FIELDS:
        valid = ", ".join([*_SHARE_FIELDS, "equal"])
        raise InvalidModelError(f"unknown measure {measure!r}; expected one of {valid}")
    values = np.array(
        [float(getattr(each, _SHARE_FIELDS[measure])) for each in islands]
    )
    total = values.sum()
    if total <= 0:
        raise InvalidModelError(f"the islands' total {measure} is zero")
    shares: NDArray[np.float64] = values / total
    return shares
