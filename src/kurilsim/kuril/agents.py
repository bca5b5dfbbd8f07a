"""The calibrated agents of the Kuril dispute: Japan, Russia and the United States.

They are :class:`~kurilsim.model.agents.ParametricAgent` subclasses built on the
generic model exactly as a user's own agents would be, and registered as the
agent types ``"Japan"``, ``"Russia"`` and ``"UnitedStates"``.

Units: one utility unit is Japan's value of all four islands under full
sovereignty (``Japan.territory_value = 1``); the other agents' defaults are set
on the same scale so that the default scenario's trade-offs are of the
magnitudes the sources suggest.  All defaults are *modelling* choices, each
documented with its reasoning (see :meth:`ParametricAgent.describe`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidModelError
from kurilsim.kuril.islands import ISLANDS, island_shares
from kurilsim.model.agents import ParametricAgent, Term, parameter
from kurilsim.model.agreements import AgreementSpace

__all__ = ["SECURITY_EXPOSURE", "STRAIT_CONTROL", "Japan", "Russia", "UnitedStates"]

#: How much US forces on each island would threaten Russia's Sea of Okhotsk
#: bastion (sums to one; *modelling*): Kunashir and Iturup flank the Catherine
#: Strait, Habomai and Shikotan face the open Pacific near Hokkaido.
SECURITY_EXPOSURE: dict[str, float] = {
    "habomai": 0.05,
    "shikotan": 0.15,
    "kunashir": 0.40,
    "iturup": 0.40,
}

#: Share of the strait-control value lost with each island (*modelling*).
STRAIT_CONTROL: dict[str, float] = {
    "habomai": 0.0,
    "shikotan": 0.0,
    "kunashir": 0.5,
    "iturup": 0.5,
}


def _island(space: AgreementSpace, key: str) -> NDArray[np.float64]:
    """Transfer indicator of one island times the share of control passing to
    Japan."""
    control = space.feature("sovereignty.control", default=1.0)
    return space.feature(f"islands.{key}", default=0.0) * control


def _any_transfer(space: AgreementSpace) -> NDArray[np.float64]:
    return space.feature("islands.any", default=0.0)


def _us_allowed(space: AgreementSpace) -> NDArray[np.float64]:
    return space.feature("security.us_forces_allowed", default=1.0)


def _demilitarised(space: AgreementSpace) -> NDArray[np.float64]:
    return space.feature("security.demilitarised", default=0.0)


def _exposure(space: AgreementSpace) -> NDArray[np.float64]:
    return sum(
        (SECURITY_EXPOSURE[key] * _island(space, key) for key in _KEYS),
        start=np.zeros(len(space) + 1),
    )


def _feature(
    name: str, default: float | None = None
) -> Callable[[AgreementSpace], NDArray[np.float64]]:
    """The column of a term that is one feature of the space."""
    return lambda space: space.feature(name, default=default)


_KEYS = tuple(i.key for i in ISLANDS)
_AREA = dict(zip(_KEYS, island_shares("area"), strict=True))
_POP_1945 = dict(zip(_KEYS, island_shares("population_1945"), strict=True))
_POP_NOW = dict(zip(_KEYS, island_shares("population_recent"), strict=True))
_FISH = dict(zip(_KEYS, island_shares("fish_catch"), strict=True))

#: Japan's parameters mixing the island measures (they must not all be zero).
_ISLAND_WEIGHTS = ("weight_area", "weight_population", "weight_fish", "weight_symbolic")

#: The status-quo term every Kuril agent shares: its ``status_quo`` parameter.
_STATUS_QUO = Term(
    name="status_quo",
    column=_feature("status_quo"),
    coefficient=lambda p: p["status_quo"],
    doc="the status quo (no treaty)",
)


def _island_weight(
    p: Mapping[str, NDArray[np.float64]], key: str
) -> NDArray[np.float64]:
    """Japan's weight of island ``key`` (the weights sum to one)."""
    total = sum(p[name] for name in _ISLAND_WEIGHTS)
    weight: NDArray[np.float64] = (
        p["weight_area"] * _AREA[key]
        + p["weight_population"] * _POP_1945[key]
        + p["weight_fish"] * _FISH[key]
        + p["weight_symbolic"] / len(_KEYS)
    ) / total
    return weight


def _territory(key: str) -> Term:
    """Japan's value of island ``key``."""
    return Term(
        name=f"territory.{key}",
        column=lambda space: _island(space, key),
        coefficient=lambda p: p["territory_value"] * _island_weight(p, key),
        doc=f"{key} transferred (times the share of control)",
    )


def _short_of(k: int) -> Term:
    """Japan's audience cost when the demand is ``k`` islands."""

    def column(space: AgreementSpace) -> NDArray[np.float64]:
        has_first = np.ones(len(space) + 1)
        for key in _KEYS[:k]:
            has_first = has_first * space.feature(f"islands.{key}", default=0.0)
        short: NDArray[np.float64] = space.feature("treaty") * (1.0 - has_first)
        return short

    return Term(
        name=f"short_of.{k}",
        column=column,
        coefficient=lambda p: np.where(p["demand"] == k, -p["audience_cost"], 0.0),
        doc=f"a treaty without all of the first {k} islands",
    )


def _cession(key: str) -> Term:
    """Russia's cost of ceding island ``key``: land, residents and strategy."""

    def coefficient(p: Mapping[str, NDArray[np.float64]]) -> NDArray[np.float64]:
        w = p["residents_weight"]
        cost: NDArray[np.float64] = -(
            p["cession_cost"] * ((1.0 - w) * _AREA[key] + w * _POP_NOW[key])
            + p["strategic_cost"] * STRAIT_CONTROL[key]
        )
        return cost

    return Term(
        name=f"cession.{key}",
        column=lambda space: _island(space, key),
        coefficient=coefficient,
        doc=f"{key} transferred (times the share of control)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Japan(ParametricAgent):
    """Japan: values territory and a treaty, pays for restrictions and packages.

    Utility of an agreement with transferred islands ``T`` (times the share of
    control passing to Japan, 1 under full sovereignty)::

        territory_value * Σ_{i∈T} w_i  +  treaty_value
        - audience_cost * [the deal does not include the first `demand` islands]
        - alliance_cost * [islands transferred with US forces excluded]
        - demilitarisation_cost * [islands transferred demilitarised]
        - economic_cost * package size  +  fisheries_value * access

    with island weights ``w_i`` mixing shares of area, 1945 population,
    pre-war fish catch and an equal symbolic share, in proportions
    ``weight_area : weight_population : weight_fish : weight_symbolic``.  The
    status quo is worth ``status_quo``.

    Examples
    --------
    >>> from kurilsim import Japan, kuril_space
    >>> space = kuril_space()
    >>> japan = Japan()
    >>> u = japan.utilities(space)
    >>> two = space.agreement(islands="H+S", security="no-us-forces", economic="none")
    >>> four = space.agreement(islands="all four islands", security="no-us-forces",
    ...                        economic="none")
    >>> bool(u[space.index(four)] > u[space.index(two)])
    True
    >>> Japan(demand=2).with_params({"audience_cost": 0.5}).audience_cost
    0.5
    """

    name: str = "japan"
    demand: int = parameter(
        4,
        doc="islands demanded, counted outward from Hokkaido (2 = the 1956 formula)",
        units="islands",
        bounds=(0, 4),
        integer=True,
        linear=False,
        source="official position since the 1993 Tokyo Declaration: all four",
    )
    territory_value: float = parameter(
        1.0,
        doc="value of all four islands under full sovereignty",
        source="unit of the utility scale",
    )
    weight_area: float = parameter(
        0.35,
        doc="weight of land area in the island weights",
        units="relative weight",
        linear=False,
        source="modelling: area is the usual measure of the dispute (1956 = ~7%)",
    )
    weight_population: float = parameter(
        0.25,
        doc="weight of the 1945 Japanese population in the island weights",
        units="relative weight",
        linear=False,
        source="modelling: former residents and their descendants drive the issue",
    )
    weight_fish: float = parameter(
        0.15,
        doc="weight of the pre-war fish catch in the island weights",
        units="relative weight",
        linear=False,
        source="modelling: fisheries are Hokkaido's material stake",
    )
    weight_symbolic: float = parameter(
        0.25,
        doc="weight of an equal symbolic share per island",
        units="relative weight",
        linear=False,
        source="modelling: all four are 'inherent territory' in Japan's position",
    )
    treaty_value: float = parameter(
        0.15,
        doc="value of a peace treaty as such (normalised relations)",
        source="modelling: Abe's priority, but below the territorial stake",
    )
    audience_cost: float = parameter(
        0.3,
        doc="domestic cost of a deal short of the stated demand",
        source="modelling: 29-33% of Japanese wanted all four at once (2018 polls)",
    )
    alliance_cost: float = parameter(
        0.1,
        doc="cost of excluding US forces from transferred islands (weaker alliance)",
        source="modelling: a carve-out from Art. VI of the 1960 treaty",
    )
    demilitarisation_cost: float = parameter(
        0.05,
        doc="extra cost of fully demilitarised transferred islands",
        source="modelling: no Self-Defense Forces on Japanese territory",
    )
    economic_cost: float = parameter(
        0.03,
        doc="cost per unit of economic package (Nagato = 1 unit, ~¥300 bn)",
        units="utility per package unit",
        source="modelling: small against Japan's economy and the territorial stake",
    )
    fisheries_value: float = parameter(
        0.05,
        doc="value of Japanese fishing access around the islands",
        source="modelling: the 1998 fisheries agreement was valued by Hokkaido",
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source="normalisation: no treaty is the zero of the scale",
    )
    #: The parameters mixing the island measures; they must not all be zero.
    ISLAND_WEIGHTS: ClassVar[tuple[str, ...]] = _ISLAND_WEIGHTS
    TERMS = (
        *(_territory(key) for key in _KEYS),
        Term(
            name="treaty",
            column=_feature("treaty"),
            coefficient=lambda p: p["treaty_value"],
            doc="any treaty at all",
        ),
        *(_short_of(k) for k in range(1, len(_KEYS) + 1)),
        Term(
            name="alliance",
            column=lambda space: _any_transfer(space) * (1.0 - _us_allowed(space)),
            coefficient=lambda p: -p["alliance_cost"],
            doc="islands transferred with US forces excluded",
        ),
        Term(
            name="demilitarisation",
            column=lambda space: _any_transfer(space) * _demilitarised(space),
            coefficient=lambda p: -p["demilitarisation_cost"],
            doc="islands transferred demilitarised",
        ),
        Term(
            name="economic",
            column=_feature("economic.size", default=0.0),
            coefficient=lambda p: -p["economic_cost"],
            doc="size of the economic package",
        ),
        Term(
            name="fisheries",
            column=_feature("fisheries.access", default=0.0),
            coefficient=lambda p: p["fisheries_value"],
            doc="Japanese fishing access around the islands",
        ),
        _STATUS_QUO,
    )

    def _check_joint(self, values: Mapping[str, NDArray[np.float64] | float]) -> None:
        names = self.ISLAND_WEIGHTS
        columns = np.broadcast_arrays(*(np.asarray(values[n]) for n in names))
        bad = sum(columns) <= 0
        if np.any(bad):
            first = int(np.flatnonzero(bad)[0])
            got = ", ".join(
                f"{n}={c.ravel()[first].item()!r}"
                for n, c in zip(names, columns, strict=True)
            )
            raise InvalidModelError(
                f"Japan's island weights must not all be zero, got {got}"
            )

    def island_weights(self) -> dict[str, float]:
        """The weight of each island in Japan's territorial value (sums to one).

        Examples
        --------
        >>> from kurilsim import Japan
        >>> {k: round(v, 3) for k, v in Japan().island_weights().items()}
        {'habomai': 0.239, 'shikotan': 0.103, 'kunashir': 0.305, 'iturup': 0.352}
        """
        p = {k: np.asarray(v, dtype=np.float64) for k, v in self.parameters().items()}
        return {key: float(_island_weight(p, key)) for key in _KEYS}


@dataclass(frozen=True, slots=True, kw_only=True)
class Russia(ParametricAgent):
    """Russia: loses territory and security, gains a treaty and a package.

    Utility of an agreement with transferred islands ``T`` (times the share of
    control passing to Japan)::

        - Σ_{i∈T} (cession_cost * b_i + strategic_cost * s_i)
        - security_weight * E(T) * P(US forces | regime)
        + treaty_value + economic_value * package size
        - constitutional_penalty * [any island transferred]
        - fisheries_cost * access

    where ``b_i`` mixes area and current-population shares
    (``residents_weight``), ``s_i`` is the island's share of control of the
    Catherine Strait (Kunashir and Iturup, ½ each), ``E(T) = Σ e_i`` sums the
    :data:`SECURITY_EXPOSURE` of the transferred islands, and
    ``P(US forces)`` is 1 if US forces are allowed, ``1 - pledge_credibility``
    under a no-US-forces pledge, and ``(1 - pledge_credibility) *
    (1 - demilitarisation_assurance)`` under full demilitarisation.

    Examples
    --------
    >>> from kurilsim import Russia, kuril_space
    >>> space = kuril_space()
    >>> u = Russia().utilities(space)
    >>> allowed = space.agreement(islands="H+S", security="us-forces-allowed",
    ...                           economic="none")
    >>> barred = space.agreement(islands="H+S", security="no-us-forces",
    ...                          economic="none")
    >>> bool(u[space.index(barred)] > u[space.index(allowed)])
    True
    """

    name: str = "russia"
    cession_cost: float = parameter(
        0.4,
        doc="cost of ceding all four islands' land and residents (no strategic part)",
        source="modelling: 74-77% of Russians opposed any transfer (2018-19 polls)",
    )
    residents_weight: float = parameter(
        0.5,
        doc="weight of current residents (vs land area) in the cession cost",
        units="fraction",
        bounds=(0.0, 1.0),
        linear=False,
        source="modelling: ~18,000 residents, none on Habomai",
    )
    strategic_cost: float = parameter(
        0.6,
        doc="cost of losing the coasts of the Catherine Strait (Kunashir, Iturup)",
        source="modelling: exit of the Sea of Okhotsk bastion; 2016 missile sites",
    )
    security_weight: float = parameter(
        1.0,
        doc="cost if US forces could be stationed on all four islands",
        source="modelling: Putin's stated worry (2018-12-20) about US bases",
    )
    pledge_credibility: float = parameter(
        0.3,
        doc="probability Russia assigns to a no-US-forces pledge holding",
        units="probability",
        bounds=(0.0, 1.0),
        source="modelling: Putin doubted Japan could promise it (citing Okinawa)",
    )
    demilitarisation_assurance: float = parameter(
        0.5,
        doc="extra reduction of the US-forces risk under full demilitarisation",
        units="fraction",
        bounds=(0.0, 1.0),
        source="modelling: an unarmed island is easier to verify",
    )
    treaty_value: float = parameter(
        0.1,
        doc="value of a peace treaty as such",
        source="modelling: Russia has long said a treaty is not urgent",
    )
    economic_value: float = parameter(
        0.1,
        doc="value per unit of economic package (Nagato = 1 unit, ~¥300 bn)",
        units="utility per package unit",
        source="modelling: development of the Far East; the 2016 Nagato deals",
    )
    constitutional_penalty: float = parameter(
        0.0,
        doc="cost of any transfer under a constitution that forbids ceding territory",
        source="0 before the 2020 amendment; historical scenarios raise it after",
    )
    fisheries_cost: float = parameter(
        0.02,
        doc="cost of Japanese fishing access around the islands",
        source="modelling: lost fees and catch",
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source="normalisation: no treaty is the zero of the scale",
    )
    TERMS = (
        *(_cession(key) for key in _KEYS),
        Term(
            name="security.us_allowed",
            column=lambda space: _exposure(space) * _us_allowed(space),
            coefficient=lambda p: -p["security_weight"],
            doc="security exposure of islands transferred with US forces allowed",
        ),
        Term(
            name="security.pledge",
            column=lambda space: (
                _exposure(space)
                * (1.0 - _us_allowed(space))
                * (1.0 - _demilitarised(space))
            ),
            coefficient=lambda p: (
                -p["security_weight"] * (1.0 - p["pledge_credibility"])
            ),
            doc="security exposure of islands transferred under a no-US-forces pledge",
        ),
        Term(
            name="security.demilitarised",
            column=lambda space: _exposure(space) * _demilitarised(space),
            coefficient=lambda p: (
                -p["security_weight"]
                * (1.0 - p["pledge_credibility"])
                * (1.0 - p["demilitarisation_assurance"])
            ),
            doc="security exposure of islands transferred demilitarised",
        ),
        Term(
            name="treaty",
            column=_feature("treaty"),
            coefficient=lambda p: p["treaty_value"],
            doc="any treaty at all",
        ),
        Term(
            name="economic",
            column=_feature("economic.size", default=0.0),
            coefficient=lambda p: p["economic_value"],
            doc="size of the economic package",
        ),
        Term(
            name="constitution",
            column=_any_transfer,
            coefficient=lambda p: -p["constitutional_penalty"],
            doc="any island transferred",
        ),
        Term(
            name="fisheries",
            column=_feature("fisheries.access", default=0.0),
            coefficient=lambda p: -p["fisheries_cost"],
            doc="Japanese fishing access around the islands",
        ),
        _STATUS_QUO,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitedStates(ParametricAgent):
    """The United States: guards treaty coverage, weighs Japan-Russia détente.

    Utility of an agreement::

        - carveout_cost * [islands transferred with US forces excluded]
        + detente_value  (any treaty)
        + access_value * E(T) * [US forces allowed]

    where ``E(T)`` is the :data:`SECURITY_EXPOSURE` of the transferred islands
    (strategic access near the Sea of Okhotsk).  In the sequential game the
    United States may object to agreements that restrict its rights; what that
    costs Japan is a protocol setting of the scenario.

    Examples
    --------
    >>> from kurilsim import UnitedStates, kuril_space
    >>> space = kuril_space()
    >>> us = UnitedStates()
    >>> deal = space.agreement(islands="H+S", security="demilitarised", economic="none")
    >>> round(float(us.utilities(space)[space.index(deal)]), 3)
    -0.2
    """

    name: str = "united_states"
    carveout_cost: float = parameter(
        0.2,
        doc="cost of a carve-out from the security treaty on Japanese territory",
        source="modelling: precedent for Okinawa and elsewhere (Art. V/VI coverage)",
    )
    detente_value: float = parameter(
        0.0,
        doc="value (or, if negative, cost) of a Japan-Russia peace treaty",
        bounds=(-math.inf, math.inf),
        source="modelling: negative in 1956 and after 2022, about neutral in 2018",
    )
    access_value: float = parameter(
        0.05,
        doc="value of access to transferred islands near the Sea of Okhotsk",
        source="modelling: small; the US has not sought bases there",
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source="normalisation: no treaty is the zero of the scale",
    )
    TERMS = (
        Term(
            name="carveout",
            column=lambda space: _any_transfer(space) * (1.0 - _us_allowed(space)),
            coefficient=lambda p: -p["carveout_cost"],
            doc="islands transferred with US forces excluded",
        ),
        Term(
            name="detente",
            column=_feature("treaty"),
            coefficient=lambda p: p["detente_value"],
            doc="any treaty at all",
        ),
        Term(
            name="access",
            column=lambda space: _exposure(space) * _us_allowed(space),
            coefficient=lambda p: p["access_value"],
            doc="security exposure of islands transferred with US forces allowed",
        ),
        _STATUS_QUO,
    )
