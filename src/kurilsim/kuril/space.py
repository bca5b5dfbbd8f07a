"""The built-in issues of the Japan-Russia negotiation and the default space.

Feature names (used by the built-in agents; ``issue.feature``):

* ``islands.habomai``, ``islands.shikotan``, ``islands.kunashir``,
  ``islands.iturup``: 1 if the island is transferred to Japan;
  ``islands.count``: number of islands transferred; ``islands.area_share``:
  share of the total area transferred; ``islands.any``: 1 if any is.
* Phased agreements (see :func:`island_transfer`): ``islands.talks``: 1 if
  the agreement commits both sides to continue talks on the islands it does
  not transfer (Kunashir and Iturup); ``islands.joint``: 1 if it sets up
  joint economic activity on Kunashir and Iturup.
* What an agreement settles: ``islands.final``: 1 if it is a final
  settlement of the territorial question (a treaty without a commitment to
  continue talks); ``islands.renounced``: 1 if it is a final settlement that
  leaves with Russia at least one island Japan claims (fewer than four
  islands and no continuation of talks: Japan would recognise Russian
  sovereignty over them); ``islands.renounced_count``: how many.  The 1956
  objection of the United States was to such a recognition over Kunashir and
  Iturup (FRUS 1955-57 vol. XXIII, docs 89 and 93), so
  ``objectionable = "islands.renounced"`` is the outcome-dependent rule of
  that objection.
* The 1956 Declaration and the 2020 constitution: ``islands.within_1956``: 1
  if islands are transferred and all of them are among the two of Article 9
  of the 1956 Joint Declaration (Habomai, Shikotan): a transfer that Russia
  could present as the delimitation of its border under a treaty it has
  ratified, the exception of the 2020 amendment (Art. 67 § 2.1 of the
  Constitution of the Russian Federation); ``islands.beyond_1956``: 1 if
  Kunashir or Iturup is transferred (a cession no such reading covers).
  ``objectionable = "islands.any"`` vetoes every cession,
  ``"islands.beyond_1956"`` every cession but the delimitation exception.
* ``security.us_forces_allowed``: US forces may be stationed on transferred
  islands (the 1960 treaty unchanged); ``security.japanese_forces_allowed``;
  ``security.demilitarised``; ``security.restricts_us``: US forces may *not*
  be stationed there (a restriction of US rights; with ``islands.any`` it is
  the rule of :func:`kurilsim.kuril.kuril_protocol` for which agreements the
  United States may object to).
* ``economic.package``: 1 if the agreement includes a Japanese economic
  package.  Its size is not a feature but the agents' parameter
  ``package_size`` (in units of the 2016 Nagato package, about ¥300 bn), so
  that it can be swept like any other parameter (see
  :func:`economic_package`).
* ``sovereignty.control``: the share of effective control that passes to Japan
  (full 1, autonomy 0.7, lease 0.3; *modelling* values).
* ``fisheries.access``: Japanese fishing access (1) or not (0);
  ``fisheries.joint``: joint management (1) or not.
"""

from __future__ import annotations

import itertools
from typing import Literal

from kurilsim._errors import InvalidModelError
from kurilsim.kuril.islands import ISLANDS, island_shares
from kurilsim.model.agreements import AgreementSpace, Constraint, Issue

__all__ = [
    "NAGATO_YEN_BN",
    "PHASED_OPTIONS",
    "economic_package",
    "fisheries_arrangement",
    "island_transfer",
    "kuril_space",
    "security_regime",
    "sovereignty_form",
]

_INITIALS = {"habomai": "H", "shikotan": "S", "kunashir": "K", "iturup": "I"}

#: The islands of Article 9 of the 1956 Joint Declaration.
_ARTICLE_9 = frozenset({"habomai", "shikotan"})

#: One unit of economic package: the 2016 Nagato package, about ¥300 bn of
#: about 80 business deals (Japan MOFA, Japan-Russia summit meeting,
#: 15-16 December 2016; UPI, "Vladimir Putin, Shinzo Abe agree on joint
#: Russian-Japan activities on Kuril Islands", 16 December 2016).
NAGATO_YEN_BN = 300.0

#: The phased options of the islands issue (key, label, talks, joint): the
#: two small islands now, with a commitment to continue talks on Kunashir and
#: Iturup, or with joint economic activity on them.
PHASED_OPTIONS: tuple[tuple[str, str, float, float], ...] = (
    (
        "H+S+talks",
        "Habomai+Shikotan, talks to continue on Kunashir and Iturup",
        1.0,
        0.0,
    ),
    (
        "H+S+joint",
        "Habomai+Shikotan, joint economic activity on Kunashir and Iturup",
        0.0,
        1.0,
    ),
)


def island_transfer(
    chain: Literal["nested", "subsets"] = "nested", *, phased: bool = True
) -> Issue:
    """Which islands Japan receives, and what happens to the others.

    Parameters
    ----------
    chain : {"nested", "subsets"}
        ``"nested"`` (default): the chain outward from Hokkaido -- none,
        Habomai, Habomai+Shikotan (the 1956 formula), Habomai+Shikotan+Kunashir,
        all four.  ``"subsets"``: all 16 subsets.  Option keys join initials
        (``"H+S"``); labels join names (``"Habomai+Shikotan"``).
    phased : bool, optional
        Add, right after ``"H+S"``, the two phased agreements of
        :data:`PHASED_OPTIONS` (default ``True``): ``"H+S+talks"``
        (Habomai and Shikotan now, with a commitment to continue talks on
        Kunashir and Iturup: the "two islands first" of Japanese polls and
        the structure of Kozyrev's confidential offer of March 1992) and
        ``"H+S+joint"`` (Habomai and Shikotan, with joint economic activity
        on Kunashir and Iturup, which stay Russian: the option of the Asahi
        poll of January 2019).

    Notes
    -----
    The phased agreements are options of the islands issue rather than a
    separate issue because they are alternative answers to one question --
    what becomes of each of the four islands -- and only make sense together
    with the transfer of exactly Habomai and Shikotan: a separate issue
    ("talks on the rest: yes/no") would need a constraint to rule out talks
    on islands already transferred and joint activity on Japanese islands,
    and would multiply the space for nothing.  Every option carries the
    features ``talks``, ``joint``, ``final``, ``renounced``,
    ``renounced_count``, ``within_1956`` and ``beyond_1956`` (see
    :mod:`kurilsim.kuril.space`); the status quo has them all 0 (no treaty
    settles or renounces anything).

    Examples
    --------
    >>> from kurilsim.kuril.space import island_transfer
    >>> island_transfer().options
    ('none', 'H', 'H+S', 'H+S+talks', 'H+S+joint', 'H+S+K', 'H+S+K+I')
    >>> island_transfer(phased=False).options
    ('none', 'H', 'H+S', 'H+S+K', 'H+S+K+I')
    >>> len(island_transfer("subsets")), len(island_transfer("subsets", phased=False))
    (18, 16)
    >>> island_transfer().feature_values("area_share").round(3)
    array([0.   , 0.019, 0.069, 0.069, 0.069, 0.367, 1.   ])
    >>> island_transfer().feature_values("renounced")
    array([1., 1., 1., 0., 1., 1., 0.])
    >>> island_transfer().feature_values("within_1956")
    array([0., 1., 1., 1., 1., 0., 0.])
    """
    if chain == "nested":
        subsets = [ISLANDS[:k] for k in range(len(ISLANDS) + 1)]
    elif chain == "subsets":
        subsets = [
            combo
            for size in range(len(ISLANDS) + 1)
            for combo in itertools.combinations(ISLANDS, size)
        ]
    else:
        raise InvalidModelError(
            f"island chain must be 'nested' or 'subsets', got {chain!r}"
        )
    if not isinstance(phased, bool):
        raise InvalidModelError(f"phased must be True or False, got {phased!r}")
    area = island_shares("area")
    keys: list[str] = []
    labels: list[str] = []
    names = (
        *(each.key for each in ISLANDS),
        "count",
        "area_share",
        "any",
        "talks",
        "joint",
        "final",
        "renounced",
        "renounced_count",
        "within_1956",
        "beyond_1956",
    )
    features: dict[str, list[float]] = {name: [] for name in names}

    def add(
        key: str, label: str, members: set[str], talks: float, joint: float
    ) -> None:
        keys.append(key)
        labels.append(label)
        for each in ISLANDS:
            features[each.key].append(float(each.key in members))
        left = len(ISLANDS) - len(members)
        final = 1.0 - talks
        features["count"].append(float(len(members)))
        features["area_share"].append(
            float(sum(area[i] for i, each in enumerate(ISLANDS) if each.key in members))
        )
        features["any"].append(float(bool(members)))
        features["talks"].append(talks)
        features["joint"].append(joint)
        features["final"].append(final)
        features["renounced"].append(final * float(left > 0))
        features["renounced_count"].append(final * left)
        features["within_1956"].append(float(bool(members) and members <= _ARTICLE_9))
        features["beyond_1956"].append(float(bool(members - _ARTICLE_9)))

    for subset in subsets:
        members = {each.key for each in subset}
        if not subset:
            add("none", "no islands", members, 0.0, 0.0)
            continue
        add(
            "+".join(_INITIALS[each.key] for each in subset),
            "all four islands"
            if len(subset) == len(ISLANDS)
            else "+".join(each.name for each in subset),
            members,
            0.0,
            0.0,
        )
        if phased and members == _ARTICLE_9:
            for key, label, talks, joint in PHASED_OPTIONS:
                add(key, label, members, talks, joint)
    return Issue(
        name="islands",
        options=tuple(keys),
        labels=tuple(labels),
        features={name: tuple(values) for name, values in features.items()},
        description=(
            "Islands transferred to Japan; the others stay Russian. "
            + (
                "Nested chain outward from Hokkaido."
                if chain == "nested"
                else "Any subset of the four islands."
            )
            + (
                " Phased: Habomai+Shikotan with continued talks, or with joint "
                "economic activity, on Kunashir and Iturup."
                if phased
                else ""
            )
        ),
    )


def security_regime() -> Issue:
    """The military status of transferred islands.

    Options: ``"us-forces-allowed"`` (the 1960 security treaty applies
    unchanged: Art. VI lets US forces use facilities there), ``"no-us-forces"``
    (Japanese forces allowed, no US forces: the pledge Abe reportedly gave in
    2018), ``"demilitarised"`` (no forces at all).

    Examples
    --------
    >>> from kurilsim.kuril.space import security_regime
    >>> security_regime().labels
    ('US forces allowed', 'no US forces', 'full demilitarisation')
    >>> security_regime().feature_values("restricts_us")
    array([0., 1., 1.])
    """
    return Issue(
        name="security",
        options=("us-forces-allowed", "no-us-forces", "demilitarised"),
        labels=("US forces allowed", "no US forces", "full demilitarisation"),
        features={
            "us_forces_allowed": (1.0, 0.0, 0.0),
            "japanese_forces_allowed": (1.0, 1.0, 0.0),
            "demilitarised": (0.0, 0.0, 1.0),
            "restricts_us": (0.0, 1.0, 1.0),
        },
        description="Who may station forces on transferred islands.",
    )


def economic_package() -> Issue:
    """Japanese economic cooperation offered with the deal: none, or a package.

    Options ``"none"`` and ``"package"``; feature ``economic.package`` (0, 1).
    The package's size is the parameter ``package_size`` of the agents Japan
    and Russia, in units of the 2016 Nagato package (about 80 deals worth
    about ¥300 bn, :data:`NAGATO_YEN_BN`), not a feature of the space: a
    size is then a number that a sweep, a prior or a calibration can vary
    continuously without rebuilding the space, and the utilities stay linear
    in the space's features (Japan's cost and Russia's concave, risk-discounted
    value of the size are coefficients of the ``economic.package`` column).
    The label therefore names the parameter that sets the size, as a
    placeholder that :meth:`kurilsim.Scenario.agreement_label` fills with the
    scenario's value (``str(agreement)`` keeps the placeholder).

    Examples
    --------
    >>> from kurilsim.kuril.space import economic_package
    >>> economic_package().labels
    ('no economic package', 'package of {japan.package_size} x Nagato (~¥300 bn each)')
    >>> import kurilsim
    >>> scenario = kurilsim.kuril_scenario(name="default")
    >>> deal = scenario.space.agreement(islands="H", security="us-forces-allowed",
    ...                                 economic="package")
    >>> scenario.agreement_label(deal)
    'Habomai, US forces allowed, package of 1 x Nagato (~¥300 bn each)'
    >>> economic_package().feature_values("package")
    array([0., 1.])
    """
    return Issue(
        name="economic",
        options=("none", "package"),
        labels=(
            "no economic package",
            f"package of {{japan.package_size}} x Nagato (~¥{NAGATO_YEN_BN:.0f} bn each)",
        ),
        features={"package": (0.0, 1.0)},
        description=(
            "Economic cooperation package; its size is the agents' parameter "
            "package_size, in units of the 2016 Nagato package (~¥300 bn)."
        ),
    )


def sovereignty_form() -> Issue:
    """The form in which transferred islands pass to Japan (optional issue).

    Options ``"full"`` (full sovereignty), ``"autonomy"`` (Japanese sovereignty
    with a special autonomous status for Russian residents) and ``"lease"``
    (Japanese sovereignty recognised, leased back to Russia for a term).
    Feature ``control``: the share of effective control passing to Japan
    (1, 0.7, 0.3 -- *modelling* values).
    """
    return Issue(
        name="sovereignty",
        options=("full", "autonomy", "lease"),
        labels=("full sovereignty", "autonomy for residents", "lease-back to Russia"),
        features={"control": (1.0, 0.7, 0.3)},
        description="Form of the transfer of sovereignty over transferred islands.",
    )


def fisheries_arrangement() -> Issue:
    """Fishing rights around the islands (optional issue).

    Options ``"none"``, ``"access"`` (Japanese boats fish against fees, as under
    the 1998 agreement) and ``"joint"`` (joint management of the ~147,600 km²
    maritime zone).
    """
    return Issue(
        name="fisheries",
        options=("none", "access", "joint"),
        labels=("no fisheries deal", "fishing access", "joint fisheries management"),
        features={"access": (0.0, 1.0, 1.0), "joint": (0.0, 0.0, 1.0)},
        description="Fishing rights in the waters around the four islands.",
    )


def kuril_space(
    *,
    islands: Literal["nested", "subsets"] = "nested",
    phased: bool = True,
    sovereignty: bool = False,
    fisheries: bool = False,
) -> AgreementSpace:
    """The default agreement space of the Japan-Russia negotiation.

    Issues: island transfer (with the phased agreements unless
    ``phased=False``; see :func:`island_transfer`), security regime, economic
    package, and optionally the form of sovereignty and a fisheries
    arrangement.  Constraint: when no island is transferred there is nothing
    for a security regime or a form of sovereignty to apply to, so they take
    their first option.

    Examples
    --------
    >>> from kurilsim import kuril_space
    >>> len(kuril_space()), len(kuril_space(islands="subsets"))
    (38, 104)
    >>> len(kuril_space(phased=False))
    26
    >>> len(kuril_space(sovereignty=True, fisheries=True))
    330
    """
    issues = [
        island_transfer(islands, phased=phased),
        security_regime(),
        economic_package(),
    ]
    require: dict[str, tuple[str, ...]] = {"security": ("us-forces-allowed",)}
    if sovereignty:
        issues.append(sovereignty_form())
        require["sovereignty"] = ("full",)
    if fisheries:
        issues.append(fisheries_arrangement())
    rule = Constraint(
        when={"islands": ("none",)},
        require=require,
        description="Without a transfer the regime and sovereignty form are moot.",
    )
    return AgreementSpace(tuple(issues), (rule,))
