"""The historical record of the Kuril negotiation, for calibration.

:func:`kuril_record` lists what happened in the seven periods of the bundled
scenarios, each observation dated and sourced (a public document a reader
can check): the outcome of every period -- no peace treaty -- and the
offers and refusals the sources report.  Each is a predicate on the model
(:mod:`kurilsim.model.record`); sets of agreements are feature rules of the
Kuril space (:mod:`kurilsim.kuril.space`), so they keep their meaning when
issues or options are added.

How an event becomes a predicate is itself a reading of the sources; each
observation's docstring-like ``description`` says what it asserts, and the
rules below say which agreements it concerns.  Where a source describes an
offer without its security regime or economic terms, the rule leaves them
free ("some agreement" of the set).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from kurilsim.model.record import (
    AgreementSet,
    Citation,
    ObservedOutcome,
    ObservedPreference,
    Record,
)

__all__ = [
    "FINAL_TWO_ISLANDS",
    "TWO_ISLANDS",
    "TWO_ISLANDS_FIRST",
    "TWO_ISLANDS_NO_PACKAGE",
    "US_FORCES_ON_TRANSFERRED",
    "kuril_record",
]

#: Habomai and Shikotan, the two islands of Article 9 of the 1956 Declaration,
#: and no other (whatever the security regime, package or phasing).
TWO_ISLANDS: Final = "islands.within_1956==1 & islands.count==2"

#: A final settlement on Habomai and Shikotan: no continued talks on Kunashir
#: and Iturup and no joint activity there.
FINAL_TWO_ISLANDS: Final = f"{TWO_ISLANDS} & islands.talks==0 & islands.joint==0"

#: Article 9 as written in 1956: the two islands, final, without an economic
#: package.
TWO_ISLANDS_NO_PACKAGE: Final = f"{FINAL_TWO_ISLANDS} & economic.package==0"

#: Habomai and Shikotan first, with a commitment to continue talks on Kunashir
#: and Iturup (Kozyrev's 1992 offer; the "two islands first" of 2018).
TWO_ISLANDS_FIRST: Final = f"{TWO_ISLANDS} & islands.talks==1"

#: Any transfer of islands on which US forces could be stationed.
US_FORCES_ON_TRANSFERRED: Final = "islands.any==1 & security.us_forces_allowed==1"

# -- sources --------------------------------------------------------------------------
_DECLARATION_1956 = Citation(
    author="Union of Soviet Socialist Republics and Japan",
    title="Joint Declaration, signed at Moscow, 19 October 1956",
    year=1956,
    locator="Article 9; United Nations Treaty Series vol. 263, No. 3768, p. 99",
)
_FRUS_1956 = Citation(
    author="US Department of State, Office of the Historian",
    title="Foreign Relations of the United States, 1955-1957, vol. XXIII, part 1, "
    "Japan",
    year=1991,
    locator="documents 89 (Dulles-Shigemitsu conversation, London, 19 August 1956) "
    "and 90 (Dulles telegram on the collapse of the Soviet-Japanese peace treaty "
    "talks)",
    url="https://history.state.gov/historicaldocuments/frus1955-57v23p1/d89",
)
_FRUS_DECLARATION = Citation(
    author="US Department of State, Office of the Historian",
    title="Foreign Relations of the United States, 1955-1957, vol. XXIII, part 1, "
    "Japan",
    year=1991,
    locator="document 104 and its note 2 (the Joint Declaration restores relations; "
    "the peace treaty and the territorial question are left open)",
    url="https://history.state.gov/historicaldocuments/frus1955-57v23p1/d104",
)
_MEMORANDUM_1960 = Citation(
    author="Tsuyoshi Hasegawa",
    title="The Northern Territories Dispute and Russo-Japanese Relations, vol. 1: "
    "Between War and Peace, 1697-1985",
    year=1998,
    locator="the Soviet memorandum of 27 January 1960 and the freeze of the "
    "territorial talks that followed (University of California, Berkeley, "
    "International and Area Studies)",
)
_TOGO_2005 = Citation(
    author="Kazuhiko Togo",
    title="The inside story of the negotiations on the Northern Territories: five "
    "lost windows of opportunity, Japan Forum 17(1)",
    year=2005,
    locator="the section on the last window: the Irkutsk summit of March 2001",
)
_KYODO_2013 = Citation(
    author="Kyodo News",
    title="Russia's '92 isle return offer snubbed, The Japan Times, 12 January 2013",
    year=2013,
    locator="interview with Kazuhiko Togo on Kozyrev's verbal offer to Watanabe, "
    "March 1992",
    url="https://www.japantimes.co.jp/news/2013/01/12/national/politics-diplomacy/"
    "russia-92-isle-return-offer-snubbed/",
)
_TOKYO_1993 = Citation(
    author="Ministry of Foreign Affairs of Japan",
    title="Tokyo Declaration on Japan-Russia Relations, 13 October 1993",
    year=1993,
    locator="paragraph 2 (the attribution of the four islands to be resolved; no "
    "treaty concluded)",
)
_IRKUTSK_2001 = Citation(
    author="Ministry of Foreign Affairs of Japan",
    title="Irkutsk Statement by the Prime Minister of Japan and the President of the "
    "Russian Federation on the Continuation of Future Negotiations on the Issue of "
    "a Peace Treaty, 25 March 2001",
    year=2001,
    locator="the 1956 Joint Declaration is 'a basic legal document that established "
    "the starting point' of the negotiations",
)
_SINGAPORE_2018 = Citation(
    author="Ministry of Foreign Affairs of Japan",
    title="Japan-Russia Summit Meeting, Singapore, 14 November 2018",
    year=2018,
    locator="press release: agreement to accelerate peace treaty negotiations on the "
    "basis of the 1956 Japan-Soviet Joint Declaration",
)
_PUTIN_2018 = Citation(
    author="President of Russia (Kremlin)",
    title="Vladimir Putin's annual news conference, 20 December 2018",
    year=2018,
    locator="answer to Kyodo News on the US-Japan alliance, Okinawa and the islands; "
    "reported by The Asahi Shimbun, 21 December 2018 (AJ201812210052)",
    url="http://www.asahi.com/ajw/articles/AJ201812210052.html",
)
_PUTIN_2019 = Citation(
    author="Kyodo News",
    title="Putin says Japan's military cooperation with U.S. getting in the way of "
    "peace talks with Russia, The Japan Times, 7 June 2019",
    year=2019,
    locator="Putin's meeting with news agencies, St Petersburg, 6 June 2019",
    url="https://www.japantimes.co.jp/news/2019/06/07/national/politics-diplomacy/"
    "putin-says-japans-military-cooperation-u-s-getting-way-peace-talks-russia/",
)
_CONSTITUTION_2020 = Citation(
    author="Russian Federation",
    title="Constitution of the Russian Federation, as amended by the all-Russian vote "
    "of 1 July 2020",
    year=2020,
    locator="Article 67, paragraph 2.1 (no alienation of territory, except "
    "delimitation, demarcation and redemarcation of the border); no treaty "
    "concluded by 2022",
)
_SUSPENSION_2022 = Citation(
    author="Ministry of Foreign Affairs of the Russian Federation",
    title="Statement on measures in response to the unfriendly actions of Japan, "
    "21 March 2022",
    year=2022,
    locator="Russia withdraws from the peace treaty negotiations with Japan",
)


def kuril_record() -> Record:
    """The historical record of the seven bundled periods (1956-2022).

    Entries (scenario: what the model must reproduce):

    * every period: no deal (no peace treaty has been signed);
    * ``1956-declaration``: the USSR's Article 9 offer (Russia prefers some
      final Habomai+Shikotan treaty without a package to the status quo);
      Japan's refusal to settle for two (Japan prefers the status quo to
      every final two-island settlement);
    * ``1993-tokyo``: Kozyrev's confidential offer of March 1992 (Russia
      prefers some Habomai+Shikotan-first agreement, with talks to continue
      on Kunashir and Iturup, to the status quo);
    * ``2001-irkutsk``: Putin's acceptance of the 1956 Declaration as the
      legal starting point (Russia prefers some two-island agreement to the
      status quo);
    * ``2018-singapore``: Abe's turn to the 1956 basis (Japan prefers some
      two-islands-first agreement to the status quo); Russia's security
      condition (Russia prefers the status quo to every transfer of islands
      on which US forces may be stationed).

    Returns
    -------
    Record

    Examples
    --------
    >>> from kurilsim.kuril.record import kuril_record
    >>> record = kuril_record()
    >>> len(record), record.scenarios[:2]
    (13, ('1956-declaration', '1960-memorandum'))
    >>> len(record.only(["1956-declaration", "1960-memorandum", "1993-tokyo",
    ...                  "2001-irkutsk"]))
    8
    """
    observations = (
        ObservedOutcome(
            scenario="1956-declaration", date=date(1956, 10, 19), source=_FRUS_DECLARATION,
            description="1956: the Joint Declaration restores relations but no peace "
            "treaty is concluded",
        ),
        ObservedPreference(
            scenario="1956-declaration", date=date(1956, 10, 19), source=_DECLARATION_1956,
            description="1956: the USSR offers Habomai and Shikotan after a peace "
            "treaty (Article 9)",
            agent="russia", prefers=AgreementSet(TWO_ISLANDS_NO_PACKAGE), quantifier="some",
        ),
        ObservedPreference(
            scenario="1956-declaration", date=date(1956, 8, 19), source=_FRUS_1956,
            description="1956: Japan refuses a peace treaty drawing the border north "
            "of Habomai and Shikotan",
            agent="japan", prefers=None, to=AgreementSet(FINAL_TWO_ISLANDS),
            quantifier="every",
        ),
        ObservedOutcome(
            scenario="1960-memorandum", date=date(1960, 1, 27), source=_MEMORANDUM_1960,
            description="1960: after the Soviet memorandum no peace treaty is "
            "concluded",
        ),
        ObservedPreference(
            scenario="1993-tokyo", date=date(1992, 3, 21), source=_KYODO_2013,
            description="1992: Kozyrev offers Habomai and Shikotan first, then talks "
            "on Kunashir and Iturup",
            agent="russia", prefers=AgreementSet(TWO_ISLANDS_FIRST), quantifier="some",
        ),
        ObservedOutcome(
            scenario="1993-tokyo", date=date(1993, 10, 13), source=_TOKYO_1993,
            description="1993: the Tokyo Declaration puts the four islands on the "
            "agenda; no peace treaty",
        ),
        ObservedPreference(
            scenario="2001-irkutsk", date=date(2001, 3, 25), source=_IRKUTSK_2001,
            description="2001: Putin accepts the 1956 Declaration as the legal "
            "starting point",
            agent="russia", prefers=AgreementSet(TWO_ISLANDS), quantifier="some",
        ),
        ObservedOutcome(
            scenario="2001-irkutsk", date=date(2001, 3, 25), source=_TOGO_2005,
            description="2001: the Irkutsk talks end without a peace treaty",
        ),
        ObservedOutcome(
            scenario="2020-constitution", date=date(2020, 7, 1), source=_CONSTITUTION_2020,
            description="2020: the constitutional amendment; no peace treaty",
        ),
        ObservedPreference(
            scenario="2018-singapore", date=date(2018, 11, 14), source=_SINGAPORE_2018,
            description="2018: Abe agrees to negotiate on the basis of the 1956 "
            "Declaration (two islands first)",
            agent="japan", prefers=AgreementSet(TWO_ISLANDS_FIRST), quantifier="some",
        ),
        ObservedPreference(
            scenario="2018-singapore", date=date(2018, 12, 20), source=_PUTIN_2018,
            description="2018-2019: Russia refuses any transfer without a guarantee "
            "against US forces",
            agent="russia", prefers=None, to=AgreementSet(US_FORCES_ON_TRANSFERRED),
            quantifier="every",
        ),
        ObservedOutcome(
            scenario="2018-singapore", date=date(2019, 6, 6), source=_PUTIN_2019,
            description="2018-2019: the accelerated talks end without a peace treaty",
        ),
        ObservedOutcome(
            scenario="2022-suspension", date=date(2022, 3, 21), source=_SUSPENSION_2022,
            description="2022: Russia ends the peace treaty talks; no treaty",
        ),
    )
    return Record(
        tuple(sorted(observations, key=lambda o: (o.scenario, o.date))),
        title="The Japan-Russia peace treaty negotiation, 1956-2022",
    )
