"""policy.policy_text_view: the policy text split by clause, and the parameter rows."""

from __future__ import annotations

from policy import Clause, default_policy, policy_text
from policy.policy_text_view import annotate, clause_passage, clause_passages, clause_starts
from ui.parameter_table import parameter_table


def test_segments_cover_the_text_exactly():
    text = policy_text()
    segs = annotate()
    assert "".join(s.text for s in segs) == text
    for s in segs:
        assert text[s.start:s.end] == s.text
    assert all(a.end == b.start for a, b in zip(segs, segs[1:]))


def test_every_clause_found_once_in_register_order():
    segs = [s for s in annotate() if s.clause is not None]
    assert [s.clause for s in segs] == list(Clause)
    for s in segs:
        assert s.clause.source in s.text
        assert s.text.lstrip().startswith(s.text.strip()[:10])


def test_passages_hold_their_whole_paragraphs():
    p = clause_passages()
    assert set(p) == set(Clause)
    assert p[Clause.RE2].startswith("(2) Circumstances for return and exchange:")
    assert "damaged, dirty, inconsistent with the description" in p[Clause.RE2]
    assert "Product pictures/videos" in p[Clause.RE3]
    assert "within 7 working days" in p[Clause.F2]
    assert "Step 2" not in p[Clause.RP1]
    assert p[Clause.P1] == "Order Processing Time: within 48 hours (except holidays)"
    # Section headings and the contact details belong to no clause.
    assert "Return address" not in "".join(p.values())
    assert "Tel:" not in "".join(p.values())
    assert "Conditions of return" not in "".join(p.values())
    assert not any(v.startswith("\n") or v.endswith("\n") for v in p.values())


def test_unclaimed_text_is_kept():
    unclaimed = "".join(s.text for s in annotate() if s.clause is None)
    assert "Return & Exchange:" in unclaimed
    assert "After-sales contact information" in unclaimed


def test_other_text_and_missing_clauses():
    text = "Intro\n\nOrder Processing Time: within 48 hours (except holidays)\nmore of P1\n\n\nTail"
    segs = annotate(text)
    assert "".join(s.text for s in segs) == text
    assert clause_passage(Clause.P1, text) == "Order Processing Time: within 48 hours (except holidays)\nmore of P1"
    assert clause_passage(Clause.N1, text) == ""
    assert set(clause_starts(text)) == {Clause.P1}
    assert annotate("") == []


def test_parameter_table_marks_changes():
    base = default_policy()
    changed = base.replace({"returns.window_days": 45})
    t = parameter_table(changed, base)
    assert len(t) == len(base.flat())
    row = t.set_index("key").loc["returns.window_days"]
    assert (row["value"], row["default"], bool(row["changed"]), row["clause"]) == ("45", "30", True, "RE1")
    assert int(t["changed"].sum()) == 1
    assert t.set_index("key").loc["calendar.weekend", "value"] == "(country's own)"


def test_parameter_table_labels_and_units_come_from_the_metadata():
    t = parameter_table(default_policy()).set_index("key")
    assert (t.loc["working_days.freight_reimburse", "label"], t.loc["working_days.freight_reimburse", "unit"],
            t.loc["working_days.freight_reimburse", "clause"]) == ("Reimburse prepaid freight (F2)", "working days", "F2")
    assert t.loc["money.currency", "unit"] == ""
