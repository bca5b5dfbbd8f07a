"""The four islands: figures (checked against the domain brief), sources, lookups."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kurilsim import ISLANDS, InvalidModelError, Island
from kurilsim.kuril.islands import Source, island, island_shares

FIGURES = (
    "area_km2",
    "japanese_population_1945",
    "russian_population_recent",
    "fish_catch_prewar_t",
)


def test_four_islands_outward_from_hokkaido() -> None:
    assert [each.name for each in ISLANDS] == [
        "Habomai",
        "Shikotan",
        "Kunashir",
        "Iturup",
    ]
    assert [each.key for each in ISLANDS] == [
        "habomai",
        "shikotan",
        "kunashir",
        "iturup",
    ]
    assert all(isinstance(each, Island) for each in ISLANDS)


def test_areas_match_the_brief() -> None:
    assert [each.area_km2 for each in ISLANDS] == [95.0, 251.0, 1490.0, 3168.0]
    total = sum(each.area_km2 for each in ISLANDS)
    assert total == 5004.0
    # The brief's table gives 5,003 km²: the per-island figures are rounded.
    assert abs(total - 5003.0) <= 1.0


def test_populations_and_catch_match_the_brief() -> None:
    assert [each.japanese_population_1945 for each in ISLANDS] == [
        5281,
        1038,
        7364,
        3608,
    ]
    assert sum(each.japanese_population_1945 for each in ISLANDS) == 17_291
    assert sum(each.fish_catch_prewar_t for each in ISLANDS) == 210_000.0
    recent = sum(each.russian_population_recent for each in ISLANDS)
    assert 17_000 <= recent <= 19_000  # "~18,000"
    assert island("habomai").russian_population_recent == 0  # border guards only


def test_cumulative_area_shares_outward_from_hokkaido() -> None:
    cumulative = np.cumsum(island_shares("area"))
    # H 1.9%, H+S 6.9% (the 1956 formula: "about 7%"), H+S+K 36.7%, all 100%.
    np.testing.assert_allclose(
        np.round(cumulative * 100, 1), [1.9, 6.9, 36.7, 100.0], atol=1e-9
    )
    assert round(float(cumulative[1]) * 100) == 7


@pytest.mark.parametrize("each", ISLANDS, ids=lambda each: each.key)
def test_every_figure_has_a_pinned_source(each: Island) -> None:
    for name in (*FIGURES, "strategic_note"):
        source = each.sources[name]
        assert isinstance(source, Source)
        assert source.citation.strip()
    assert each.strategic_note.strip()
    assert each.japanese_name.strip()
    assert each.russian_name.strip()


def test_source_needs_a_citation() -> None:
    with pytest.raises(InvalidModelError, match="citation"):
        Source(citation="  ")


@pytest.mark.parametrize("field", [*FIGURES, "name", "key"])
def test_records_are_immutable(field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(ISLANDS[0], field, 0)


def test_figures_are_typed() -> None:
    for each in ISLANDS:
        assert isinstance(each.area_km2, float)
        assert isinstance(each.fish_catch_prewar_t, float)
        assert isinstance(each.japanese_population_1945, int)
        assert isinstance(each.russian_population_recent, int)
    assert len({hash(each) for each in ISLANDS}) == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("area_km2", -1.0),
        ("area_km2", float("nan")),
        ("fish_catch_prewar_t", float("inf")),
        ("japanese_population_1945", 1.5),
        ("russian_population_recent", True),
        ("russian_population_recent", -3),
    ],
)
def test_island_validation_names_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidModelError, match=field):
        dataclasses.replace(ISLANDS[0], **{field: value})


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Habomai", "habomai"),
        ("shikotan", "shikotan"),
        ("KUNASHIR", "kunashir"),
        ("  iturup ", "iturup"),
    ],
)
def test_island_lookup(query: str, key: str) -> None:
    assert island(query).key == key
    assert island(query) is ISLANDS[[each.key for each in ISLANDS].index(key)]


def test_island_lookup_error_lists_the_islands() -> None:
    with pytest.raises(InvalidModelError, match="'Urup'") as info:
        island("Urup")
    for each in ISLANDS:
        assert each.name in str(info.value)


@pytest.mark.parametrize(
    "measure",
    ["area", "population_1945", "population_recent", "fish_catch", "equal"],
)
def test_island_shares_sum_to_one(measure: str) -> None:
    shares = island_shares(measure)
    assert shares.shape == (4,)
    assert np.all(shares >= 0)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)


def test_island_shares_values() -> None:
    np.testing.assert_array_equal(island_shares("equal"), np.full(4, 0.25))
    np.testing.assert_allclose(
        island_shares("fish_catch"), [0.625, 11_250 / 210_000, 45 / 210, 22.5 / 210]
    )
    np.testing.assert_allclose(
        island_shares("population_1945"),
        np.array([5281, 1038, 7364, 3608]) / 17_291,
    )
    assert island_shares("population_recent")[0] == 0.0
    np.testing.assert_allclose(
        island_shares("area", ISLANDS[:2]), [95 / 346, 251 / 346]
    )


def test_island_shares_bad_measure() -> None:
    with pytest.raises(InvalidModelError, match="'volume'") as info:
        island_shares("volume")
    assert "area" in str(info.value)
    assert "equal" in str(info.value)


def test_island_shares_zero_total() -> None:
    with pytest.raises(InvalidModelError, match="zero"):
        island_shares("population_recent", ISLANDS[:1])


def test_every_pinned_source_is_public() -> None:
    """No figure cites the team's unpublished notes; each names a publisher."""
    for each in ISLANDS:
        for name, source in each.sources.items():
            text = f"{source.citation} {source.note}".lower()
            assert "brief" not in text, (each.name, name)
            assert "kurilsim" not in text, (each.name, name)


def test_the_fish_measure_says_it_is_tonnage_not_value() -> None:
    note = ISLANDS[0].sources["fish_catch_prewar_t"].note
    assert "tonnage, not value" in note.lower()
    assert "kelp" in note
