"""Issue 20 end to end: notes written the way workers write (letters typed on an English
keyboard, stacked diacritics, names that are words, date forms, two-letter name parts,
initials, surnames in organisation names, brackets, session notes, nicknames and
misspellings) go through ``Toolkit.anonymise`` on SQLite and PostgreSQL, and every byte of
every output file is scanned for what the store knows."""
from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata

import pyarrow.parquet as pq
import pytest

from supervision_kit.facade import Toolkit
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.test_anonymise import _leaks

KEY = b"issue-20-key-0123456789abcdef!!!"
DAYS = [dt.date(2025, 2, 3), dt.date(2025, 3, 3), dt.date(2025, 4, 7)]
PRACTITIONERS = [
    dict(id="p-sup", name="Gráinne Ó Dubhghaill", username="godubhghaill", role="supervisor",
         team="Larkspur Family Support", agency_type="early help"),
    dict(id="p-w1", name="Saoirse Ní Fhlannagáin", username="sfhlannagain",
         role="practitioner", team="Larkspur Family Support", agency_type="early help",
         line_manager_id="p-sup"),
    dict(id="p-res", name="Ottoline Brackwater", username="obrackwater", role="researcher",
         agency_type="other"),
]
PEOPLE = {  # case -> (role, first, last, phone)
    "c-north": [("child", "Blessing", "Adeyemi", ""), ("parent", "Mercy", "Adeyemi", ""),
                ("sibling", "Gift", "Adeyemi", ""), ("parent", "Radosław", "Wróblewski",
                                                     "07700 900871"),
                ("carer", "Adébáyọ̀", "Ọlọ́rúnfẹ́mi", "")],
    "c-south": [("child", "Kai", "Achterberg", ""), ("parent", "Desmond", "Achterberg", ""),
                ("carer", "Rebecca", "Søndergård", ""), ("other", "Rhiannon", "Þorvaldsdóttir", ""),
                ("other", "Thanh", "Hồ", "")],
}
NOTES = {
    "c-north": [
        "blessing was quiet; mercy said gift had a blessing at church. BLESSING's coat.",
        "Radoslaw Wroblewski (07700 900871) and radek; Mr R. Wroblewski rang on 3 Apr 15.",
        "Adébáyọ̀'s mum, Ọlọ́rúnfẹ́mi and Adebayo Olorunfemi; seen June '19 and 03.04.15.",
        "Seen at Adeyemi Medical Centre; St Wroblewski's Primary School; NI number checked.",
        "Ní Fhlannagáin and Ms Ní visited on 3rd April 2015; Saoirse wrote [sic].",
    ],
    "c-south": [
        "Kai and Mr D. Achterberg; K. Achterberg; Achterberg Surgery ('Achterberg MC').",
        "Becky and Becca (Rebecca) with Rhianon; Sondergard and Soendergaard; Thorvaldsdottir.",
        "Hồ came; HO form and the VU meter stay; Desmond's number (07700 900654); a gift card.",
        "Gráinne and Grainne O Dubhghaill agreed; Rhiannnon and Achterburg were seen.",
    ],
}
SECRETS = [
    "blessing", "mercy", "adeyemi", "radosław", "radoslaw", "wróblewski", "wroblewski",
    "adébáyọ̀", "adebayo", "olorunfemi", "ọlọ́rúnfẹ́mi", "kai", "achterberg", "achterburg",
    "desmond", "rebecca", "becky", "becca", "søndergård", "sondergard", "soendergaard",
    "rhiannon", "rhianon", "rhiannnon", "þorvaldsdóttir", "thorvaldsdottir", "gráinne",
    "grainne", "dubhghaill", "saoirse", "fhlannagáin", "fhlannagain", "ottoline",
    "brackwater", "larkspur", "900871", "900654", "3 apr 15", "june '19", "03.04.15",
    "3rd april 2015",
]
# Names that are words ("gift") and two-letter parts ("Hồ", "Ní") are looked for as written.
CASED = ["Gift", "GIFT", "Hồ", "Ní", "gift had"]


def _dataset() -> dict:
    people, sessions, attendees, discussions, actions, reflections, evaluations = \
        [], [], [], [], [], [], []
    for case, rows in PEOPLE.items():
        for pos, (role, first, last, phone) in enumerate(rows):
            people.append(dict(id=f"{case}-{pos}", case_id=case, position=pos, role=role,
                               first_name=first, last_name=last, phone=phone))
    for i, day in enumerate(DAYS):
        sid = f"s-{i}"
        cases = list(PEOPLE) if i else ["c-north"]
        notes = [n for c in cases for n in NOTES[c]]
        sessions.append(dict(id=sid, date=day.isoformat(), type="one-to-one",
                             supervisor_id="p-sup", state="signed", functions=["support"],
                             duration_minutes=60, content={"agenda": " ".join(notes)}))
        attendees.append(dict(session_id=sid, practitioner_id="p-w1", position=0))
        for pos, case in enumerate(cases):
            discussions.append(dict(id=f"d-{i}-{pos}", session_id=sid, case_id=case,
                                    position=pos, rag="A",
                                    answers={"summary": " ".join(NOTES[case])}))
            actions.append(dict(id=f"a-{i}-{pos}", description=NOTES[case][i % 3],
                                owner_id="p-w1", case_id=case, session_id=sid, status="open"))
        # Not about one case: the session's cases give the roles.
        actions.append(dict(id=f"a-{i}-x", description=" ".join(notes), owner_id="p-w1",
                            session_id=sid, status="open"))
        reflections.append(dict(id=f"r-{i}", framework="gibbs", author_id="p-w1", session_id=sid,
                                created=f"{day.isoformat()}T10:00:00",
                                responses={"description": " ".join(notes)}))
        evaluations.append(dict(id=f"e-{i}", supervisee_id="p-w1", supervisor_id="p-sup",
                                session_id=sid, date=day.isoformat(), answers=["yes"] * 10,
                                more_of=" ".join(notes), less_of=notes[-1]))
    return {
        "format": "supervision_kit.dataset", "version": 1,
        "practitioners": PRACTITIONERS + [dict(id="p-adm", name="Admin", username="adm",
                                               role="admin", agency_type="other")],
        "cases": [dict(id=c, reference=f"CR-2025-00{n}42", worker_id="p-w1",
                       status="child in need", opened="2025-01-06")
                  for n, c in enumerate(PEOPLE)],
        "case_people": people, "sessions": sessions, "session_attendees": attendees,
        "case_discussions": discussions, "actions": actions, "reflections": reflections,
        "evaluations": evaluations,
    }


@pytest.fixture
def export(db_url, tmp_path):
    Toolkit.system(db_url).import_dataset(_dataset())
    out = tmp_path / "export"
    report = Toolkit(db_url, "obrackwater").anonymise(out, KEY, as_of="2025-07-01",
                                                      compression="none")
    return out, report


def _texts(out, table, column):
    return [v for v in pq.read_table(out / f"{table}.parquet").column(column).to_pylist() if v]


def test_no_known_string_in_any_byte_and_the_text_kept_whole(export):
    out, report = export
    assert _leaks(out, SECRETS, cased=CASED) == []
    summaries = dict(zip(_texts(out, "case_discussions", "case_id"),
                         _texts(out, "case_discussions", "summary")))
    text = "\n".join(summaries.values())
    # Damage: abbreviations stay, brackets stay, no stray accent after a placeholder.
    assert "NI number checked" in text and "HO form and the VU meter stay" in text
    # A name that is a word, outside its person's case, stays a word (strict_case: below).
    assert "[PARENT_1]'s number ([PHONE]); a gift card." in text
    assert "([PHONE])" in text and "[sic]" in text
    for f in out.iterdir():
        data = f.read_bytes().decode("utf-8", "replace")
        assert not any(unicodedata.combining(data[i + 1]) for i in range(len(data) - 1)
                       if data[i] == "]"), f.name
    assert "[ORGANISATION]; [ORGANISATION]; NI number" in text
    # Word names in their own case go in lower case too; an initial is an adult or [PERSON].
    assert "[CHILD_1] was quiet; [PARENT_1] said [SIBLING_1] had a [CHILD_1] at church." in text
    assert "[CHILD_1] and Mr [PARENT_1]; [PERSON]; [ORGANISATION] ('[ORGANISATION]')." in text
    assert "[PARENT_2] ([PHONE]) and radek; Mr [PARENT_2] rang on [DATE]." in text
    assert "[CARER_1]'s mum, [CARER_1] and [CARER_1]; seen [DATE] and [DATE]." in text
    # Nicknames and misspellings, counted.
    assert "[CARER_1] and [CARER_1] ([CARER_1]) with [OTHER_1]; [CARER_1] and [CARER_1]; " \
           "[OTHER_1]." in text
    v = report["free_text"]["variant_replacements"]
    assert v["nickname"] > 0 and v["spelling_variant"] > 0


def test_session_notes_take_the_roles_of_the_sessions_cases(export):
    out, _ = export
    agendas = _texts(out, "sessions", "agenda")
    assert len(agendas) == 3
    first = min(agendas, key=len)  # the session that discussed only the north case
    assert first.startswith("[CHILD_1] was quiet; [PARENT_1] said [SIBLING_1] had a [CHILD_1]")
    both = max(agendas, key=len)
    # Two cases: numbered across them in the order discussed (Kai is the second child).
    assert "[CHILD_2] and Mr [PARENT_3]" in both and "[PERSON]" in both
    for table, col in (("actions", "description"), ("evaluations", "more_of"),
                       ("reflections", "responses")):
        joined = "\n".join(_texts(out, table, col))
        assert "[CHILD_1] was quiet" in joined and "[PERSON] was quiet" not in joined, table


def test_residual_risk_is_grouped_by_reason(export):
    out, report = export
    with open(out / "residual_risk.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) == {"reason", "word", "count"}
    by_word = {r["word"]: r["reason"] for r in rows}
    # The letters of a two-letter name part are counted, not listed (that would say which
    # letters are a name); another abbreviation is an ordinary capitalised word.
    assert "HO" not in by_word and by_word.get("VU") == "other_capitalised"
    assert any(r["reason"] == "short_name_form" and r["word"] == "(1 distinct words)"
               for r in rows)
    assert "by_reason" in report["residual_risk"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "What is left, by reason" in md and "short_name_form" in md
    dictionary = json.loads((out / "dictionary.json").read_text(encoding="utf-8"))
    assert "[ORGANISATION]" in dictionary["placeholders"]
    assert "in any case" in (out / "dictionary.md").read_text(encoding="utf-8")


def test_strict_case_setting_replaces_word_names_in_all_text(db_url, tmp_path):
    from supervision_kit.config import Settings
    Toolkit.system(db_url).import_dataset(_dataset())
    tk = Toolkit(db_url, "obrackwater", settings=Settings(redaction_strict_case=True))
    report = tk.anonymise(tmp_path / "out", KEY, as_of="2025-07-01", compression="none")
    assert report["settings"]["strict_case"] is True
    assert _leaks(tmp_path / "out", SECRETS + ["gift"], cased=()) == []
    text = "\n".join(_texts(tmp_path / "out", "case_discussions", "summary"))
    assert "a [PERSON] card." in text
    assert "strict_case was set" in (tmp_path / "out" / "dictionary.md").read_text("utf-8")


def test_every_placeholder_in_the_text_is_in_the_data_dictionary(export):
    import re
    out, _ = export
    described = json.loads((out / "dictionary.json").read_text("utf-8"))["placeholders"]
    used = set()
    for table in ("sessions", "case_discussions", "actions", "reflections", "evaluations"):
        for col in pq.read_table(out / f"{table}.parquet").columns:
            for v in col.to_pylist():
                if isinstance(v, str):
                    used |= {re.sub(r"_\d+\]$", "_n]", p) for p in re.findall(r"\[[A-Z_]+\d*\]", v)}
    assert "[ORGANISATION]" in used and "[FAMILY_n]" in used
    assert used <= set(described), used - set(described)
