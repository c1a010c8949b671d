"""Where a case stands, in words to read to the customer (pure, no Streamlit): what is done and
what is next, with dates, from the case's deadline rows (``policy.answer_view.deadline_rows``:
each deadline with the milestone that met it, as of a moment).

The policy's answer (``Decision.explanation``) says what the policy gives; it does not know
which steps already happened, so it can tell a customer who already shipped the return to ship
it. This module says which steps are behind (done, on which day) and which are ahead (whose
move, by which day; late ones say so), so the agent reads the right next step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from policy.answer_view import DeadlineRow
from policy.catalog import Deadline

# Per deadline (catalog key): the sentence once its milestone happened, and the one before.
PHRASES: dict[str, tuple[str, str]] = {
    Deadline.SHIP_BY.value: ("we handed your order to the carrier on {day}",
                             "we hand your order to the carrier by {day}"),
    Deadline.REPLY_BY.value: ("we replied to your request on {day}", "we reply to your request by {day}"),
    Deadline.CUSTOMER_SHIP_BY.value: ("you shipped the return on {day}", "please ship the return by {day}"),
    Deadline.REPLACEMENT_SHIP_BY.value: ("we shipped your replacement on {day}",
                                         "we ship your replacement by {day}"),
    Deadline.REFUND_BY.value: ("we paid your refund on {day}", "we pay your refund by {day}"),
    Deadline.FREIGHT_REIMBURSE_BY.value: ("we reimbursed your return freight on {day}",
                                          "we reimburse your return freight by {day}"),
    Deadline.STATUS_UPDATE_BY.value: ("we sent you the status of your refund on {day}",
                                      "we send you the status of your refund by {day}"),
}
WINDOW_PHRASES: dict[str, str] = {
    Deadline.FREE_CANCEL_UNTIL.value: "you can cancel free of charge until {day}",
    Deadline.RETURN_WINDOW_ENDS.value: "you can ask for a return until {day}",
}


def day_text(moment: dt.datetime) -> str:
    """``Mon 23 Nov 2026``: the day in the moment's own zone (rows carry the policy's zone)."""
    return moment.strftime("%a %d %b %Y")


@dataclass(frozen=True)
class Step:
    deadline: str
    when: dt.datetime          # done: when it happened; ahead: when it is due
    text: str                  # the sentence for the customer, with the date
    late: bool = False         # ahead and already past due


@dataclass(frozen=True)
class Progress:
    done: tuple[Step, ...]
    ahead: tuple[Step, ...]
    windows: tuple[Step, ...]  # open windows (free cancellation, returns) with their end

    def script(self) -> str:
        """The sentences in reading order: done first (oldest first), then what is next. The
        open windows are left out: the customer has already asked (every card has a request),
        so "you can ask for a return until..." would answer a question nobody asked."""
        parts = []
        if self.done:
            parts.append("So far: " + "; ".join(s.text for s in self.done) + ".")
        if self.ahead:
            parts.append("Next: " + "; ".join(s.text for s in self.ahead) + ".")
        return " ".join(parts)


def case_progress(rows: Sequence[DeadlineRow]) -> Progress:
    """Done steps (a milestone recorded by the as-of time), steps ahead (no milestone yet,
    soonest due first; a late one says it was due) and open windows, from ``rows``."""
    done, ahead, windows = [], [], []
    for row in rows:
        if row.name in WINDOW_PHRASES:
            if row.status == "open":
                windows.append(Step(row.name, row.due, WINDOW_PHRASES[row.name].format(day=day_text(row.due))))
            continue
        phrases = PHRASES.get(row.name)
        if phrases is None:
            continue
        if row.done is not None:
            done.append(Step(row.name, row.done, phrases[0].format(day=day_text(row.done))))
        else:
            late = row.status == "breached"
            text = phrases[1].format(day=day_text(row.due))
            if late:
                text += " (this is late; " + ("we are sorry" if row.customer_side is False else "please hurry") + ")"
            ahead.append(Step(row.name, row.due, text, late=late))
    return Progress(done=tuple(sorted(done, key=lambda s: s.when)), ahead=tuple(sorted(ahead, key=lambda s: s.when)),
                    windows=tuple(sorted(windows, key=lambda s: s.when)))
