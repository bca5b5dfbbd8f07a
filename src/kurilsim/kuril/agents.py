"""The calibrated agents of the Kuril dispute: Japan, Russia and the United States.

They are :class:`~kurilsim.model.agents.ParametricAgent` subclasses built on the
generic model exactly as a user's own agents would be, and registered as the
agent types ``"Japan"``, ``"Russia"`` and ``"UnitedStates"``.

Units: one utility unit is Japan's value of all four islands under full
sovereignty (``Japan.territory_value = 1``); the other agents' defaults are set
on the same scale so that the default scenario's trade-offs are of the
magnitudes the sources suggest.  Every parameter carries a prior
(:class:`~kurilsim.Prior`): a point for the two normalisations (the unit and
the zero of each scale), otherwise a distribution whose reasoning says which
public source locates it and which part is judgement (see
:meth:`ParametricAgent.describe` and ``docs/model/agents.md``).

The economic package's size, ``package_size`` (in units of the 2016 Nagato
package, about ¥300 bn), is declared by both Japan (what it costs) and
Russia (what it is worth), since an agent's coefficients see only its own
parameters, and marked ``shared``: it is one number, the size of the package
on the table.  A scenario keeps the two equal, sets both when given either
name (``scenario.with_params({"japan.package_size": 2})``), and lists one
prior, under ``"japan.package_size"`` (see
:meth:`kurilsim.Scenario.shared_parameters`).

Main sources, cited by the parameters (short forms below):

* FRUS 1955-57 XXIII: *Foreign Relations of the United States, 1955-1957*,
  vol. XXIII part 1, Japan (US Department of State, 1991), doc. 89
  (Dulles-Shigemitsu conversation, London, 19 August 1956), doc. 93 (weekly
  notes to Tokyo, 24 August 1956), doc. 101 (aide-memoire of 7 September 1956),
  doc. 104 (Embassy telegram, 23 October 1956).
* Hara 1998: Kimie Hara, *Japanese-Soviet/Russian Relations since 1945: A
  Difficult Peace* (Routledge, 1998): the 1955-56 London and Moscow talks,
  where Japan's four-island position took shape.
* Togo 2010: Kazuhiko Togo, *Japan's Foreign Policy 1945-2009: The Quest for
  a Proactive Policy* (Brill, 2010): Kozyrev's confidential proposal of March
  1992 (the two small islands first, then talks on the other two).
* Polls: Nikkei/TV Tokyo poll of 23-25 November 2018 (Nikkei Asian Review,
  "46% of Japanese favor initial return of 2 islands from Russia", November
  2018: two first 46%, all four together 33%, two only 5%); Kyodo poll of
  15-16 December 2018 (two first 53.2%, all four at once 28.6%, two only
  7.3%); Asahi Shimbun poll of 19-20 January 2019 (Habomai and Shikotan
  handed over with joint economic activity on Kunashiri and Etorofu: 38% in
  favour, 40% opposed); Levada Center surveys of 2018-19 (74-77% of Russians
  against any transfer).
* Putin 2018: annual news conference, 20 December 2018 (kremlin.ru): doubts
  that Japan can promise no US bases, citing Okinawa.
* Nagato 2016: Japan MOFA, Japan-Russia summit meeting, 15-16 December 2016
  (about 80 business deals, about ¥300 bn; joint economic activity on the
  islands under a "special system" to be discussed).
* Brown 2018: James D. J. Brown, "The Moment of Truth for Prime Minister Abe's
  Russia Policy", *The Asia-Pacific Journal: Japan Focus* 16(10), no. 5
  (article 5147), May 2018 (the joint economic activities stalled over their
  legal framework).
* Kireeva 2019: Anna Kireeva, "A New Stage in Russia-Japan Relations:
  Rapprochement and its Limitations", *Asia-Pacific Review* 26(2), 2019,
  pp. 76-104.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._errors import InvalidModelError
from kurilsim.kuril.islands import ISLANDS, island_shares
from kurilsim.model.agents import ParametricAgent, Term, parameter
from kurilsim.model.agreements import AgreementSpace
from kurilsim.model.priors import Prior

__all__ = [
    "SECURITY_EXPOSURE",
    "STRAIT_CONTROL",
    "Japan",
    "Russia",
    "UnitedStates",
    "package_size_overrides",
    "package_value",
]

#: How much US forces on each island would threaten Russia's Sea of Okhotsk
#: bastion (sums to one; *modelling*, judgement): Kunashir and Iturup flank
#: the Catherine Strait, Habomai and Shikotan face the open Pacific near
#: Hokkaido.
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

_NORMALISATION = "normalisation: no treaty is the zero of the scale"

#: Where the thresholds of the ratification stages come from (read only by the
#: "two-level" concept, kurilsim.kuril.ratification).
_DIET_SOURCE = (
    "institution: the Cabinet concludes treaties with the prior or, depending on "
    "circumstances, subsequent approval of the Diet (Constitution of Japan, Art. "
    "73(3)); where the Houses disagree, the House of Representatives' decision "
    "prevails (Art. 61, applying Art. 60(2)); the threshold's size is judgement; "
    "read only by kurilsim.kuril.ratification"
)
_DUMA_SOURCE = (
    "institution: a treaty is ratified by federal law, adopted by the State Duma "
    "(Constitution of the Russian Federation, Art. 105; Federal Law No. 101-FZ of "
    "15 Jul 1995 'On International Treaties of the Russian Federation', Art. 15 "
    "on the treaties subject to ratification); the threshold's size is "
    "judgement; read only by kurilsim.kuril.ratification"
)
_FEDERATION_COUNCIL_SOURCE = (
    "institution: federal laws on the ratification of international treaties "
    "must be considered by the Federation Council (Constitution of the Russian "
    "Federation, Art. 106); the threshold's size is judgement; read only by "
    "kurilsim.kuril.ratification"
)
_TWO_LEVEL_PRIOR_SOURCE = (
    "Putnam, 'Diplomacy and domestic politics: the logic of two-level games', "
    "International Organization 42(3), 1988, pp. 427-460; Sacko and Winkley, "
    "'All Quiet on the Eastern Front? Japan and Russia's Territorial Dispute', "
    "Journal of Indo-Pacific Affairs (Air University Press), 2020"
)


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


def _talks(space: AgreementSpace) -> NDArray[np.float64]:
    return space.feature("islands.talks", default=0.0)


def _joint(space: AgreementSpace) -> NDArray[np.float64]:
    return space.feature("islands.joint", default=0.0)


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

#: The islands whose future the phased agreements leave open.
_REST = ("kunashir", "iturup")

#: Japan's parameters mixing the island measures (they must not all be zero).
_ISLAND_WEIGHTS = ("weight_area", "weight_population", "weight_fish", "weight_symbolic")

#: The status-quo term every Kuril agent shares: its ``status_quo`` parameter.
_STATUS_QUO = Term(
    name="status_quo",
    column=_feature("status_quo"),
    coefficient=lambda p: p["status_quo"],
    doc="the status quo (no treaty)",
)

#: The prior of every agent's ``status_quo``: the zero of its scale.
_STATUS_QUO_PRIOR = Prior.point(
    0.0,
    reasoning="normalisation: each agent's utility of no treaty is the zero of "
    "its scale",
    source="convention of the model",
)

#: The prior of ``package_size`` (Japan and Russia alike).
_PACKAGE_SIZE_PRIOR = Prior.lognormal(
    1.0,
    0.5,
    reasoning=(
        "judgement: the one package Japan has put on the table is Nagato's "
        "(median 1 unit); within a factor e of it with 68% probability"
    ),
    source="Japan MOFA, Japan-Russia summit meeting, 15-16 Dec 2016 (~80 deals, "
    "~¥300 bn)",
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


#: How a deal short of Japan's demand is framed: a final settlement, a first
#: step with talks to continue, or a settlement with joint activity on the
#: rest; the parameter scaling the audience cost of each (None: all of it).
_FRAMINGS: tuple[tuple[str, str | None, str], ...] = (
    ("", None, "as a final settlement"),
    (".talks", "audience_share_talks", "with talks to continue on the rest"),
    (".joint", "audience_share_joint", "with joint activity on Kunashir and Iturup"),
)


def _short_of(k: int, suffix: str, share: str | None, framing: str) -> Term:
    """Japan's audience cost when the demand is ``k`` islands, for one framing."""

    def column(space: AgreementSpace) -> NDArray[np.float64]:
        has_first = np.ones(len(space) + 1)
        for key in _KEYS[:k]:
            has_first = has_first * space.feature(f"islands.{key}", default=0.0)
        short = space.feature("treaty") * (1.0 - has_first)
        talks, joint = _talks(space), _joint(space)
        framed: NDArray[np.float64] = short * (
            talks
            if suffix == ".talks"
            else joint
            if suffix == ".joint"
            else 1.0 - talks - joint
        )
        return framed

    def coefficient(p: Mapping[str, NDArray[np.float64]]) -> NDArray[np.float64]:
        scale = p["audience_cost"] if share is None else p["audience_cost"] * p[share]
        cost: NDArray[np.float64] = np.where(p["demand"] == k, -scale, 0.0)
        return cost

    return Term(
        name=f"short_of.{k}{suffix}",
        column=column,
        coefficient=coefficient,
        doc=f"a treaty without all of the first {k} islands, {framing}",
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


def package_value(
    p: Mapping[str, NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Russia's expected value of a package of ``package_size`` Nagato units.

    ``economic_value * delivery_probability * package_size **
    package_elasticity``: concave in the size for an elasticity below 1
    (diminishing returns: money cannot buy everything), zero for a size of 0
    or a delivery probability of 0, and ``economic_value`` for one delivered
    Nagato package.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.kuril.agents import package_value
    >>> p = {"economic_value": 0.1, "delivery_probability": 0.5,
    ...      "package_size": np.array([0.0, 1.0, 4.0]), "package_elasticity": 0.5}
    >>> package_value(p).round(3)
    array([0.  , 0.05, 0.1 ])
    """
    size = np.asarray(p["package_size"], dtype=np.float64)
    scaled = np.where(
        size > 0, np.maximum(size, 1e-300) ** p["package_elasticity"], 0.0
    )
    value: NDArray[np.float64] = (
        p["economic_value"] * p["delivery_probability"] * scaled
    )
    return value


def package_size_overrides(
    size: ArrayLike, *, agents: tuple[str, ...] = ("japan", "russia")
) -> dict[str, ArrayLike]:
    """Overrides naming the package size under both holders' names.

    Not needed any more: ``package_size`` is a shared parameter, so a
    scenario given either ``"japan.package_size"`` or ``"russia.package_size"``
    sets both (see :meth:`kurilsim.Scenario.shared_parameters`).  Kept for
    code written before; the two entries hold the same array, which a
    scenario accepts.

    Parameters
    ----------
    size : array_like
        Package sizes in Nagato units (~¥300 bn each), >= 0.
    agents : tuple of str, optional
        The names of the agents holding ``package_size``.

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> from kurilsim.kuril.agents import package_size_overrides
    >>> overrides = package_size_overrides(np.array([0.5, 1.0, 2.0]))
    >>> sorted(overrides)
    ['japan.package_size', 'russia.package_size']
    >>> scenario = kurilsim.kuril_scenario()
    >>> scenario.outcome_utilities(overrides).shape
    (3, 3, 39)
    >>> bool(np.array_equal(scenario.outcome_utilities(overrides),
    ...      scenario.outcome_utilities({"japan.package_size": [0.5, 1.0, 2.0]})))
    True
    """
    return {f"{name}.package_size": size for name in agents}


@dataclass(frozen=True, slots=True, kw_only=True)
class Japan(ParametricAgent):
    """Japan: values territory and a treaty, pays for restrictions and packages.

    Utility of an agreement with transferred islands ``T`` (times the share of
    control passing to Japan, 1 under full sovereignty)::

        territory_value * Σ_{i∈T} w_i  +  treaty_value
        - audience_cost * [the deal does not include the first `demand` islands]
              * (1 | audience_share_talks | audience_share_joint)
        + territory_value * talks_prospect * (w_K + w_I) * [talks to continue]
        + joint_activity_value * [joint activity on Kunashir and Iturup]
        - alliance_cost * [islands transferred with US forces excluded]
        - demilitarisation_cost * [islands transferred demilitarised]
        - economic_cost * package_size * [package]  +  fisheries_value * access

    with island weights ``w_i`` mixing shares of area, 1945 population,
    pre-war fish catch and an equal symbolic share, in proportions
    ``weight_area : weight_population : weight_fish : weight_symbolic``.  The
    audience cost of a deal short of the demand is scaled by the framing:
    all of it for a final settlement, ``audience_share_talks`` when talks on
    the other islands continue ("two islands first") and
    ``audience_share_joint`` with joint activity on Kunashir and Iturup.  The
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
    >>> first = space.agreement(islands="H+S+talks", security="no-us-forces",
    ...                         economic="none")
    >>> bool(u[space.index(first)] > u[space.index(two)])  # "two islands first"
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
        source=(
            "Japan's position since the 1955-56 London and Moscow talks: all four, "
            "flexible on timing (Hara 1998; the Tokyo Declaration of 13 Oct 1993 names all four)"
        ),
        prior=Prior.discrete(
            (2, 3, 4),
            (0.15, 0.05, 0.8),
            reasoning=(
                "the four-island claim has been Tokyo's line since 1956; a "
                "two-island basis (Abe, Singapore, 14 Nov 2018) is the main "
                "alternative, three islands a rarely floated compromise (judgement "
                "on the weights)"
            ),
            source="Hara 1998; Japan MOFA, Japan-Russia summit, Singapore, 14 Nov 2018",
        ),
    )
    territory_value: float = parameter(
        1.0,
        doc="value of all four islands under full sovereignty",
        source="normalisation: the unit of the utility scale",
        prior=Prior.point(
            1.0,
            reasoning="normalisation: the unit of every agent's utility",
            source="convention of the model",
        ),
    )
    weight_area: float = parameter(
        0.35,
        doc="weight of land area in the island weights",
        units="relative weight",
        linear=False,
        source="judgement: area is the usual measure of the dispute (1956 = ~7%)",
        prior=Prior.uniform(
            0.1,
            0.6,
            reasoning="judgement: a leading but not dominant measure; wide",
        ),
    )
    weight_population: float = parameter(
        0.25,
        doc="weight of the 1945 Japanese population in the island weights",
        units="relative weight",
        linear=False,
        source="judgement: former residents and their descendants drive the issue",
        prior=Prior.uniform(
            0.05,
            0.5,
            reasoning="judgement: the former residents' league is the issue's lobby",
        ),
    )
    weight_fish: float = parameter(
        0.15,
        doc="weight of the pre-war fish catch in the island weights",
        units="relative weight",
        linear=False,
        source=(
            "judgement: fisheries are Hokkaido's material stake; measured by "
            "tonnage, not value (no per-island yen values found; see "
            "kurilsim.kuril.islands.FISH_CATCH_SOURCE)"
        ),
        prior=Prior.uniform(
            0.0,
            0.4,
            reasoning=(
                "judgement, wide: the tonnage proxy overweights Habomai, whose "
                "62.5% of the catch is mostly kelp, of low value per tonne, so "
                "the weight may be anywhere from nothing to a leading one"
            ),
        ),
    )
    weight_symbolic: float = parameter(
        0.25,
        doc="weight of an equal symbolic share per island",
        units="relative weight",
        linear=False,
        source="judgement: all four are 'inherent territory' in Japan's position",
        prior=Prior.uniform(
            0.05,
            0.5,
            reasoning="judgement: the 'inherent territory' line values each island",
        ),
    )
    treaty_value: float = parameter(
        0.15,
        doc="value of a peace treaty as such (normalised relations)",
        source="judgement: Abe's priority (Nagato 2016), below the territorial stake",
        prior=Prior.lognormal(
            0.15,
            0.6,
            reasoning="judgement: a fraction of the islands' value; factor ~2 spread",
        ),
    )
    audience_cost: float = parameter(
        0.3,
        doc="domestic cost of a final deal short of the stated demand",
        source=(
            "judgement located by polls: a final two-island settlement is backed "
            "by 5% (Nikkei/TV Tokyo, Nov 2018) to 7.3% (Kyodo, Dec 2018) of Japanese"
        ),
        prior=Prior.lognormal(
            0.3,
            0.5,
            reasoning=(
                "judgement: polls show a final short deal is very unpopular, but "
                "not how much that costs a government in utility; factor ~1.6"
            ),
            source="Nikkei/TV Tokyo poll, Nov 2018; Kyodo poll, 15-16 Dec 2018",
        ),
    )
    audience_share_talks: float = parameter(
        0.35,
        doc=(
            "share of the audience cost a short deal still costs with talks to "
            "continue on the other islands ('two islands first')"
        ),
        units="fraction",
        bounds=(0.0, 1.0),
        source=(
            "polls: 'two first' (continued talks on the other two) 46% (Nikkei/TV "
            "Tokyo, Nov 2018) and 53.2% (Kyodo, Dec 2018) for; 'all four at once' "
            "33% and 28.6%, against 5-7.3% for two only: about a third of the "
            "opposition to a final two-island deal"
        ),
        prior=Prior.beta(
            5,
            9,
            reasoning=(
                "mean ~0.36, the ratio of those insisting on all four at once "
                "(29-33%) to those rejecting two only (~93-95%); sd ~0.12 for the "
                "wording and the step from poll shares to costs (judgement)"
            ),
            source="Nikkei/TV Tokyo poll, Nov 2018; Kyodo poll, 15-16 Dec 2018",
        ),
    )
    audience_share_joint: float = parameter(
        0.45,
        doc=(
            "share of the audience cost a short deal still costs with joint "
            "economic activity on Kunashir and Iturup"
        ),
        units="fraction",
        bounds=(0.0, 1.0),
        source=(
            "poll: Habomai and Shikotan handed over with joint activity on "
            "Kunashiri and Etorofu, 38% for and 40% against (Asahi, 19-20 Jan 2019)"
        ),
        prior=Prior.beta(
            6,
            7,
            reasoning=(
                "mean ~0.46: 40% opposed against ~93-95% opposed to two only; a "
                "single poll, so wide (sd ~0.13; judgement)"
            ),
            source="Asahi Shimbun poll, 19-20 Jan 2019",
        ),
    )
    talks_prospect: float = parameter(
        0.2,
        doc=(
            "expected share of the value of Kunashir and Iturup that continued "
            "talks will bring (probability-weighted)"
        ),
        units="fraction",
        bounds=(0.0, 1.0),
        source=(
            "judgement: the talks promised in Art. 9 of the 1956 Declaration and "
            "in the 1993 Tokyo Declaration returned nothing in six decades; "
            "Russia rejected talks beyond two islands in 1956 (Hara 1998)"
        ),
        prior=Prior.beta(
            2,
            8,
            reasoning=(
                "judgement: low (mean 0.2) after decades without a transfer, but "
                "the majority for 'two first' in the 2018 polls shows the public "
                "attaches real value to the continuation"
            ),
            source="Hara 1998; Nikkei/TV Tokyo poll, Nov 2018; Kyodo poll, Dec 2018",
        ),
    )
    joint_activity_value: float = parameter(
        0.03,
        doc="value of joint economic activity on Kunashir and Iturup",
        bounds=(-math.inf, math.inf),
        source=(
            "judgement: access and presence for former residents and Hokkaido "
            "firms under a 'special system' (Nagato 2016); small against the islands"
        ),
        prior=Prior.truncnorm(
            0.03,
            0.05,
            low=-0.1,
            high=0.2,
            reasoning=(
                "judgement: small and positive for the government that pursued it "
                "(Nagato 2016); negative if it is read as legitimising Russian "
                "rule (40% against in the Asahi poll, Jan 2019)"
            ),
            source="Japan MOFA, summit of 15-16 Dec 2016; Asahi poll, Jan 2019",
        ),
    )
    alliance_cost: float = parameter(
        0.1,
        doc="cost of excluding US forces from transferred islands (weaker alliance)",
        source=(
            "judgement: a carve-out from Art. VI of the 1960 US-Japan security "
            "treaty (signed 19 Jan 1960)"
        ),
        prior=Prior.lognormal(
            0.1,
            0.6,
            reasoning="judgement: small against the islands' value; factor ~2",
        ),
    )
    demilitarisation_cost: float = parameter(
        0.05,
        doc="extra cost of fully demilitarised transferred islands",
        source="judgement: no Self-Defense Forces on Japanese territory",
        prior=Prior.lognormal(
            0.05,
            0.6,
            reasoning="judgement: half the alliance cost; factor ~2",
        ),
    )
    article_cost: float = parameter(
        0.02,
        doc=(
            "pledge game only: cost of writing the no-US-forces pledge into the "
            "treaty as an article (ratification, consultation with the ally)"
        ),
        source=(
            "judgement; the precedent is Art. 5(3) of the Treaty on the Final "
            "Settlement with Respect to Germany (12 Sep 1990), which bars foreign "
            "forces from the former GDR; read only by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.lognormal(
            0.02,
            0.8,
            reasoning=(
                "judgement: a clause in a treaty Japan would ratify anyway, small "
                "against the alliance cost of the pledge itself; wide, factor ~2.2"
            ),
            source="Treaty on the Final Settlement with Respect to Germany, Art. 5(3), 1990",
        ),
        read_by="pbe",
    )
    verification_cost: float = parameter(
        0.04,
        doc=(
            "pledge game only: cost of accepting on-site verification of the "
            "demilitarisation of transferred islands"
        ),
        source=(
            "judgement; precedents are the demilitarised Aland Islands (Convention "
            "on the non-fortification and neutralisation of the Aland Islands, "
            "Geneva, 20 Oct 1921) and inspection regimes such as the Treaty on "
            "Open Skies (1992); read only by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.lognormal(
            0.04,
            0.8,
            reasoning=(
                "judgement: foreign inspectors on Japanese territory cost more "
                "than a treaty article; wide, factor ~2.2"
            ),
            source="Aland Islands Convention, 20 Oct 1921; Treaty on Open Skies, 1992",
        ),
        read_by="pbe",
    )
    lease_cost: float = parameter(
        0.1,
        doc=(
            "pledge game only: cost of leasing defence-relevant sites on the "
            "transferred islands to Russia (or keeping Russian administration "
            "there) for a period, which keeps US forces out while it lasts: "
            "sovereignty diluted"
        ),
        source=(
            "judgement; the nearest precedent is the Kawana proposal of April "
            "1998 (border drawn north of the islands, Russian administration "
            "recognised for a transitional period): Kyodo News, 'Hashimoto "
            "proposed drawing border north of islands', 20 Apr 1998; Japan "
            "Times, 'Breakthrough unlikely at Obuchi-Yeltsin summit', 9 Nov "
            "1998; read only by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.lognormal(
            0.1,
            0.8,
            reasoning=(
                "judgement: well above a treaty article (0.02) or verification "
                "(0.04): foreign forces on land Japan has just recovered; "
                "wide, factor ~2.2"
            ),
            source="Kyodo News, 'Hashimoto proposed drawing border north of islands', 20 Apr 1998",
        ),
        read_by="pbe",
    )
    breach_cost: float = parameter(
        0.3,
        doc=(
            "pledge game only: cost to a Japanese government that cannot hold a "
            "no-US-forces pledge of being bound to it (per unit of binding "
            "force): the strain of a commitment against its ally"
        ),
        source=(
            "judgement; the mechanism is a costly signal that ties hands (Fearon, "
            "'Signaling Foreign Policy Interests: Tying Hands versus Sinking "
            "Costs', J. Conflict Resolution 41(1), 1997, pp. 68-90); the ally's "
            "rights are Art. VI of the 1960 US-Japan security treaty"
        ),
        prior=Prior.lognormal(
            0.3,
            0.7,
            reasoning=(
                "judgement: of the order of the audience cost of a short deal "
                "(0.3): a government forced to break a ratified commitment or "
                "defy its ally pays at home and in the alliance; factor ~2"
            ),
            source="Fearon, J. Conflict Resolution 41(1), 1997, pp. 68-90",
        ),
        read_by="pbe",
    )
    economic_cost: float = parameter(
        0.03,
        doc="cost per Nagato unit of economic package (~¥300 bn)",
        units="utility per package unit",
        source=(
            "judgement: ¥300 bn is small against Japan's economy and the "
            "territorial stake (Nagato 2016: ~80 deals, ~¥300 bn)"
        ),
        prior=Prior.lognormal(
            0.03,
            0.7,
            reasoning="judgement: small; factor ~2 either way",
            source="Japan MOFA, Japan-Russia summit meeting, 15-16 Dec 2016",
        ),
    )
    package_size: float = parameter(
        1.0,
        doc="size of the economic package on the table, in Nagato units (~¥300 bn)",
        units="Nagato units",
        source=(
            "Japan MOFA, Japan-Russia summit meeting, 15-16 Dec 2016 (Nagato): "
            "~80 deals worth ~¥300 bn = 1 unit"
        ),
        prior=_PACKAGE_SIZE_PRIOR,
        shared=True,
    )
    fisheries_value: float = parameter(
        0.05,
        doc="value of Japanese fishing access around the islands",
        source=(
            "judgement: Hokkaido valued the 1998 Japan-Russia agreement on fishing "
            "around the islands (suspended by Russia in 2022)"
        ),
        prior=Prior.lognormal(
            0.05,
            0.7,
            reasoning="judgement: small; factor ~2 either way",
        ),
    )
    diet_threshold: float = parameter(
        0.0,
        doc=(
            "two-level concept only: the least gain over the status quo, in "
            "Japan's utility, of an agreement the Diet approves (0: the Diet "
            "approves what the government would accept; larger: stricter)"
        ),
        bounds=(-math.inf, math.inf),
        source=_DIET_SOURCE,
        prior=Prior.truncnorm(
            0.0,
            0.1,
            low=-0.3,
            high=0.3,
            reasoning=(
                "judgement: centred on 0, a governing majority approving what "
                "its cabinet signs (Sacko and Winkley 2020 find elite conditions "
                "favourable, while popular opposition held the status quo: the "
                "upper tail); either sign, a Diet more hawkish (> 0) or "
                "keener on a treaty (< 0) than the cabinet; sd 0.1 of the "
                "four islands' value"
            ),
            source=_TWO_LEVEL_PRIOR_SOURCE,
        ),
        read_by="two-level",
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source=_NORMALISATION,
        prior=_STATUS_QUO_PRIOR,
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
        *(
            _short_of(k, suffix, share, framing)
            for k in range(1, len(_KEYS) + 1)
            for suffix, share, framing in _FRAMINGS
        ),
        Term(
            name="talks",
            column=_talks,
            coefficient=lambda p: (
                p["territory_value"]
                * p["talks_prospect"]
                * sum(_island_weight(p, key) for key in _REST)
            ),
            doc="talks to continue on Kunashir and Iturup",
        ),
        Term(
            name="joint_activity",
            column=_joint,
            coefficient=lambda p: p["joint_activity_value"],
            doc="joint economic activity on Kunashir and Iturup",
        ),
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
            column=_feature("economic.package", default=0.0),
            coefficient=lambda p: -p["economic_cost"] * p["package_size"],
            doc="an economic package (of package_size Nagato units)",
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
        + treaty_value
        + economic_value * delivery_probability
              * package_size ** package_elasticity * [package]
        - talks_cost * [talks to continue on Kunashir and Iturup]
        + joint_activity_value * [joint activity on Kunashir and Iturup]
        - constitutional_penalty * [any island transferred]
        - fisheries_cost * access

    where ``b_i`` mixes area and current-population shares
    (``residents_weight``), ``s_i`` is the island's share of control of the
    Catherine Strait (Kunashir and Iturup, ½ each), ``E(T) = Σ e_i`` sums the
    :data:`SECURITY_EXPOSURE` of the transferred islands, and
    ``P(US forces)`` is 1 if US forces are allowed, ``1 - pledge_credibility``
    under a no-US-forces pledge, and ``(1 - pledge_credibility) *
    (1 - demilitarisation_assurance)`` under full demilitarisation.

    The package is worth :func:`package_value`: concave in its size (an
    elasticity below 1: diminishing returns) and discounted by the
    probability that it materialises.  The 2020 constitutional ban on ceding
    territory is modelled by the scenarios as a veto of the protocol (with
    the exception for border delimitation, feature ``islands.within_1956``);
    ``constitutional_penalty`` is an alternative soft reading, 0 by default.

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
        source=(
            "judgement located by polls: 74-77% of Russians against any transfer "
            "(Levada Center surveys, 2018-19)"
        ),
        prior=Prior.lognormal(
            0.4,
            0.5,
            reasoning=(
                "judgement: strong public opposition makes land a real cost, on "
                "the scale of Japan's value of the islands; factor ~1.6"
            ),
            source="Levada Center surveys, 2018-19",
        ),
    )
    residents_weight: float = parameter(
        0.5,
        doc="weight of current residents (vs land area) in the cession cost",
        units="fraction",
        bounds=(0.0, 1.0),
        linear=False,
        source=(
            "judgement: ~18,000 residents, none on Habomai (Rosstat, population "
            "by municipality, 1 Jan 2018)"
        ),
        prior=Prior.beta(
            2,
            2,
            reasoning="judgement: land and people weigh alike on average; wide",
        ),
    )
    strategic_cost: float = parameter(
        0.6,
        doc="cost of losing the coasts of the Catherine Strait (Kunashir, Iturup)",
        source=(
            "judgement: an ice-free exit of the Sea of Okhotsk (Great Soviet "
            "Encyclopedia, 3rd ed., 'Ekaterina Strait'); Bal and Bastion coastal "
            "missiles deployed there (Boyevaya Vakhta, 22 Nov 2016)"
        ),
        prior=Prior.lognormal(
            0.6,
            0.5,
            reasoning="judgement: above the cession cost of the land; factor ~1.6",
        ),
    )
    security_weight: float = parameter(
        1.0,
        doc="cost if US forces could be stationed on all four islands",
        source="judgement located by Putin's worry about US bases (Putin 2018)",
        prior=Prior.lognormal(
            1.0,
            0.5,
            reasoning=(
                "judgement: stated as the decisive obstacle (Putin, 20 Dec 2018; "
                "Soviet memorandum, 27 Jan 1960), so of the order of the whole "
                "territorial stake; factor ~1.6"
            ),
            source="kremlin.ru, annual news conference, 20 Dec 2018",
        ),
    )
    pledge_credibility: float = parameter(
        0.3,
        doc="probability Russia assigns to a no-US-forces pledge holding",
        units="probability",
        bounds=(0.0, 1.0),
        source=(
            "judgement: Putin doubted Japan could promise it, citing Okinawa "
            "(kremlin.ru, annual news conference, 20 Dec 2018)"
        ),
        prior=Prior.beta(
            3,
            7,
            reasoning="judgement: doubted but not dismissed; mean 0.3, sd ~0.14",
            source="kremlin.ru, annual news conference, 20 Dec 2018",
        ),
    )
    demilitarisation_assurance: float = parameter(
        0.5,
        doc="extra reduction of the US-forces risk under full demilitarisation",
        units="fraction",
        bounds=(0.0, 1.0),
        source="judgement: an unarmed island is easier to verify",
        prior=Prior.beta(
            2,
            2,
            reasoning="judgement: no source; centred, wide",
        ),
    )
    article_binding: float = parameter(
        0.4,
        doc=(
            "pledge game only: probability that a no-US-forces pledge written "
            "into the treaty holds when the Japanese government could not hold "
            "it on its own (binding force of a treaty article)"
        ),
        units="probability",
        bounds=(0.0, 1.0),
        source=(
            "judgement: a ratified article binds Japan in international law, but "
            "Putin doubted that Japan can bind the United States at all, citing "
            "Okinawa (kremlin.ru, annual news conference, 20 Dec 2018); read only "
            "by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.beta(
            2,
            3,
            reasoning=(
                "judgement: more than a verbal assurance (binding force 0), far "
                "from certain; mean 0.4, sd 0.2"
            ),
            source="kremlin.ru, annual news conference, 20 Dec 2018",
        ),
        read_by="pbe",
    )
    verification_binding: float = parameter(
        0.6,
        doc=(
            "pledge game only: probability that a pledge of demilitarisation "
            "with on-site verification holds when the Japanese government could "
            "not hold a pledge on its own"
        ),
        units="probability",
        bounds=(0.0, 1.0),
        source=(
            "judgement: inspections make a breach visible before forces arrive "
            "(the demilitarised Aland Islands have stayed so since the Convention "
            "of 20 Oct 1921); read only by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.beta(
            3,
            2,
            reasoning=(
                "judgement: above a treaty article, since a breach is seen; "
                "mean 0.6, sd 0.2"
            ),
            source="Aland Islands Convention, Geneva, 20 Oct 1921",
        ),
        read_by="pbe",
    )
    lease_binding: float = parameter(
        0.8,
        doc=(
            "pledge game only: probability that a no-US-forces pledge backed by "
            "a Russian lease of defence-relevant sites holds when the Japanese "
            "government could not hold a pledge on its own"
        ),
        units="probability",
        bounds=(0.0, 1.0),
        source=(
            "judgement: Russian presence on the sites keeps US forces out "
            "whatever Japan's ally wants, as long as the lease runs (cf. the "
            "transitional Russian administration of the Kawana proposal, Kyodo "
            "News, 20 Apr 1998); read only by kurilsim.kuril.pledge_game"
        ),
        prior=Prior.beta(
            4,
            1,
            reasoning=(
                "judgement: above verified demilitarisation (0.6), short of "
                "certain (the lease ends); mean 0.8, sd 0.16"
            ),
            source="Kyodo News, 'Hashimoto proposed drawing border north of islands', 20 Apr 1998",
        ),
        read_by="pbe",
    )
    treaty_value: float = parameter(
        0.1,
        doc="value of a peace treaty as such",
        source=(
            "judgement: Moscow has long said a treaty is not urgent; in 1956 the "
            "USSR offered two islands for one (Joint Declaration, Art. 9, 19 Oct 1956)"
        ),
        prior=Prior.lognormal(
            0.1,
            0.6,
            reasoning="judgement: small in most periods; factor ~2",
        ),
    )
    economic_value: float = parameter(
        0.1,
        doc="value of one delivered Nagato package (~¥300 bn)",
        units="utility per delivered Nagato unit",
        source=(
            "judgement: development of the Far East; the Nagato deals (Japan "
            "MOFA, summit of 15-16 Dec 2016)"
        ),
        prior=Prior.lognormal(
            0.1,
            0.6,
            reasoning="judgement: welcome but small against territory; factor ~2",
            source="Japan MOFA, Japan-Russia summit meeting, 15-16 Dec 2016",
        ),
    )
    package_size: float = parameter(
        1.0,
        doc=(
            "size of the economic package on the table, in Nagato units "
            "(~¥300 bn; shared: the same number as japan.package_size)"
        ),
        units="Nagato units",
        linear=False,
        source=(
            "Japan MOFA, Japan-Russia summit meeting, 15-16 Dec 2016 (Nagato): "
            "~80 deals worth ~¥300 bn = 1 unit"
        ),
        prior=_PACKAGE_SIZE_PRIOR,
        shared=True,
    )
    package_elasticity: float = parameter(
        0.5,
        doc=(
            "elasticity of the package's value in its size (1 = linear, below 1 "
            "= diminishing returns)"
        ),
        units="elasticity",
        bounds=(0.0, 1.0),
        linear=False,
        source="judgement: diminishing returns of money for territory",
        prior=Prior.beta(
            3,
            3,
            reasoning=(
                "judgement: no source measures it; centred on a square root, from "
                "near-flat to near-linear"
            ),
        ),
    )
    delivery_probability: float = parameter(
        0.5,
        doc="probability Russia assigns to the package materialising",
        units="probability",
        bounds=(0.0, 1.0),
        source=(
            "by 2018-19 little of the 2016 package had materialised and the joint "
            "activities had stalled over their legal framework (Brown 2018; "
            "Kireeva 2019), though Putin spoke of ~100 projects under way "
            "(kremlin.ru, press statements in Moscow, 26 May 2018, news 57566)"
        ),
        prior=Prior.beta(
            2,
            2,
            reasoning=(
                "sources conflict (slow delivery vs. projects under way): centred, "
                "wide (judgement)"
            ),
            source=(
                "Brown, Asia-Pacific Journal: Japan Focus 16(10) no. 5, 2018; "
                "Kireeva, Asia-Pacific Review 26(2), 2019"
            ),
        ),
    )
    talks_cost: float = parameter(
        0.1,
        doc="cost of an open-ended commitment to continue talks on Kunashir and Iturup",
        source=(
            "Kozyrev offered exactly such a commitment in March 1992 (Togo 2010); Moscow later held its sovereignty over all four beyond "
            "discussion (Lavrov, press conference, 16 Jan 2019)"
        ),
        prior=Prior.lognormal(
            0.1,
            0.8,
            reasoning=(
                "judgement: small when Russia offered it (1992), larger when it "
                "insisted the question was closed (2019); wide, factor ~2.2"
            ),
            source="Togo 2010; Russian MFA, Lavrov press conference, 16 Jan 2019",
        ),
    )
    joint_activity_value: float = parameter(
        0.02,
        doc="value of joint economic activity on Kunashir and Iturup",
        bounds=(-math.inf, math.inf),
        source=(
            "judgement: investment in the islands, but Moscow insisted it be "
            "under Russian law (Brown 2018)"
        ),
        prior=Prior.truncnorm(
            0.02,
            0.05,
            low=-0.15,
            high=0.15,
            reasoning=(
                "judgement: investment is welcome, a special legal regime costs "
                "sovereignty; the sign is uncertain"
            ),
            source="Brown, Asia-Pacific Journal: Japan Focus 16(10) no. 5, 2018",
        ),
    )
    constitutional_penalty: float = parameter(
        0.0,
        doc=(
            "soft reading of the 2020 ban on ceding territory: a cost of any "
            "transfer (the scenarios model the ban as a veto instead)"
        ),
        source=(
            "Constitution of the Russian Federation, Art. 67 § 2.1 (amended "
            "1 Jul 2020), which excepts border delimitation; off by default"
        ),
        prior=Prior.point(
            0.0,
            reasoning=(
                "an alternative reading, off by default: the ban is a veto of the "
                "protocol in the scenarios after 2020"
            ),
            source="Constitution of the Russian Federation, Art. 67 § 2.1 (2020)",
        ),
    )
    fisheries_cost: float = parameter(
        0.02,
        doc="cost of Japanese fishing access around the islands",
        source="judgement: lost fees and catch",
        prior=Prior.lognormal(
            0.02,
            0.7,
            reasoning="judgement: small; factor ~2 either way",
        ),
    )
    duma_threshold: float = parameter(
        0.0,
        doc=(
            "two-level concept only: the least gain over the status quo, in "
            "Russia's utility, of an agreement whose ratification law the State "
            "Duma adopts (0: what the government would accept; larger: stricter)"
        ),
        bounds=(-math.inf, math.inf),
        source=_DUMA_SOURCE,
        prior=Prior.truncnorm(
            0.0,
            0.1,
            low=-0.3,
            high=0.3,
            reasoning=(
                "judgement: centred on 0, a Duma majority that follows the "
                "Kremlin on treaties; Sacko and Winkley 2020 find elite conditions "
                "favourable but popular opposition holding the status quo, and "
                "the 74-77% of Russians against a transfer (Levada and VTsIOM, "
                "Nov 2018) are the case for the upper tail; sd 0.1"
            ),
            source=_TWO_LEVEL_PRIOR_SOURCE,
        ),
        read_by="two-level",
    )
    federation_council_threshold: float = parameter(
        0.0,
        doc=(
            "two-level concept only: the least gain over the status quo, in "
            "Russia's utility, of an agreement whose ratification law the "
            "Federation Council approves (0: what the government would accept)"
        ),
        bounds=(-math.inf, math.inf),
        source=_FEDERATION_COUNCIL_SOURCE,
        prior=Prior.truncnorm(
            0.0,
            0.05,
            low=-0.15,
            high=0.15,
            reasoning=(
                "judgement: centred on 0 and narrower than the Duma's (sd 0.05): "
                "the upper house, of regional representatives, reviews the law "
                "the Duma adopted and has followed the Kremlin; the regions' "
                "stake (Sakhalin Oblast administers the islands) is the case "
                "for the upper tail"
            ),
            source=_TWO_LEVEL_PRIOR_SOURCE,
        ),
        read_by="two-level",
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source=_NORMALISATION,
        prior=_STATUS_QUO_PRIOR,
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
            column=_feature("economic.package", default=0.0),
            coefficient=package_value,
            doc="an economic package (of package_size Nagato units)",
        ),
        Term(
            name="talks",
            column=_talks,
            coefficient=lambda p: -p["talks_cost"],
            doc="talks to continue on Kunashir and Iturup",
        ),
        Term(
            name="joint_activity",
            column=_joint,
            coefficient=lambda p: p["joint_activity_value"],
            doc="joint economic activity on Kunashir and Iturup",
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
    """The United States: guards treaty coverage and Japan's claim.

    Utility of an agreement::

        - carveout_cost * [islands transferred with US forces excluded]
        - renunciation_cost * [a final settlement leaving claimed islands Russian]
        + detente_value  (any treaty)
        + access_value * E(T) * [US forces allowed]

    where ``E(T)`` is the :data:`SECURITY_EXPOSURE` of the transferred islands
    (strategic access near the Sea of Okhotsk).  The renunciation term is the
    1956 record: Dulles warned Japan against *recognising Soviet sovereignty*
    over Kunashir and Iturup (FRUS 1955-57 XXIII, docs 89 and 93; the
    aide-memoire of 7 September 1956, doc. 101, held them always Japanese),
    while the embassy called the Joint Declaration, which left them to later
    talks, a step in a direction the United States had long favoured
    (doc. 104).  So it falls on final settlements that leave claimed islands
    with Russia (feature ``islands.renounced``), not on a treaty as such and
    not on a phased agreement; ``detente_value`` (a treaty as such) is for
    periods such as after 2022.  In the sequential game the United States may
    object to some agreements; which ones (e.g. ``objectionable =
    "islands.renounced"``) and what that costs Japan are protocol settings of
    the scenario.

    Examples
    --------
    >>> from kurilsim import UnitedStates, kuril_space
    >>> space = kuril_space()
    >>> us = UnitedStates()
    >>> deal = space.agreement(islands="H+S", security="demilitarised", economic="none")
    >>> round(float(us.utilities(space)[space.index(deal)]), 3)
    -0.3
    >>> first = space.agreement(islands="H+S+talks", security="us-forces-allowed",
    ...                         economic="none")
    >>> bool(us.utilities(space)[space.index(first)] > 0)  # the 1956 Declaration
    True
    """

    name: str = "united_states"
    carveout_cost: float = parameter(
        0.2,
        doc="cost of a carve-out from the security treaty on Japanese territory",
        source=(
            "judgement: a precedent against Art. V/VI coverage of the 1960 "
            "US-Japan security treaty (Okinawa and elsewhere)"
        ),
        prior=Prior.lognormal(
            0.2,
            0.6,
            reasoning="judgement: a real but bounded precedent cost; factor ~2",
        ),
    )
    renunciation_cost: float = parameter(
        0.1,
        doc=(
            "cost of a final settlement recognising Russian sovereignty over "
            "islands Japan claims"
        ),
        source=(
            "FRUS 1955-57 XXIII, docs 89 (Dulles-Shigemitsu, 19 Aug 1956), 93 "
            "(24 Aug 1956) and 101 (aide-memoire, 7 Sep 1956: Etorofu and "
            "Kunashiri always part of Japan); the size is judgement, larger in 1956"
        ),
        prior=Prior.lognormal(
            0.1,
            1.0,
            reasoning=(
                "the direction is documented (1956), the size is judgement and "
                "period-dependent: very wide, factor ~2.7"
            ),
            source="FRUS 1955-57 vol. XXIII part 1, docs 89, 93, 101",
        ),
    )
    detente_value: float = parameter(
        0.0,
        doc="value (or, if negative, cost) of a Japan-Russia peace treaty as such",
        bounds=(-math.inf, math.inf),
        source=(
            "judgement: about neutral by default; the US favoured ending the state "
            "of war in 1956 (FRUS 1955-57 XXIII, docs 101 and 104); negative after "
            "the sanctions of 2022"
        ),
        prior=Prior.truncnorm(
            0.0,
            0.1,
            low=-0.5,
            high=0.5,
            reasoning="judgement: neutral on average, either sign by period",
            source="FRUS 1955-57 vol. XXIII part 1, docs 101 and 104",
        ),
    )
    access_value: float = parameter(
        0.05,
        doc="value of access to transferred islands near the Sea of Okhotsk",
        source="judgement: small; the US has not sought bases there",
        prior=Prior.lognormal(
            0.05,
            0.8,
            reasoning="judgement: small; wide, factor ~2.2",
        ),
    )
    status_quo: float = parameter(
        0.0,
        doc="utility of the status quo (no treaty)",
        bounds=(-math.inf, math.inf),
        source=_NORMALISATION,
        prior=_STATUS_QUO_PRIOR,
    )
    TERMS = (
        Term(
            name="carveout",
            column=lambda space: _any_transfer(space) * (1.0 - _us_allowed(space)),
            coefficient=lambda p: -p["carveout_cost"],
            doc="islands transferred with US forces excluded",
        ),
        Term(
            name="renunciation",
            column=_feature("islands.renounced", default=0.0),
            coefficient=lambda p: -p["renunciation_cost"],
            doc="a final settlement leaving islands Japan claims with Russia",
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
