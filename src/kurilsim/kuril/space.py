"""The built-in issues of the Japan-Russia negotiation and the default space.

Feature names (used by the built-in agents; ``issue.feature``):

* ``islands.habomai``, ``islands.shikotan``, ``islands.kunashir``,
  ``islands.iturup``: 1 if the island is transferred to Japan;
  ``islands.count``: number of islands transferred; ``islands.area_share``:
  share of the total area transferred; ``islands.any``: 1 if any is.
* ``security.us_forces_allowed``: US forces may be stationed on transferred
  islands (the 1960 treaty unchanged); ``security.japanese_forces_allowed``;
  ``security.demilitarised``; ``security.restricts_us``: US forces may *not*
  be stationed there (a restriction of US rights; with ``islands.any`` it is
  the rule of :func:`kurilsim.kuril.kuril_protocol` for which agreements the
  United States may object to).
* ``economic.size``: the economic package in units of the 2016 Nagato package
  (about ¥300 bn of deals).
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
    "economic_package",
    "fisheries_arrangement",
    "island_transfer",
    "kuril_space",
    "security_regime",
    "sovereignty_form",
]

_INITIALS = {"habomai": "H", "shikotan": "S", "kunashir": "K", "iturup": "I"}


def island_transfer(chain: Literal["nested", "subsets"] = "nested") -> Issue:
    """Which islands Japan receives.

    Parameters
    ----------
    chain : {"nested", "subsets"}
        ``"nested"`` (default): the chain outward from Hokkaido -- none,
        Habomai, Habomai+Shikotan (the 1956 formula), Habomai+Shikotan+Kunashir,
        all four.  ``"subsets"``: all 16 subsets.  Option keys join initials
        (``"H+S"``); labels join names (``"Habomai+Shikotan"``).

    Examples
    --------
    >>> from kurilsim.kuril.space import island_transfer
    >>> island_transfer().options
    ('none', 'H', 'H+S', 'H+S+K', 'H+S+K+I')
    >>> len(island_transfer("subsets"))
    16
    >>> island_transfer().feature_values("area_share").round(3)
    array([0.   , 0.019, 0.069, 0.367, 1.   ])
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
    area = island_shares("area")
    keys, labels = [], []
    features: dict[str, list[float]] = {each.key: [] for each in ISLANDS}
    features |= {"count": [], "area_share": [], "any": []}
    for subset in subsets:
        members = {each.key for each in subset}
        if not subset:
            keys.append("none")
            labels.append("no islands")
        else:
            keys.append("+".join(_INITIALS[each.key] for each in subset))
            labels.append(
                "all four islands"
                if len(subset) == len(ISLANDS)
                else "+".join(each.name for each in subset)
            )
        for each in ISLANDS:
            features[each.key].append(float(each.key in members))
        features["count"].append(float(len(subset)))
        features["area_share"].append(
            float(sum(area[ISLANDS.index(each)] for each in subset))
        )
        features["any"].append(float(bool(subset)))
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


def economic_package(sizes: tuple[float, float, float] = (0.0, 1.0, 3.0)) -> Issue:
    """Japanese economic cooperation offered with the deal.

    Parameters
    ----------
    sizes : tuple of three floats
        Size of the options ``"none"``, ``"nagato"`` and ``"larger"`` in units
        of the 2016 Nagato package (about 80 deals worth ¥300 bn).  The
        default "larger" package is three times Nagato (*modelling*).
    """
    if len(sizes) != 3 or not all(isinstance(s, int | float) and s >= 0 for s in sizes):
        raise InvalidModelError(
            f"economic package sizes must be three numbers >= 0, got {sizes!r}"
        )
    return Issue(
        name="economic",
        options=("none", "nagato", "larger"),
        labels=("no economic package", "Nagato-scale package", "larger package"),
        features={"size": tuple(float(s) for s in sizes)},
        description="Economic cooperation package, in units of the 2016 Nagato deals.",
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
    sovereignty: bool = False,
    fisheries: bool = False,
) -> AgreementSpace:
    """The default agreement space of the Japan-Russia negotiation.

    Issues: island transfer, security regime, economic package, and optionally
    the form of sovereignty and a fisheries arrangement.  Constraint: when no
    island is transferred there is nothing for a security regime or a form of
    sovereignty to apply to, so they take their first option.

    Examples
    --------
    >>> from kurilsim import kuril_space
    >>> len(kuril_space()), len(kuril_space(islands="subsets"))
    (39, 138)
    >>> len(kuril_space(sovereignty=True, fisheries=True))
    333
    """
    issues = [island_transfer(islands), security_regime(), economic_package()]
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
