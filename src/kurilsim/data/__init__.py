"""Sourced data behind the calibrated case.

:mod:`kurilsim.data.polls`: dated, sourced public-opinion polls on the
Japan-Russia territorial dispute (the table ``polls.toml`` shipped with the
package), and the mapping of a poll to a ratifier's threshold.
"""

from kurilsim.data.polls import (
    COUNTRIES,
    DEFAULT_SCALE,
    SCALE_PRIOR,
    Poll,
    PollSource,
    as_dataframe,
    as_records,
    implied_support,
    list_polls,
    poll,
    polls_from_dict,
    support_share,
    threshold_from_poll,
    thresholds_from_poll,
)

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
