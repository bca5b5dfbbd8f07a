"""Public-opinion polls on the dispute, and ratifier thresholds read from them.

The table ``polls.toml`` (shipped with the package) holds dated, sourced
polls from Japan (the Cabinet Office, Nikkei/TV Tokyo, Kyodo, Asahi, Mainichi,
Yomiuri, Jiji, Sankei/FNN, Hokkaido Shimbun) and Russia (Levada Center,
VTsIOM, FOM).  Every row records the fieldwork dates (and how precisely they
are known), the population, mode and sample size where the source gives
them, the question (verbatim or as reported), the answer shares in percent as
reported, the page it comes from, and -- where the question is about one
agreement -- that agreement in the model's terms (``maps_to``) with the
answers counted for and against it.  Nothing is filled in that the source
does not give: an absent sample size is ``None``.

:func:`list_polls` lists them (by country and date), :func:`poll` fetches one by
id, :func:`as_records` and :func:`as_dataframe` (pandas, optional) tabulate
them.  The file is read once and every row is validated when it is read
(:func:`polls_from_dict` is the validator, public so that a modified copy of
the data can be checked the same way).

From a poll to a ratifier's threshold
-------------------------------------
A ratification stage of party *p* accepts agreement *a* iff the gain of *p*'s
government over the status quo, ``g(a) = u_p(a) - u_p(status quo)``, is at
least the stage's threshold ``tau`` (the reduced form of the ratification
rules of :mod:`kurilsim.kuril`).  To read ``tau`` from a poll we assume
(a judgement, not a finding):

* each member of the public evaluates *a* as the government does, plus an
  idiosyncratic normal term: respondent *i* supports *a* iff
  ``g(a) - tau + e_i >= 0`` with ``e_i ~ N(0, sigma**2)``, so the share that
  supports *a* is ``s = Phi((g(a) - tau) / sigma)`` (a probit in the
  government's gain; the *median* member of the public accepts *a* iff
  ``g(a) >= tau``);
* a ratifier that follows opinion applies the median's rule, i.e. the
  threshold ``tau``.

Inverting, ``tau = g(a) - sigma * Phi^-1(s)`` (:func:`threshold_from_poll`):
a majority for *a* (``s > 1/2``) puts the threshold below ``g(a)``, so *a*
passes; a minority puts it above.  ``s`` is the share among those who chose
the answers counted for or against *a* (:func:`support_share`; the
undecided and other options are left out).  ``sigma`` is given relative to
the stakes: ``sigma = scale * R``, with ``R`` the range of the party's
gains over the scenario's agreements and the status quo, so that one prior
for ``scale`` (:data:`SCALE_PRIOR`, median :data:`DEFAULT_SCALE`) serves
parties whose utilities have different units.  As ``scale -> 0`` the threshold
tends to ``g(a)`` (opinion pins down the median exactly); a larger scale moves
it further from ``g(a)`` for the same poll.

Polls name only what they ask about (an islands option, for instance);
:func:`threshold_from_poll` completes such an agreement with the first
option of every issue the question does not name (in the Kuril space: US
forces allowed, i.e. the 1960 treaty unchanged, and no economic package --
the question as asked, with nothing else conceded).  Pass ``agreement=`` to
choose otherwise.

References
----------
.. [1] Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of
   two-level games. International Organization 42(3), 427-460.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import functools
import math
import numbers
import re
import reprlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri

from kurilsim._checks import finite_real
from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.model.agreements import Agreement
from kurilsim.model.priors import Prior
from kurilsim.model.scenario import Scenario

__all__ = [
    "COUNTRIES",
    "DEFAULT_SCALE",
    "SCALE_PRIOR",
    "Poll",
    "PollSource",
    "as_dataframe",
    "as_records",
    "implied_support",
    "list_polls",
    "poll",
    "polls_from_dict",
    "support_share",
    "threshold_from_poll",
    "thresholds_from_poll",
]

#: The countries a poll may come from.
COUNTRIES: Final = ("japan", "russia")

#: How precisely a poll's fieldwork dates are known.
DATE_PRECISIONS: Final = ("day", "month", "published")

#: Whether a poll's question is quoted or described.
WORDING_KINDS: Final = ("verbatim", "reported")

#: How far the reported shares of a poll may sum above 100 (rounding of each).
SUM_TOLERANCE: Final = 1.5

#: The earliest fieldwork date accepted (the dispute dates from 1945).
EARLIEST: Final = datetime.date(1945, 8, 1)

#: The prior of ``scale``: the spread of the public's evaluations of an
#: agreement around the government's, as a fraction of the range of the
#: government's gains (see the module docstring).
SCALE_PRIOR: Final = Prior.lognormal(
    0.25,
    0.6,
    reasoning=(
        "judgement: the public's evaluations scatter around the government's by "
        "about a quarter of what is at stake (median 0.25), within a factor of "
        "about 3 (sigma 0.6: 95% in [0.08, 0.81]).  A check, not a fit: pairing "
        "the Asahi poll of Jan 2019 (H+S with joint activity) with each "
        "'two islands first' poll of Oct 2016-Jan 2019 gives 0.15-0.37 for "
        "Japan under the 2018-singapore utilities"
    ),
    source="judgement; kurilsim.data.polls (the Japanese polls in polls.toml)",
)

#: The default ``scale``: the median of :data:`SCALE_PRIOR`.
DEFAULT_SCALE: Final = 0.25

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9+]+)*$")
_URL = re.compile(r"^https?://\S+$")

_POLL_KEYS: Final = frozenset(
    {
        "id",
        "country",
        "pollster",
        "start",
        "end",
        "date_precision",
        "population",
        "mode",
        "sample_size",
        "question",
        "wording_kind",
        "answers",
        "support",
        "oppose",
        "maps_to",
        "note",
        "source",
        "see_also",
    }
)
_REQUIRED_KEYS: Final = (
    "id",
    "country",
    "pollster",
    "start",
    "end",
    "date_precision",
    "question",
    "wording_kind",
    "answers",
    "source",
)
_SOURCE_KEYS: Final = frozenset({"publisher", "title", "date", "url", "via"})

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60


def _show(value: object) -> str:
    return _REPR.repr(value)


def _text(where: str, name: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str) or not value.strip():
        kind = "a non-empty string or absent" if optional else "a non-empty string"
        raise InvalidModelError(f"{where}: {name} must be {kind}, got {_show(value)}")


def _a_date(where: str, name: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    # datetime.datetime is a date too: a poll's dates are days, not instants
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidModelError(
            f"{where}: {name} must be a date (YYYY-MM-DD), got {_show(value)}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PollSource:
    """The page a poll's figures come from.

    Parameters
    ----------
    publisher : str
        Who published the report (the newspaper, agency or pollster).
    url : str
        The address of the page read (``http://`` or ``https://``).
    title : str, optional
        The page's title, when the page shows it.
    date : datetime.date, optional
        The page's date, when the page shows it.
    via : str, optional
        Where the page read is a copy of the publisher's report (a web
        archive, a repost), what it is.

    Raises
    ------
    InvalidModelError
        On an empty publisher, a url that is not http(s), or a title, date or
        via of the wrong type.

    Examples
    --------
    >>> import datetime
    >>> from kurilsim.data import PollSource
    >>> PollSource(publisher="TASS", url="https://tass.com/society/1045319",
    ...            date=datetime.date(2019, 2, 19)).publisher
    'TASS'
    """

    publisher: str
    url: str
    title: str | None = None
    date: datetime.date | None = None
    via: str | None = None

    def __post_init__(self) -> None:
        where = "poll source"
        _text(where, "publisher", self.publisher)
        if not isinstance(self.url, str) or not _URL.match(self.url):
            raise InvalidModelError(
                f"{where}: url must be an http(s) address, got {_show(self.url)}"
            )
        _text(where, "title", self.title, optional=True)
        _a_date(where, "date", self.date, optional=True)
        _text(where, "via", self.via, optional=True)


def _answers(where: str, value: object) -> MappingProxyType[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise InvalidModelError(
            f"{where}: answers must be a non-empty table of answer -> share in "
            f"percent, got {_show(value)}"
        )
    shares: dict[str, float] = {}
    for key, share in value.items():
        _text(where, "an answer label", key)
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not 0 <= share <= 100  # before float(): 10**400 has no float
            or not math.isfinite(share)
        ):
            raise InvalidModelError(
                f"{where}: answers[{key!r}] must be a share in percent in [0, 100], "
                f"got {_show(share)}"
            )
        shares[key] = float(share)
    total = sum(shares.values())
    if total > 100 + SUM_TOLERANCE:
        raise InvalidModelError(
            f"{where}: the answer shares sum to {total:g}%, more than 100% (+ "
            f"{SUM_TOLERANCE} for rounding); a single-choice question's shares "
            "cannot"
        )
    return MappingProxyType(shares)


def _keys(where: str, name: str, value: object, answers: Mapping[str, float]) -> (
    tuple[str, ...]
):
    keys = (value,) if isinstance(value, str) else value
    if not isinstance(keys, Sequence) or not all(isinstance(k, str) for k in keys):
        raise InvalidModelError(
            f"{where}: {name} must be answer labels (a string or a list of strings), "
            f"got {_show(value)}"
        )
    for key in keys:
        if key not in answers:
            raise InvalidModelError(
                f"{where}: {name} names {key!r}, which is not an answer; answers are "
                f"{sorted(answers)}"
            )
    if len(set(keys)) != len(keys):
        raise InvalidModelError(f"{where}: {name} repeats an answer: {list(keys)}")
    return tuple(keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    """One poll question on the dispute, with its answers and its source.

    Parameters
    ----------
    id : str
        A slug, unique in the table (``"vtsiom-2018-11-26"``).
    country : {"japan", "russia"}
        Whose public was asked.
    pollster : str
        Who ran the poll.
    start, end : datetime.date
        The fieldwork dates (``start <= end``); see ``date_precision``.
    date_precision : {"day", "month", "published"}
        ``"day"``: the dates as reported.  ``"month"``: only the month is
        known; ``start`` and ``end`` are its first and last days.
        ``"published"``: the source gives no fieldwork dates; ``start`` and
        ``end`` are the publication date (an upper bound of the fieldwork).
    question : str
        The question: quoted (``wording_kind="verbatim"``) or as a report
        describes or translates it (``"reported"``).
    wording_kind : {"verbatim", "reported"}
    answers : mapping of str to float
        Answer -> share of all respondents in percent, as reported (each in
        [0, 100], summing to at most 100 + :data:`SUM_TOLERANCE`).  Answers
        the source does not report are absent.
    source : PollSource
        The page the figures come from.
    population : str, optional
        Who was sampled, as the source says (``None``: not stated).
    mode : str, optional
        Telephone, face-to-face, mail ... (``None``: not stated).
    sample_size : int, optional
        Respondents (``None``: not stated by the source).
    maps_to : mapping of str to str, optional
        The agreement the question is about, as ``{issue: option}`` in the
        model's terms (``{"islands": "H+S+joint"}``); ``None`` when the
        question names none.
    support, oppose : sequence of str, optional
        The answers counted for and against ``maps_to`` (disjoint).
    note : str, optional
        Judgement calls and caveats.
    see_also : sequence of PollSource, optional
        Other pages that report the same poll.

    Raises
    ------
    InvalidModelError
        On any value out of its range or of the wrong type; the message names
        the poll and the field.

    Examples
    --------
    >>> from kurilsim.data import poll
    >>> asahi = poll("asahi-2019-01-20")
    >>> asahi.pollster, asahi.start.isoformat(), asahi.end.isoformat()
    ('Asahi Shimbun', '2019-01-19', '2019-01-20')
    >>> dict(asahi.answers), dict(asahi.maps_to)
    ({'in favour': 38.0, 'opposed': 40.0}, {'islands': 'H+S+joint'})
    >>> asahi.sample_size is None  # not given by the source
    True
    """

    id: str
    country: Literal["japan", "russia"]
    pollster: str
    start: datetime.date
    end: datetime.date
    date_precision: Literal["day", "month", "published"]
    question: str
    wording_kind: Literal["verbatim", "reported"]
    answers: Mapping[str, float]
    source: PollSource
    population: str | None = None
    mode: str | None = None
    sample_size: int | None = None
    maps_to: Mapping[str, str] | None = None
    support: tuple[str, ...] = ()
    oppose: tuple[str, ...] = ()
    note: str = ""
    see_also: tuple[PollSource, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise InvalidModelError(
                "a poll id must be a lower-case slug (letters, digits, '-', '+'), "
                f"got {_show(self.id)}"
            )
        where = f"poll {self.id!r}"
        if self.country not in COUNTRIES:
            raise InvalidModelError(
                f"{where}: country must be one of {list(COUNTRIES)}, got "
                f"{_show(self.country)}"
            )
        _text(where, "pollster", self.pollster)
        _a_date(where, "start", self.start)
        _a_date(where, "end", self.end)
        if self.start > self.end:
            raise InvalidModelError(
                f"{where}: start {self.start} is after end {self.end}"
            )
        if self.start < EARLIEST or self.end > datetime.date.today():
            raise InvalidModelError(
                f"{where}: the fieldwork dates {self.start}..{self.end} must lie "
                f"between {EARLIEST} and today"
            )
        self._check_precision(where)
        _text(where, "question", self.question)
        if self.wording_kind not in WORDING_KINDS:
            raise InvalidModelError(
                f"{where}: wording_kind must be one of {list(WORDING_KINDS)}, got "
                f"{_show(self.wording_kind)}"
            )
        answers = _answers(where, self.answers)
        if not isinstance(self.source, PollSource):
            raise InvalidModelError(
                f"{where}: source must be a PollSource, got {_show(self.source)}"
            )
        _text(where, "population", self.population, optional=True)
        _text(where, "mode", self.mode, optional=True)
        if self.sample_size is not None and (
            isinstance(self.sample_size, bool | np.bool_)
            or not isinstance(self.sample_size, numbers.Integral)
            or self.sample_size < 1
        ):
            raise InvalidModelError(
                f"{where}: sample_size must be a positive integer or absent, got "
                f"{_show(self.sample_size)}"
            )
        maps_to = self._checked_maps_to(where)
        support = _keys(where, "support", self.support, answers)
        oppose = _keys(where, "oppose", self.oppose, answers)
        if set(support) & set(oppose):
            raise InvalidModelError(
                f"{where}: support and oppose share answers "
                f"{sorted(set(support) & set(oppose))}"
            )
        if (support or oppose) and maps_to is None:
            raise InvalidModelError(
                f"{where}: support and oppose count answers for and against the "
                "agreement in maps_to, but the poll has no maps_to"
            )
        if not isinstance(self.note, str):
            raise InvalidModelError(f"{where}: note must be a string")
        see_also = (
            tuple(self.see_also)
            if isinstance(self.see_also, Iterable)
            and not isinstance(self.see_also, str | bytes | Mapping)
            else None
        )
        if see_also is None or not all(isinstance(item, PollSource) for item in see_also):
            raise InvalidModelError(
                f"{where}: see_also must be a sequence of PollSource, got "
                f"{_show(self.see_also)}"
            )
        object.__setattr__(self, "answers", answers)
        object.__setattr__(self, "maps_to", maps_to)
        object.__setattr__(self, "support", support)
        object.__setattr__(self, "oppose", oppose)
        object.__setattr__(self, "see_also", see_also)
        if self.sample_size is not None:
            object.__setattr__(self, "sample_size", int(self.sample_size))

    def _check_precision(self, where: str) -> None:
        if self.date_precision not in DATE_PRECISIONS:
            raise InvalidModelError(
                f"{where}: date_precision must be one of {list(DATE_PRECISIONS)}, "
                f"got {_show(self.date_precision)}"
            )
        if self.date_precision == "month":
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            if (
                self.start.day != 1
                or (self.end.year, self.end.month) != (self.start.year, self.start.month)
                or self.end.day != last
            ):
                raise InvalidModelError(
                    f"{where}: date_precision 'month' needs start and end on the "
                    f"first and last day of one month, got {self.start}..{self.end}"
                )
        if self.date_precision == "published" and self.start != self.end:
            raise InvalidModelError(
                f"{where}: date_precision 'published' needs start == end (the "
                f"publication date), got {self.start}..{self.end}"
            )

    def _checked_maps_to(self, where: str) -> MappingProxyType[str, str] | None:
        if self.maps_to is None:
            return None
        if not isinstance(self.maps_to, Mapping) or not self.maps_to:
            raise InvalidModelError(
                f"{where}: maps_to must be a non-empty table of issue -> option or "
                f"absent, got {_show(self.maps_to)}"
            )
        for issue, option in self.maps_to.items():
            _text(where, "a maps_to issue", issue)
            _text(where, f"maps_to[{issue!r}]", option)
        return MappingProxyType(dict(self.maps_to))

    def __hash__(self) -> int:
        return hash(self.id)

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # read-only mappings do not pickle: rebuild from plain copies
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        fields["answers"] = dict(self.answers)
        fields["maps_to"] = None if self.maps_to is None else dict(self.maps_to)
        return (_rebuild_poll, (fields,))

    @property
    def date(self) -> datetime.date:
        """The end of fieldwork (the date the table sorts by)."""
        return self.end

    @property
    def total(self) -> float:
        """The sum of the reported shares, in percent."""
        return float(sum(self.answers.values()))


def _rebuild_poll(fields: dict[str, Any]) -> Poll:
    """A poll from its fields (unpickling)."""
    return Poll(**fields)


# -- reading and validating the table ---------------------------------------------
def _source_from(where: str, data: object) -> PollSource:
    if not isinstance(data, Mapping):
        raise InvalidModelError(f"{where}: expected a source table, got {_show(data)}")
    unknown = sorted(set(data) - _SOURCE_KEYS)
    if unknown:
        raise InvalidModelError(
            f"{where}: unknown key {unknown[0]!r}; expected one of "
            f"{sorted(_SOURCE_KEYS)}"
        )
    for key in ("publisher", "url"):
        if key not in data:
            raise InvalidModelError(f"{where}: missing {key!r}")
    try:
        return PollSource(**data)
    except InvalidModelError as error:
        raise InvalidModelError(f"{where}: {error}") from None


def polls_from_dict(
    data: Mapping[str, Any], source: str = "<dict>"
) -> tuple[Poll, ...]:
    """Validate a parsed poll table and build its polls (in file order).

    This is how ``polls.toml`` is read: run it on a modified copy of the
    table to check it the same way.

    Parameters
    ----------
    data : mapping
        The parsed TOML: ``{"polls": [row, ...]}``, each row a table of the
        :class:`Poll` fields, ``source`` and ``see_also`` tables of the
        :class:`PollSource` fields.
    source : str, optional
        What to call the data in error messages.

    Returns
    -------
    tuple of Poll

    Raises
    ------
    InvalidModelError
        On a missing or unknown key, a value out of range (a share outside
        [0, 100], shares summing above 100 + :data:`SUM_TOLERANCE`, start
        after end, an unknown country), or an id used twice; the message names
        ``source``, the row and the key.

    Examples
    --------
    >>> from kurilsim.data import polls_from_dict
    >>> row = {"id": "x-2018", "country": "japan", "pollster": "P",
    ...        "start": __import__("datetime").date(2018, 11, 23),
    ...        "end": __import__("datetime").date(2018, 11, 25),
    ...        "date_precision": "day", "question": "Q?",
    ...        "wording_kind": "reported", "answers": {"yes": 60, "no": 50},
    ...        "source": {"publisher": "P", "url": "https://example.org"}}
    >>> polls_from_dict({"polls": [row]}, "copy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: copy: polls[0] ('x-2018'): poll 'x-2018': the answer shares sum to 110%, ...
    """
    if not isinstance(data, Mapping):
        raise InvalidModelError(f"{source}: expected a table, got {_show(data)}")
    unknown = sorted(set(data) - {"polls"})
    if unknown:
        raise InvalidModelError(
            f"{source}: unknown key {unknown[0]!r}; expected 'polls'"
        )
    rows = data.get("polls")
    if not isinstance(rows, list) or not rows:
        raise InvalidModelError(
            f"{source}: 'polls' must be a non-empty array of tables, got {_show(rows)}"
        )
    built: list[Poll] = []
    seen: dict[str, int] = {}
    for k, row in enumerate(rows):
        label = row.get("id") if isinstance(row, Mapping) else None
        where = f"{source}: polls[{k}]" + (f" ({label!r})" if label else "")
        if not isinstance(row, Mapping):
            raise InvalidModelError(f"{where}: expected a table, got {_show(row)}")
        unknown = sorted(set(row) - _POLL_KEYS)
        if unknown:
            raise InvalidModelError(
                f"{where}: unknown key {unknown[0]!r}; expected one of "
                f"{sorted(_POLL_KEYS)}"
            )
        missing = [key for key in _REQUIRED_KEYS if key not in row]
        if missing:
            raise InvalidModelError(f"{where}: missing {missing[0]!r}")
        fields = dict(row)
        fields["source"] = _source_from(f"{where}: source", row["source"])
        see_also = row.get("see_also", [])
        if not isinstance(see_also, list):
            raise InvalidModelError(
                f"{where}: see_also must be an array of source tables"
            )
        fields["see_also"] = tuple(
            _source_from(f"{where}: see_also[{j}]", item)
            for j, item in enumerate(see_also)
        )
        for key in ("support", "oppose"):
            if key in fields and isinstance(fields[key], list):
                fields[key] = tuple(fields[key])
        try:
            item = Poll(**fields)
        except InvalidModelError as error:
            raise InvalidModelError(f"{where}: {error}") from None
        if item.id in seen:
            raise InvalidModelError(
                f"{where}: id {item.id!r} is used twice (also polls[{seen[item.id]}])"
            )
        seen[item.id] = k
        built.append(item)
    return tuple(built)


@functools.cache
def _table() -> tuple[Poll, ...]:
    """The shipped table, read and validated once."""
    text = resources.files("kurilsim.data").joinpath("polls.toml").read_text(
        encoding="utf-8"
    )
    return polls_from_dict(tomllib.loads(text), "kurilsim/data/polls.toml")


@functools.cache
def _by_id() -> Mapping[str, Poll]:
    return MappingProxyType({item.id: item for item in _table()})


def _as_date(name: str, value: object) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgumentError(
        f"polls: {name} must be a date or an ISO date string (YYYY-MM-DD), got "
        f"{_show(value)}"
    )


def list_polls(
    country: str | None = None,
    *,
    since: datetime.date | str | None = None,
    until: datetime.date | str | None = None,
) -> tuple[Poll, ...]:
    """The polls of the table, sorted by the end of fieldwork.

    Parameters
    ----------
    country : {"japan", "russia"}, optional
        Only that country's polls (default: both).
    since, until : datetime.date or str, optional
        Only polls whose fieldwork ended on or after ``since`` and on or
        before ``until`` (dates or ``"YYYY-MM-DD"``).

    Returns
    -------
    tuple of Poll
        Sorted by ``(end, start, id)``.

    Raises
    ------
    InvalidArgumentError
        On an unknown country or a date that is not one.

    Examples
    --------
    >>> from kurilsim.data import list_polls
    >>> len(list_polls()) >= 20
    True
    >>> [p.id for p in list_polls("russia", until="2001-12-31")]
    ['fom-1999-09-23', 'fom-2000-09-09', 'fom-2001-03-10']
    >>> all(p.country == "japan" for p in list_polls("japan", since="2018-01-01"))
    True
    """
    if country is not None and country not in COUNTRIES:
        raise InvalidArgumentError(
            f"polls: country must be one of {list(COUNTRIES)} or None, got "
            f"{_show(country)}"
        )
    low = _as_date("since", since)
    high = _as_date("until", until)
    chosen = [
        item
        for item in _table()
        if (country is None or item.country == country)
        and (low is None or item.end >= low)
        and (high is None or item.end <= high)
    ]
    return tuple(sorted(chosen, key=lambda item: (item.end, item.start, item.id)))


def poll(id: str) -> Poll:
    """The poll with this id.

    Raises
    ------
    InvalidArgumentError
        If no poll has that id (the message names the closest ids).

    Examples
    --------
    >>> from kurilsim.data import poll
    >>> poll("vtsiom-2018-11-26").answers["oppose the transfer"]
    77.0
    >>> poll("vtsiom-2018-11")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: no poll 'vtsiom-2018-11'; did you mean 'vtsiom-2018-11-26'...
    """
    table = _by_id()
    if isinstance(id, str) and id in table:
        return table[id]
    close = difflib.get_close_matches(str(id), list(table), n=3, cutoff=0.5)
    hint = (
        "did you mean " + " or ".join(repr(name) for name in close)
        if close
        else "no id is close"
    )
    raise InvalidArgumentError(
        f"no poll {_show(id)}; {hint} (kurilsim.data.polls.list_polls() lists the "
        f"{len(table)} polls)"
    )


def _chosen(items: Iterable[Poll] | None) -> tuple[Poll, ...]:
    if items is None:
        return list_polls()
    if isinstance(items, Poll | str | bytes | Mapping) or not isinstance(
        items, Iterable
    ):
        raise InvalidArgumentError(
            "items must be an iterable of Poll objects (kurilsim.data.polls.list_polls(); "
            f"for one poll, [poll]), got {_show(items)}"
        )
    chosen = tuple(items)
    for item in chosen:
        if not isinstance(item, Poll):
            raise InvalidArgumentError(
                f"items must hold Poll objects (kurilsim.data.polls.list_polls()), got "
                f"{_show(item)}"
            )
    return chosen


def as_records(items: Iterable[Poll] | None = None) -> list[dict[str, Any]]:
    """The polls as a list of flat dicts (one per poll), for tabulation.

    Parameters
    ----------
    items : iterable of Poll, optional
        Default: every poll (:func:`list_polls`).

    Returns
    -------
    list of dict
        Keys: the :class:`Poll` fields (``answers`` and ``maps_to`` as dicts,
        ``support`` and ``oppose`` as lists), ``total``, and the source as
        ``source_publisher``, ``source_title``, ``source_date``,
        ``source_url``, ``source_via``.

    Examples
    --------
    >>> from kurilsim.data import as_records, list_polls
    >>> rows = as_records(list_polls("russia"))
    >>> rows[0]["id"], rows[0]["source_url"].startswith("https://")
    ('fom-1999-09-23', True)
    """
    records = []
    for item in _chosen(items):
        records.append(
            {
                "id": item.id,
                "country": item.country,
                "pollster": item.pollster,
                "start": item.start,
                "end": item.end,
                "date_precision": item.date_precision,
                "population": item.population,
                "mode": item.mode,
                "sample_size": item.sample_size,
                "question": item.question,
                "wording_kind": item.wording_kind,
                "answers": dict(item.answers),
                "total": item.total,
                "maps_to": None if item.maps_to is None else dict(item.maps_to),
                "support": list(item.support),
                "oppose": list(item.oppose),
                "note": item.note,
                "source_publisher": item.source.publisher,
                "source_title": item.source.title,
                "source_date": item.source.date,
                "source_url": item.source.url,
                "source_via": item.source.via,
            }
        )
    return records


def as_dataframe(items: Iterable[Poll] | None = None) -> Any:
    """The polls as a pandas DataFrame, one row per poll (needs pandas).

    The columns are those of :func:`as_records`; pandas is imported only
    when this is called (it is an optional dependency: ``kurilsim[pandas]``).

    Raises
    ------
    ImportError
        If pandas is not installed.

    Examples
    --------
    >>> from kurilsim.data import as_dataframe
    >>> frame = as_dataframe()  # doctest: +SKIP
    >>> frame.groupby("country").size()  # doctest: +SKIP
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "kurilsim.data.polls.as_dataframe needs pandas: pip install "
            "'kurilsim[pandas]' (or use as_records())"
        ) from None
    return pd.DataFrame(as_records(items))


# -- from a poll to a threshold -----------------------------------------------------
def _the_poll(value: Poll | str, caller: str) -> Poll:
    if isinstance(value, Poll):
        return value
    if isinstance(value, str):
        return poll(value)
    raise InvalidArgumentError(
        f"{caller}: poll must be a Poll or a poll id, got {_show(value)}"
    )


def _labels(
    item: Poll, value: str | Sequence[str] | None, default: tuple[str, ...], name: str,
    caller: str,
) -> tuple[str, ...]:
    if value is None:
        if not default:
            raise InvalidArgumentError(
                f"{caller}: poll {item.id!r} declares no {name} answers; pass "
                f"{name}= (answers are {list(item.answers)})"
            )
        return default
    labels = (value,) if isinstance(value, str) else value
    if (
        not isinstance(labels, Sequence)
        or not labels
        or not all(isinstance(label, str) for label in labels)
    ):
        raise InvalidArgumentError(
            f"{caller}: {name} must be an answer label or a non-empty list of them, "
            f"got {_show(value)}"
        )
    for label in labels:
        if label not in item.answers:
            raise InvalidArgumentError(
                f"{caller}: poll {item.id!r} has no answer {label!r} ({name}); "
                f"answers are {list(item.answers)}"
            )
    if len(set(labels)) != len(labels):
        raise InvalidArgumentError(
            f"{caller}: {name} repeats an answer (it would be counted twice): "
            f"{list(labels)}"
        )
    return tuple(labels)


def support_share(
    poll: Poll | str,
    *,
    support: str | Sequence[str] | None = None,
    oppose: str | Sequence[str] | None = None,
) -> float:
    """The share for an agreement among those who chose for or against it.

    ``s = S / (S + O)``, with ``S`` and ``O`` the summed shares of the
    ``support`` and ``oppose`` answers: the undecided and any other answers
    are left out (they are neither a majority for nor against).

    Parameters
    ----------
    poll : Poll or str
        A poll or its id.
    support, oppose : str or sequence of str, optional
        Answer labels; default: those the poll declares.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    InvalidArgumentError
        If the poll declares no support or oppose answers and none are given,
        a label is not an answer of the poll, the two overlap, or no
        respondent chose any of them (``S + O = 0``).

    Examples
    --------
    >>> from kurilsim.data import support_share
    >>> round(support_share("asahi-2019-01-20"), 4)  # 38 / (38 + 40)
    0.4872
    >>> round(support_share("nikkei-2018-11-25"), 4)  # (46 + 5) / (46 + 5 + 33)
    0.6071
    >>> support_share("levada-2016-two-islands")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: support_share: poll 'levada-2016-two-islands' declares no support answers; ...
    """
    item = _the_poll(poll, "support_share")
    return _share(item, support, oppose, "support_share")


def _share(
    item: Poll,
    support: str | Sequence[str] | None,
    oppose: str | Sequence[str] | None,
    caller: str,
) -> float:
    for_ = _labels(item, support, item.support, "support", caller)
    against = _labels(item, oppose, item.oppose, "oppose", caller)
    if set(for_) & set(against):
        raise InvalidArgumentError(
            f"{caller}: support and oppose share answers "
            f"{sorted(set(for_) & set(against))}"
        )
    yes = sum(item.answers[label] for label in for_)
    no = sum(item.answers[label] for label in against)
    if yes + no <= 0:
        raise InvalidArgumentError(
            f"{caller}: no respondent of poll {item.id!r} chose {list(for_)} or "
            f"{list(against)}, so the share is undefined"
        )
    return yes / (yes + no)


def _agreement_index(
    scenario: Scenario,
    agreement: Agreement | Mapping[str, str] | None,
    item: Poll | None,
    caller: str,
) -> int:
    """The index in ``scenario.space`` of the agreement a poll is read about."""
    space = scenario.space
    if agreement is None:
        if item is None or item.maps_to is None:
            what = f"poll {item.id!r}" if item is not None else "the call"
            raise InvalidArgumentError(
                f"{caller}: {what} names no agreement (no maps_to); pass agreement="
                "(an Agreement of the scenario or a table {issue: option})"
            )
        agreement = item.maps_to
    if isinstance(agreement, Agreement):
        if agreement not in space:
            raise InvalidArgumentError(
                f"{caller}: agreement {agreement} is not in the space of scenario "
                f"{scenario.name!r}"
            )
        return space.index(agreement)
    if not isinstance(agreement, Mapping) or not agreement:
        raise InvalidArgumentError(
            f"{caller}: agreement must be an Agreement or a table {{issue: option}}, "
            f"got {_show(agreement)}"
        )
    wanted: dict[str, str] = {}
    for issue_name, option in agreement.items():
        if issue_name not in space.issue_names:
            raise InvalidArgumentError(
                f"{caller}: the agreement names issue {issue_name!r}, which scenario "
                f"{scenario.name!r} does not have; issues are {list(space.issue_names)}"
            )
        try:
            index = space.issue(issue_name).option_index(option)
        except InvalidModelError as error:
            raise InvalidArgumentError(f"{caller}: {error}") from None
        wanted[issue_name] = space.issue(issue_name).options[index]
    # the question as asked: every issue it does not name keeps its first option
    complete = {
        issue.name: wanted.get(issue.name, issue.options[0]) for issue in space.issues
    }
    try:
        return space.index(space.agreement(complete))
    except InvalidModelError:
        raise InvalidArgumentError(
            f"{caller}: {dict(wanted)} completed with the first option of the other "
            f"issues ({complete}) is not a feasible agreement of scenario "
            f"{scenario.name!r}; pass agreement= explicitly"
        ) from None


def _gains(scenario: Scenario, party: str, caller: str) -> NDArray[np.float64]:
    """The party's gains over the status quo, one per agreement."""
    if not isinstance(scenario, Scenario):
        raise InvalidArgumentError(
            f"{caller}: scenario must be a kurilsim Scenario, got {_show(scenario)}"
        )
    names = scenario.agent_names
    if party not in names:
        raise InvalidArgumentError(
            f"{caller}: party {_show(party)} is not an agent of scenario "
            f"{scenario.name!r}; agents are {list(names)}"
        )
    row = names.index(party)
    gains: NDArray[np.float64] = (
        scenario.utilities()[row] - scenario.status_quo_utilities()[row]
    )
    return gains


def _spread(gains: NDArray[np.float64], party: str, caller: str) -> float:
    spread = float(max(gains.max(), 0.0) - min(gains.min(), 0.0))
    if not spread > 0:
        raise InvalidArgumentError(
            f"{caller}: {party!r} gains nothing and loses nothing from any agreement, "
            "so the scale of opinion has no unit"
        )
    return spread


def _scales(scale: ArrayLike, caller: str) -> NDArray[np.float64]:
    try:
        raw = np.asarray(scale)
        # numbers only: not booleans, strings ("0.5") or objects
        array = raw.astype(float) if raw.dtype.kind in "iuf" else np.asarray(np.nan)
    except (TypeError, ValueError, OverflowError):
        array = np.asarray(np.nan)
    if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise InvalidArgumentError(
            f"{caller}: scale must be positive and finite (a fraction of the range "
            f"of the party's gains; prior: SCALE_PRIOR), got {_show(scale)}"
        )
    return array


def _party(item: Poll, scenario: Scenario, party: str | None, caller: str) -> str:
    if party is not None:
        return party
    if item.country in scenario.agent_names:
        return item.country
    raise InvalidArgumentError(
        f"{caller}: poll {item.id!r} asked the public of {item.country!r}, which is "
        "not an agent of the scenario; pass party= (an agent name)"
    )


def thresholds_from_poll(
    poll: Poll | str,
    scenario: Scenario,
    *,
    party: str | None = None,
    agreement: Agreement | Mapping[str, str] | None = None,
    support: str | Sequence[str] | None = None,
    oppose: str | Sequence[str] | None = None,
    scale: ArrayLike = DEFAULT_SCALE,
) -> NDArray[np.float64]:
    """The ratifier threshold a poll implies, for an array of ``scale`` values.

    The vectorised twin of :func:`threshold_from_poll` (same arguments, same
    assumption): ``tau = g(a) - scale * R * Phi^-1(s)`` for every element of
    ``scale``.

    Returns
    -------
    ndarray of float
        The shape of ``np.asarray(scale)``.

    Examples
    --------
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim.data import thresholds_from_poll
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> taus = thresholds_from_poll("asahi-2019-01-20", scenario,
    ...                             scale=[0.1, 0.25, 0.5])
    >>> bool(np.all(np.diff(taus) > 0))  # a minority for: rises with the scale
    True
    """
    caller = "thresholds_from_poll"
    item = _the_poll(poll, caller)
    if not isinstance(scenario, Scenario):
        raise InvalidArgumentError(
            f"{caller}: scenario must be a kurilsim Scenario, got {_show(scenario)}"
        )
    who = _party(item, scenario, party, caller)
    gains = _gains(scenario, who, caller)
    index = _agreement_index(scenario, agreement, item, caller)
    share = _share(item, support, oppose, caller)
    if share in (0.0, 1.0):
        raise InvalidArgumentError(
            f"{caller}: poll {item.id!r} has a support share of {share:g}: every "
            "decided respondent on one side, so the threshold would be infinite"
        )
    scales = _scales(scale, caller)
    with np.errstate(over="ignore"):
        result: NDArray[np.float64] = gains[index] - scales * _spread(
            gains, who, caller
        ) * float(ndtri(share))
    if not np.all(np.isfinite(result)):
        raise InvalidArgumentError(
            f"{caller}: scale {_show(scale)} gives a threshold beyond the floats "
            f"(scale is a fraction of the range of {who!r}'s gains; prior: "
            "SCALE_PRIOR)"
        )
    return result


def threshold_from_poll(
    poll: Poll | str,
    scenario: Scenario,
    *,
    party: str | None = None,
    agreement: Agreement | Mapping[str, str] | None = None,
    support: str | Sequence[str] | None = None,
    oppose: str | Sequence[str] | None = None,
    scale: float = DEFAULT_SCALE,
) -> float:
    """The ratifier threshold a poll implies: ``g(a) - scale * R * Phi^-1(s)``.

    Assumption (a judgement; see the module docstring): the share of the
    public supporting agreement ``a`` is ``Phi((g(a) - tau) / (scale * R))``,
    a probit in the government's gain ``g(a)`` over the status quo, where
    ``R`` is the range of the party's gains over the scenario's agreements and
    the status quo; the median member of the public accepts ``a`` iff
    ``g(a) >= tau``, and a ratifier that follows opinion has threshold
    ``tau``.  Solving for ``tau`` with ``s`` the poll's
    :func:`support_share`:

    ``tau = g(a) - scale * R * Phi^-1(s)``

    Parameters
    ----------
    poll : Poll or str
        A poll or its id.
    scenario : Scenario
        Gives ``g`` (the party's utilities) and the agreement space.
    party : str, optional
        The agent whose ratifier it is; default the poll's country (an agent
        name in the Kuril scenarios).
    agreement : Agreement or mapping, optional
        The agreement the poll is read about; default the poll's ``maps_to``.
        A table ``{issue: option}`` is completed with the first option of
        every issue it does not name (the question as asked, nothing else
        conceded).
    support, oppose : str or sequence of str, optional
        The answers counted for and against; default the poll's.
    scale : float, optional
        The spread of the public's evaluations, as a fraction of ``R``
        (default :data:`DEFAULT_SCALE`; prior :data:`SCALE_PRIOR`).

    Returns
    -------
    float
        The threshold, in the party's utility units (those of
        ``scenario.utilities()``).

    Raises
    ------
    InvalidArgumentError
        On an unknown poll id or party, a poll without ``maps_to`` and no
        ``agreement``, an agreement not in the scenario, answer labels the
        poll does not have, a support share of 0 or 1 (the threshold would be
        infinite), or a scale that is not positive and finite.

    Notes
    -----
    A majority for ``a`` (``s > 1/2``) gives ``tau < g(a)``: ``a`` passes;
    a minority gives ``tau > g(a)``.  As ``scale -> 0``, ``tau -> g(a)``.
    :func:`implied_support` inverts the map (``implied_support(...,
    threshold=threshold_from_poll(...)) == support_share(...)``).

    Examples
    --------
    A toy scenario where Japan's gain from the agreement is 0.4:

    >>> from kurilsim import (AgreementSpace, Issue, LinearAgent,
    ...                       NegotiationProtocol, Scenario)
    >>> from kurilsim.data import threshold_from_poll, support_share
    >>> deal = Issue(name="islands", options=("none", "H+S+joint"),
    ...              features={"joint": (0.0, 1.0)})
    >>> toy = Scenario(
    ...     name="toy", space=AgreementSpace((deal,)),
    ...     agents=(LinearAgent(name="japan", weights={"islands.joint": 0.4}),
    ...             LinearAgent(name="russia", weights={"islands.joint": -0.6})),
    ...     protocol=NegotiationProtocol(proposer="japan", responder="russia"))
    >>> round(support_share("asahi-2019-01-20"), 4)
    0.4872
    >>> round(threshold_from_poll("asahi-2019-01-20", toy), 4)  # just above 0.4
    0.4032
    >>> round(threshold_from_poll("asahi-2019-01-20", toy, scale=1e-9), 6)
    0.4
    """
    if isinstance(scale, bool | np.bool_) or not isinstance(scale, numbers.Real):
        raise InvalidArgumentError(
            "threshold_from_poll: scale must be a positive number (for an array "
            f"of scales use thresholds_from_poll), got {_show(scale)}"
        )
    return float(
        thresholds_from_poll(
            poll,
            scenario,
            party=party,
            agreement=agreement,
            support=support,
            oppose=oppose,
            scale=scale,
        )
    )


def implied_support(
    scenario: Scenario,
    *,
    party: str,
    agreement: Agreement | Mapping[str, str],
    threshold: float,
    scale: float = DEFAULT_SCALE,
) -> float:
    """The public support for an agreement that a threshold implies.

    ``Phi((g(a) - threshold) / (scale * R))``: the inverse of
    :func:`threshold_from_poll` under the same assumption.

    Raises
    ------
    InvalidArgumentError
        On an unknown party, an agreement not in the scenario, a threshold
        that is not a finite number, or a scale that is not positive.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.data import (implied_support, poll, support_share,
    ...                            threshold_from_poll)
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> asahi = poll("asahi-2019-01-20")
    >>> tau = threshold_from_poll(asahi, scenario)
    >>> share = implied_support(scenario, party="japan", agreement=asahi.maps_to,
    ...                         threshold=tau)
    >>> bool(abs(share - support_share(asahi)) < 1e-12)
    True
    """
    caller = "implied_support"
    gains = _gains(scenario, party, caller)
    index = _agreement_index(scenario, agreement, None, caller)
    if (
        isinstance(threshold, bool | np.bool_)
        or not isinstance(threshold, numbers.Real)
        or finite_real(threshold) is None
    ):
        raise InvalidArgumentError(
            f"{caller}: threshold must be a finite number, got {_show(threshold)}"
        )
    if isinstance(scale, bool | np.bool_) or not isinstance(scale, numbers.Real):
        raise InvalidArgumentError(
            f"{caller}: scale must be a positive number, got {_show(scale)}"
        )
    sigma = float(_scales(scale, caller)) * _spread(gains, party, caller)
    if not 0 < sigma < math.inf:
        raise InvalidArgumentError(
            f"{caller}: scale {scale!r} times the range of {party!r}'s gains is "
            f"{sigma!r}, outside the floats a spread can be"
        )
    with np.errstate(over="ignore"):  # a far threshold: a share of 0 or 1
        z = (gains[index] - float(threshold)) / sigma
    return float(ndtr(z))
