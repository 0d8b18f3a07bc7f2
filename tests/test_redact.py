"""Free-text de-identification for the research export (issue 7)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supervision_kit.errors import ValidationError
from supervision_kit.export.patterns import nhs_number_valid
from supervision_kit.export.redact import Person, Redactor
from supervision_kit.export.residual import common_words, residual_risk

CASE = "CR-2024-000123"
OTHER_CASE = "CR-2024-000999"

JAMIE = Person("Jamie", "Fletcher", "child")
DONNA = Person("Donna", "Fletcher", "parent")
MARCUS = Person("Marcus", "O'Neill-Baptiste", "carer")
PRIYA = Person("Priya", "Raman", "worker")
# The other case: its own numbering, and a child whose name is an ordinary word.
KEIRA = Person("Keira", "Osei", "child")
HOPE = Person("Hope", "Mensah", "child")
KOFI = Person("Kofi", "Osei", "parent")

NAME_STRINGS = [
    "jamie", "fletcher", "donna", "marcus", "o'neill", "oneill", "neill", "baptiste",
    "priya", "raman", "keira", "osei", "mensah", "kofi",
]

NOTE = """\
Home visit. Jamie's bedroom was tidy; JAMIE said jamie likes school. (Jamie) was quiet,
Jamie, then—Jamie—left. Jamie Fletcher and Donna Fletcher were seen; the Fletchers' dog
barked and the Fletchers were warm. Mrs Fletcher (DONNA) is worried; donna's sister visited.
Marcus O'Neill-Baptiste arrived late; Mr O'Neill-Baptiste said marcus o’neill baptiste is his
full name, Baptiste for short, O'Neill-Baptiste's car was outside. MARCUS O'NEILL-BAPTISTE.
Usernames jamie_fletcher and Jamie2024 were seen on the tablet; file note_Jamie_v2.
Priya Raman (social worker) and priya discussed with RAMAN's manager.
Jamie's NHS number 943 476 5919 and 9434765919; an invalid one 943 476 5910 was on a letter.
Postcode RM1 3BB, also written rm13bb. Phones 07700 900123, +44 20 7946 0958, (01708) 432 000.
Email jamie.fletcher@example.com. NI QQ123456C and QQ 12 34 56 C.
Dates: 12/03/2024, 12-03-24, 2024-03-12, 12 March 2024, March 12th 2024, 12th of March.
Address: 14 Acacia Avenue; previously Flat 3, 22 Mill Road. Case ref CR-2024-000123.
See https://example.org/case?id=7 and www.example.com.
"""

IDENTIFIERS = [
    "943 476 5919", "9434765919", "943 476 5910", "RM1 3BB", "rm13bb", "07700 900123",
    "+44 20 7946 0958", "7946 0958", "(01708) 432 000", "432 000", "jamie.fletcher@example.com",
    "example.com", "QQ123456C", "QQ 12 34 56 C", "12/03/2024", "12-03-24", "2024-03-12",
    "12 March 2024", "March 12th 2024", "12th of March", "14 Acacia Avenue", "Acacia",
    "Flat 3", "22 Mill Road", "Mill Road", "CR-2024-000123", "https://example.org", "example.org",
]


# Fresh for each test: a redactor keeps counts and caches, and a test must not depend on
# what another redacted (mutation testing also needs each test to build its own).
@pytest.fixture
def redactor() -> Redactor:
    return Redactor({CASE: [JAMIE, DONNA, MARCUS], OTHER_CASE: [KEIRA, HOPE, KOFI]}, [PRIYA])


@pytest.fixture
def out(redactor) -> str:
    return redactor.redact(NOTE, CASE)


def _squash(s: str) -> str:
    return re.sub(r"[\s()\-+]", "", s).lower()


def test_no_name_left_in_any_form(out):
    low = out.lower()
    for name in NAME_STRINGS:
        assert re.search(rf"(?<![a-z]){re.escape(name)}", low) is None, (name, out)


def test_no_pattern_identifier_left(out):
    for ident in IDENTIFIERS:
        assert ident.lower() not in out.lower(), ident
        if any(c.isdigit() for c in ident):
            assert _squash(ident) not in _squash(out), ident


def test_placeholders_are_typed_and_consistent(out):
    assert "[CHILD_1]'s bedroom" in out
    assert "said [CHILD_1] likes school. ([CHILD_1]) was quiet,\n[CHILD_1], then—[CHILD_1]—left." in out
    # Full names become one placeholder, not first + surname placeholders.
    assert "[CHILD_1] and [PARENT_1] were seen" in out
    assert "[CARER_1] arrived late; Mr [CARER_1] said [CARER_1] is his" in out
    assert "full name, [CARER_1] for short, [CARER_1]'s car" in out
    # "_" joins a full name like a space does; digits and "_" are token edges.
    assert "Usernames [CHILD_1] and [CHILD_1]2024 were seen" in out
    assert "file note_[CHILD_1]_v2" in out
    assert "[WORKER] (social worker) and [WORKER] discussed with [WORKER]'s manager" in out


def test_shared_surname_is_a_family_placeholder(out):
    # Documented choice: a surname two people of the case share becomes
    # [FAMILY_n]; the apostrophe of a plural possessive stays after it.
    assert "the [FAMILY_1]' dog" in out
    assert "the [FAMILY_1] were warm" in out
    assert "Mrs [FAMILY_1] ([PARENT_1]) is worried; [PARENT_1]'s sister" in out


def test_pattern_placeholders(out):
    assert "NHS number [NHS_NUMBER] and [NHS_NUMBER]; an invalid one [NUMBER] was" in out
    assert "Postcode [POSTCODE], also written [POSTCODE]." in out
    assert "Phones [PHONE], [PHONE], [PHONE]." in out
    assert "Email [EMAIL]." in out
    assert "NI [NI_NUMBER] and [NI_NUMBER]." in out
    assert "Dates: [DATE], [DATE], [DATE], [DATE], [DATE], [DATE].\n" in out
    assert "Address: [ADDRESS]; previously [ADDRESS]. Case ref [CASE_REF]." in out
    assert "See [URL] and [URL]." in out


def test_more_pattern_forms(redactor):
    text = ("Ring 0044 7700 900 123 or 020-7946-0958; refs CP/2024/001 and LA12345; "
            "@jamie_f2010 online; lives on Acacia Avenue; mobile 7700900123; "
            "seen 3 May 2023 and Feb 2nd, 2015; D.O.B. 01.02.2015.")
    assert redactor.redact(text, CASE) == (
        "Ring [PHONE] or [PHONE]; refs [CASE_REF] and [CASE_REF]; "
        "[HANDLE] online; lives on [ADDRESS]; mobile [NUMBER]; "
        "seen [DATE] and [DATE]; D.O.B. [DATE].")


def test_same_person_same_placeholder_across_texts(redactor):
    texts = ["Jamie was seen.", "FLETCHER, JAMIE: seen at school", "Spoke to jamie fletcher."]
    outs = [redactor.redact(t, CASE) for t in texts]
    assert outs == ["[CHILD_1] was seen.", "[FAMILY_1], [CHILD_1]: seen at school",
                    "Spoke to [CHILD_1]."]
    assert redactor.placeholders(CASE)["oneill baptiste"] == "[CARER_1]"


def test_other_case_numbers_its_own_people(redactor):
    out = redactor.redact("Keira Osei and Kofi Osei; the Oseis. Hope Mensah is Keira's sister.", OTHER_CASE)
    assert out == "[CHILD_1] and [PARENT_1]; the [FAMILY_1]. [CHILD_2] is [CHILD_1]'s sister."


def test_names_from_other_cases_are_person(redactor):
    assert redactor.redact("Jamie met Keira and Priya.", OTHER_CASE) == "[PERSON] met [CHILD_1] and [WORKER]."
    assert redactor.redact("Keira Osei visited", CASE) == "[PERSON] visited"
    # An unknown case key still loses every known name.
    assert redactor.redact("Jamie and Keira", "no-such-case") == "[PERSON] and [PERSON]"


def test_name_that_is_a_common_word(redactor):
    # Documented rule (issue 20): in text about Hope's own case the store knows "hope" is
    # a person, so every form goes; elsewhere lower-case "hope" (the word) stays.
    out = redactor.redact("We hope Hope is safe. HOPE said she has hope.", OTHER_CASE)
    assert out == "We [CHILD_2] [CHILD_2] is safe. [CHILD_2] said she has [CHILD_2]."
    out = redactor.redact("We hope Hope is safe. HOPE said she has hope.", CASE)
    assert out == "We hope [PERSON] is safe. [PERSON] said she has hope."
    assert redactor.redact("we hope", None) == "we hope"
    strict = Redactor({OTHER_CASE: [HOPE]}, [], strict_case=True)
    assert strict.redact("we hope", OTHER_CASE) == "we [CHILD_1]"


def test_glued_full_names(redactor):
    text = "Accounts JamieFletcher2010, jamiefletcher and PriyaRaman; JAMIEFLETCHER's."
    assert redactor.redact(text, CASE) == (
        "Accounts [CHILD_1]2010, [CHILD_1] and [WORKER]; [CHILD_1]'s.")
    # A glued full name that is an ordinary word stays a word.
    r = Redactor({"c": [Person("Al", "So", "other")]}, [])
    assert r.redact("Al So said so; also AlSo.", "c") == "[OTHER_1] said so; also AlSo."


def test_whole_tokens_only(redactor):
    text = "Jamieson and Donnatella met Marcusson; Ramanathan and Fletcherly too."
    assert redactor.redact(text, CASE) == text


def test_ordinary_text_and_vocabulary_untouched(redactor):
    text = ("The child protection plan was reviewed at the conference in March. "
            "School, Police, the GP and CAMHS attended on Monday. "
            "Section 47 enquiry; 3 visits to the park; scored 3/4; attendance 82% in Year 9; "
            "school years 2019-2020 and 2021/22; met at 10:30 in Room 4; 999 was called.")
    assert redactor.redact(text, CASE) == text


def test_month_with_year_is_a_date_but_bare_month_is_not(redactor):
    assert redactor.redact("Seen in March 2024, reviewed in May.", CASE) == "Seen in [DATE], reviewed in May."


def test_invisible_characters_and_accents(redactor):
    accented = Redactor({"z": [Person("Zoë", "Brontë", "child")]}, [])
    assert accented.redact("Zoë and Zoe Bronte", "z") == "[CHILD_1] and [CHILD_1]"
    assert redactor.redact("Ja\u200bmie", CASE) == "[CHILD_1]"


def test_initials_with_a_surname_go_with_it(redactor):
    text = "J. Fletcher, J Fletcher, j.fletcher, jfletcher, D.FLETCHER and P Raman; praman."
    # Issue 20: an initial with a surname is the adult it fits, never a child: Jamie is a
    # child, so "J. Fletcher" is a neutral [PERSON]; Donna is the one adult "D. Fletcher".
    assert redactor.redact(text, CASE) == (
        "[PERSON], [PERSON], [PERSON], [PERSON], [PARENT_1] and [WORKER]; [WORKER].")
    # "A" and "I" are words: the surname goes, the letter stays.
    r = Redactor({"c": [Person("Amy", "Fletcher", "child"), Person("Ian", "Fletcher", "parent")]}, [])
    assert r.redact("A. Fletcher; a Fletcher child; I Fletcher", "c") == \
        "A. [FAMILY_1]; a [FAMILY_1] child; I [FAMILY_1]"


def test_apostrophe_surnames_in_every_spelling():
    r = Redactor({"c": [Person("Siobhan", "O'Neil", "parent"), Person("Hope", "D’Arcy", "child")]}, [])
    text = "O'Neil, O’Neil, ONeil, O Neil, O'NEIL's, Neil; D'Arcy, Darcy, D Arcy, Arcy, HOPE D'ARCY"
    out = r.redact(text, "c")
    assert out == ("[PARENT_1], [PARENT_1], [PARENT_1], [PARENT_1], [PARENT_1]'s, [PARENT_1]; "
                   "[CHILD_1], [CHILD_1], [CHILD_1], [CHILD_1], [CHILD_1]")


def test_name_broken_across_a_line_and_accents_typed_in_the_text(redactor):
    assert redactor.redact("Fletch-\ner and Jam-\r\nie; Mar- \ncus", CASE) == \
        "[FAMILY_1] and [CHILD_1]; [CARER_1]"
    # A hyphenated line break inside ordinary words is left as written.
    assert redactor.redact("well-\nbeing", CASE) == "well-\nbeing"
    assert redactor.redact("Jämie and DÖNNA, Marcùs", CASE) == "[CHILD_1] and [PARENT_1], [CARER_1]"


def test_dates_written_with_dashes_dots_and_month_names(redactor):
    text = "DOB 02-Apr-2016, 2-Apr-16, Apr-02-2016, 02.Apr.2016, Apr.02.16; aged 3-4; in 2019-2020."
    assert redactor.redact(text, CASE) == \
        "DOB [DATE], [DATE], [DATE], [DATE], [DATE]; aged 3-4; in 2019-2020."


def test_placeholder_words_are_not_re_redacted():
    r = Redactor({"c": [Person("Child", "Date", "child"), Person("Ann", "Number", "parent")]}, [])
    out = r.redact("Child Date on 12/03/2024 (NHS 943 476 5919), mum Ann.", "c")
    assert out == "[CHILD_1] on [DATE] (NHS [NHS_NUMBER]), mum [PARENT_1]."


def test_bad_role_is_refused():
    with pytest.raises(ValidationError):
        Person("A", "B", "uncle")


def test_nhs_check_digit():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765910")


KNOWN_FULL_NAMES = ["jamie fletcher", "donna fletcher", "marcus o'neill-baptiste", "priya raman"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture], deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["Jamie Fletcher", "DONNA FLETCHER", "marcus o'neill-baptiste",
                             "Priya  Raman", "Jamie Fletcher's", "(Priya Raman)", "07700 900123"]),
        ),
        max_size=8,
    )
)
def test_property_never_raises_and_no_full_name_survives(redactor, parts):
    # The redactor fixture is module-scoped on purpose: it is immutable.
    text = "".join(parts)
    out = redactor.redact(text, CASE)
    assert isinstance(out, str)
    squashed = re.sub(r"\s+", " ", out.lower())
    for name in KNOWN_FULL_NAMES:
        # Whole tokens only: "xJamie Fletcherx" is another word by design.
        assert re.search(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", squashed) is None


def test_residual_risk_report(redactor):
    texts = [redactor.redact(t, CASE) for t in [
        "Bartholomew came to the house on Monday with Jamie. Police were called.",
        "Bartholomew's uncle rang the Police. Jamie's school (CAMHS referral) is in Romford.",
        "Files 2024Łukasz and note_Zoë; Jamie Fletcher's report; O'Neill-Baptiste",
    ]]
    df = residual_risk(texts)
    assert list(df.columns) == ["word", "count"]
    words = dict(zip(df["word"], df["count"]))
    assert words["Bartholomew"] == 2
    assert words["Romford"] == 1
    assert words["Łukasz"] == 1 and words["Zoë"] == 1
    for word in ("Monday", "Police", "CAMHS", "Jamie", "CHILD_1", "CHILD", "The", "Files",
                 "O'Neill-Baptiste", "Baptiste"):
        assert word not in words
    assert list(df["count"]) == sorted(df["count"], reverse=True)
    assert residual_risk([]).empty


def test_common_words_list_is_common_and_name_free():
    words = common_words()
    assert 3000 < len(words) < 12000
    for w in ("the", "monday", "march", "police", "gp", "camhs", "child", "protection", "plan"):
        assert w in words
    for name in ("jamie", "donna", "priya", "bartholomew", "david", "sarah"):
        assert name not in words


# -- what the export's report counts, and sessions that discussed several cases -------

def test_the_report_counts_every_nickname_replaced_and_no_recorded_name():
    """The research export reports how many nicknames were replaced: each capitalised
    nickname of a case's person or of a worker once, two-letter ones ("Jo", "Ed") too; a
    recorded name ("Ng", "Rebecca") is not a nickname, and a lower-case one stays."""
    r = Redactor({"c1": [Person("Rebecca", "Ng", "child"), Person("Josephine", "Hale", "parent")]},
                 [Person("Alexandra", "Moss", "worker"), Person("Edward", "Stone", "worker")])
    text = "Becky told Sasha and Ng. Rebecca saw Jo, Jo saw Ed and Ed saw Sasha; becky slept."
    assert r.redact(text, "c1") == ("[CHILD_1] told [WORKER] and [CHILD_1]. [CHILD_1] saw "
                                    "[PARENT_1], [PARENT_1] saw [WORKER] and [WORKER] saw "
                                    "[WORKER]; becky slept.")
    assert r.counts["nickname"] == 7
    assert set(r.counts) == {"nickname"}


def test_a_session_about_several_cases_numbers_their_people_across_them():
    """Text under a session's key is redacted with the people of every case it discussed;
    two sessions about different cases each get their own cases' placeholders, a session
    about one case that case's, and one naming an unknown case only the known names."""
    people = {"a": [Person("Rowan", "Hale", "child")], "b": [Person("Ellis", "Brook", "child")],
              "c": [Person("Mabel", "Quist", "child")]}
    r = Redactor(people, [], groups={"s-ab": ["a", "b"], "s-bc": ["b", "c"], "s-c": ["c"],
                                     "s-x": ["nowhere"]})
    assert r.redact("Rowan and Ellis", "s-ab") == "[CHILD_1] and [CHILD_2]"
    assert r.redact("Ellis and Mabel", "s-bc") == "[CHILD_1] and [CHILD_2]"
    assert r.redact("Mabel and Rowan", "s-c") == "[CHILD_1] and [PERSON]"
    assert r.redact("Mabel and Rowan", "s-x") == "[PERSON] and [PERSON]"
    assert r.redact("Rowan and Ellis", "s-ab") == "[CHILD_1] and [CHILD_2]"


def test_a_four_letter_name_misspelt_by_one_letter_goes():
    """Names of four letters are the shortest whose one-letter misspellings are replaced."""
    r = Redactor({"c1": [Person("Rory", "Quinlan", "child")]}, [Person("Olga", "Brandt", "worker")])
    assert r.redact("Then Rorey saw Olgo.", "c1") == "Then [CHILD_1] saw [WORKER]."
    assert r.counts["spelling_variant"] == 2
    alone = Redactor({"c1": [Person("Rory", "Quinlan", "child")]}, [])  # an agency of no workers
    assert alone.redact("Then Rorey ran.", "c1") == "Then [CHILD_1] ran."


def test_shouted_names_and_names_beside_organisations_all_go():
    """Upper-case text ("THE FLETCHERS'", a surname that is also a placeholder's word) is
    redacted as any other; a name after an organisation named after someone goes too."""
    r = Redactor({CASE: [JAMIE, DONNA, Person("Lou", "Parent", "parent"),
                         Person("Ann", "College", "other")]}, [])
    assert r.redact("THE FLETCHERS' DOG BIT MR PARENT", CASE) == \
        "THE [FAMILY_1]' DOG BIT MR [PARENT_2]"
    assert r.redact("At Fletcher College and then Jamie", CASE) == \
        "At [ORGANISATION] and then [CHILD_1]"
    # "Saint" joins the organisation only when it is the word just before the name.
    assert r.redact("Saint Jamie's Primary School", CASE) == "[ORGANISATION]"
    assert r.redact("Saint    Jamie's Primary School", CASE) == \
        "Saint    [CHILD_1]'s Primary School"


def test_misspellings_go_wherever_they_are_and_ordinary_words_near_a_name_stay():
    """Every misspelt name in a note goes, after words that are not names ("Then", a place)
    and in a second note too; ordinary words one letter from a name ("Lane") stay."""
    r = Redactor({"c1": [Person("Jane", "Quinlan", "child")]}, [Person("Olga", "Brandt", "worker")])
    assert r.redact("Lane, June and Jayne.", "c1") == "Lane, June and [CHILD_1]."
    for _ in range(2):  # the second time, "Then" and "Zanzibar" are known not to be names
        assert r.redact("Then in Zanzibar, Jayne met Olgo.", "c1") == \
            "Then in Zanzibar, [CHILD_1] met [WORKER]."


def test_a_two_letter_name_after_an_underscore_or_bracket_goes():
    """Two-letter parts match as recorded, also glued to "_" or "[" ("file_Ng"), as every
    other name does; a placeholder's own word ("[NI_NUMBER]") is left alone."""
    r = Redactor({"c1": [Person("Rebecca", "Ng", "child"), Person("Ana", "NI", "parent")]}, [])
    assert r.redact("NI: file_Ng, [Ng] and NI [NI_NUMBER] x_NI", "c1") == \
        "[PARENT_1]: file_[CHILD_1], [[CHILD_1]] and [PARENT_1] [NI_NUMBER] x_[PARENT_1]"
    assert r.redact("Ng came home", "c1") == "[CHILD_1] came home"  # first word, last a letter


def test_a_name_half_glued_in_an_odd_spelling_still_goes():
    """A known name written in a way no key records ("MarcusO'Neill-Baptiste") is still a
    name: it goes as [PERSON] rather than staying in the text."""
    r = Redactor({CASE: [JAMIE, DONNA, MARCUS]}, [PRIYA])
    assert r.redact("MarcusO'Neill-Baptiste rang", CASE) == "[PERSON] rang"


def test_two_letter_names_of_other_cases_go_as_person_and_later_misspellings_still_go():
    """A two-letter part recorded for another case's person goes as [PERSON]; a word near
    only another case's name does not stop the misspelt names after it from going."""
    r = Redactor({"c1": [Person("Jane", "Quinlan", "child")],
                  "c2": [Person("Rebecca", "Ng", "child"), Person("Keira", "Osei", "child")]},
                 [Person("Olga", "Brandt", "worker")])
    assert r.redact("Ng rang", "c1") == "[PERSON] rang"
    out = r.redact("Keiro met Jayne", "c1")
    assert out.endswith("met [CHILD_1]") and "Jayne" not in out


def test_empty_or_non_text_and_names_broken_across_lines():
    """Nothing in, nothing out (None gives ''); a number is refused by field; a name broken
    across a line ending of any kind is joined and goes."""
    r = Redactor({CASE: [JAMIE, DONNA]}, [])
    assert r.redact("", CASE) == "" and r.redact(None, CASE) == ""
    with pytest.raises(ValidationError) as refused:
        r.redact(42, CASE)
    assert (refused.value.field, refused.value.message) == ("text", "must be a string")
    for brk in ("-\n", "-\r\n", "- \n"):
        assert r.redact(f"Saw Fletch{brk}er today", CASE) == "Saw [FAMILY_1] today"


def test_a_word_one_letter_from_a_short_name_or_a_nickname_is_not_taken_for_that_person():
    """Misspellings are caught only for recorded names of 4+ letters: a word one letter from
    a child's three-letter name ("Dana" for Dan), a worker's ("Anna" for Ann) or a child's
    nickname ("Danni" for Daniel's "Danny") is not given that person's placeholder (here it
    is another case's person's near-miss, and would merge two people in the research
    data), while the names themselves and a misspelt 4+-letter name still go."""
    r = Redactor({"c1": [Person("Dan", "Quinlan", "child")],
                  "c2": [Person("Dina", "Osei", "child")]}, [])
    assert r.redact("Dana rang Dan; Quinlen", "c1") == "Dana rang [CHILD_1]; [CHILD_1]"
    r = Redactor({"c1": [Person("Jane", "Quinlan", "child")],
                  "c2": [Person("Anne", "Osei", "parent")]}, [Person("Ann", "Brandt", "worker")])
    assert r.redact("Anna rang Ann; Jayne", "c1") == "Anna rang [WORKER]; [CHILD_1]"
    r = Redactor({"c1": [Person("Daniel", "Quinlan", "child")],
                  "c2": [Person("Dani", "Osei", "child")]}, [])
    assert r.redact("Danni rang; Danny came, Daneil left", "c1") == \
        "Danni rang; [CHILD_1] came, [CHILD_1] left"
