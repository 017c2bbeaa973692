"""segment(): exact splits of hand-written texts, and properties of the spans on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import statecode as sc
from statecode import segment
from statecode.options import SegmentUnit


def _sentences(text: str) -> list[str]:
    return [s.text for s in segment(sc.Document(id="d", text=text))]


def _paragraphs(text: str) -> list[str]:
    return [s.text for s in segment(sc.Document(id="d", text=text), "paragraph")]


SENTENCE_CASES = [
    pytest.param(
        "We call for talks. We reject the terms! Will they agree? Nobody knows.",
        ["We call for talks.", "We reject the terms!", "Will they agree?", "Nobody knows."],
        id="terminals",
    ),
    pytest.param(
        "Mr. Smith met Dr. Jones and Prof. Lee. Mrs. Brown stayed.",
        ["Mr. Smith met Dr. Jones and Prof. Lee.", "Mrs. Brown stayed."],
        id="titles",
    ),
    pytest.param(
        "The U.S. Army and the U.K. Navy met. See e.g. Smith (2020), i.e. Chapter 2. Done.",
        ["The U.S. Army and the U.K. Navy met.", "See e.g. Smith (2020), i.e. Chapter 2.", "Done."],
        id="initialisms",
    ),
    pytest.param(
        "Apples, pears etc. Were sold. They met Jones et al. Yesterday. Russia vs. Ukraine.",
        [
            "Apples, pears etc. Were sold.",
            "They met Jones et al. Yesterday.",
            "Russia vs. Ukraine.",
        ],
        id="abbreviations",
    ),
    pytest.param(
        "See No. 5 and Art. 51 of the Charter. They said no. Then they left.",
        ["See No. 5 and Art. 51 of the Charter.", "They said no.", "Then they left."],
        id="number-abbreviations",
    ),
    pytest.param(
        "On Jan. 20 the talks began. They ended in Jan. The next round is due.",
        ["On Jan. 20 the talks began.", "They ended in Jan.", "The next round is due."],
        id="months",
    ),
    pytest.param(
        "Growth was 3.5 per cent in 2024. 2025 will differ. It cost $1.2 billion.",
        ["Growth was 3.5 per cent in 2024.", "2025 will differ.", "It cost $1.2 billion."],
        id="decimals-and-digits",
    ),
    pytest.param(
        'He said "Stop." Then he left. "Why?" she asked. (He did not answer.) [Silence.] Fine.',
        [
            'He said "Stop."',
            "Then he left.",
            '"Why?" she asked.',
            "(He did not answer.)",
            "[Silence.]",
            "Fine.",
        ],
        id="quotes-and-brackets",
    ),
    pytest.param(
        "Er sagte: \u201eNein.\u201c Dann ging er. "
        "Il a dit : \u00ab Non. \u00bb Puis il est parti.",
        [
            "Er sagte: \u201eNein.\u201c",
            "Dann ging er.",
            "Il a dit : \u00ab Non. \u00bb",
            "Puis il est parti.",
        ],
        id="german-and-french-quotes",
    ),
    pytest.param(
        "She said \u201cNo.\u201d Then \u2018yes.\u2019 Really?! Wait... Maybe\u2026 Yes.",
        [
            "She said \u201cNo.\u201d",
            "Then \u2018yes.\u2019",
            "Really?!",
            "Wait...",
            "Maybe\u2026",
            "Yes.",
        ],
        id="typographic-quotes-and-ellipses",
    ),
    pytest.param(
        "Great news! \U0001f389 We won. I \u2764\ufe0f it. \U0001f1fa\U0001f1e6 Slava.",
        ["Great news! \U0001f389", "We won.", "I \u2764\ufe0f it. \U0001f1fa\U0001f1e6", "Slava."],
        id="emoji",
    ),
    pytest.param(
        "John F. Kennedy spoke. It is 5 p.m. now. Version 2.0 is out.",
        ["John F. Kennedy spoke.", "It is 5 p.m. now.", "Version 2.0 is out."],
        id="initials",
    ),
    pytest.param(
        "\u041e\u043d \u0441\u043a\u0430\u0437\u0430\u043b. \u042d\u0442\u043e \u0432\u0441\u0451. "
        "\u0642\u0627\u0644. \u0627\u062a\u0641\u0642\u0646\u0627.",
        [
            "\u041e\u043d \u0441\u043a\u0430\u0437\u0430\u043b.",
            "\u042d\u0442\u043e \u0432\u0441\u0451.",
            "\u0642\u0627\u0644.",
            "\u0627\u062a\u0641\u0642\u0646\u0627.",
        ],
        id="cyrillic-and-arabic",
    ),
    pytest.param(
        "No split here. but here the next word is lower case. iPhones too.",
        ["No split here. but here the next word is lower case. iPhones too."],
        id="lower-case-start",
    ),
    pytest.param(
        "A line\nwrapped by hand. Next\r\nsentence.",
        ["A line\nwrapped by hand.", "Next\r\nsentence."],
        id="line-breaks-inside",
    ),
    pytest.param(
        "Heading\n\nFirst sentence. Second.\r\n\r\nLast",
        ["Heading", "First sentence.", "Second.", "Last"],
        id="never-across-paragraphs",
    ),
    pytest.param("  \n\t ", [], id="only-whitespace"),
    pytest.param("", [], id="empty"),
    pytest.param("  No terminal at all  ", ["No terminal at all"], id="trimmed"),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_sentences(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


PARAGRAPH_CASES = [
    pytest.param("One.\n\nTwo.\n\n\nThree.", ["One.", "Two.", "Three."], id="lf"),
    pytest.param(
        "One,\r\nstill one.\r\n\r\nTwo.\r\n \t\r\nThree.\r\n",
        ["One,\r\nstill one.", "Two.", "Three."],
        id="crlf-and-blank-lines-with-spaces",
    ),
    pytest.param("One.\r\rTwo.", ["One.", "Two."], id="old-mac-cr"),
    pytest.param(
        "One.\u2029Two.\u2028still two.", ["One.", "Two.\u2028still two."], id="unicode-seps"
    ),
    pytest.param("  Indented.\n\n\tTabbed. \n", ["Indented.", "Tabbed."], id="trimmed"),
    pytest.param(
        "Single line break\nkeeps one paragraph.",
        ["Single line break\nkeeps one paragraph."],
        id="wrapped",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARAGRAPH_CASES)
def test_paragraphs(text: str, expected: list[str]) -> None:
    assert _paragraphs(text) == expected


def test_exact_offsets_with_crlf_and_emoji() -> None:
    text = "\U0001f680 Launch.\r\n\r\nIt flew. Then it landed \U0001f60a."
    doc = sc.Document(id="d1", text=text)
    got = [(s.id, s.start, s.end) for s in segment(doc)]
    assert got == [("d1-001", 0, 9), ("d1-002", 13, 21), ("d1-003", 22, 39)]
    assert [(s.start, s.end) for s in segment(doc, SegmentUnit.PARAGRAPH)] == [(0, 9), (13, 39)]
    assert text[13:21] == "It flew."


def test_id_format_and_statement_fields() -> None:
    doc = sc.Document(id="kremlin", text="One. Two.")
    out = segment(doc, "sentence", id_format="{document}/s{index}")
    assert out == (
        sc.Statement(id="kremlin/s1", document_id="kremlin", start=0, end=4, text="One."),
        sc.Statement(id="kremlin/s2", document_id="kremlin", start=5, end=9, text="Two."),
    )


def test_unit_is_case_insensitive_and_checked() -> None:
    doc = sc.Document(id="d", text="One. Two.")
    assert len(segment(doc, "PARAGRAPH")) == 1
    with pytest.raises(
        ValueError, match=r"^unit='word' is not valid; use one of 'sentence', 'paragraph'$"
    ):
        segment(doc, "word")


@pytest.mark.parametrize(
    ("id_format", "message"),
    [
        (
            "{doc}-{index}",
            "id_format='{doc}-{index}' is not valid (KeyError: 'doc'); use the fields "
            "{document} and {index}, e.g. '{document}-{index:03d}'",
        ),
        (
            "{document}",
            "id_format='{document}' gives every statement the same id; include {index}, "
            "e.g. '{document}-{index:03d}'",
        ),
        (
            "{index:x>}{",
            "id_format='{index:x>}{' is not valid (ValueError: Single '{' encountered in "
            "format string); use the fields {document} and {index}, e.g. "
            "'{document}-{index:03d}'",
        ),
    ],
)
def test_bad_id_format(id_format: str, message: str) -> None:
    with pytest.raises(ValueError, match="id_format=") as exc:
        segment(sc.Document(id="d", text="x"), id_format=id_format)
    assert str(exc.value) == message


# --------------------------------------------------------------------------------------------
# properties on any text

_WORDS = st.sampled_from(
    [
        "We",
        "call",
        "Mr.",
        "U.S.",
        "e.g.",
        "No.",
        "3.5",
        "2024.",
        "etc.",
        "Jan.",
        "F.",
        "iPhone",
        "\u00c9t\u00e9",
    ]
)
_PUNCT = st.sampled_from(
    [
        ".",
        "!",
        "?",
        "...",
        "\u2026",
        '"',
        "'",
        ")",
        "(",
        "\u201c",
        "\u201d",
        "\u00bb",
        "\u00ab",
        ",",
    ]
)
_SPACE = st.sampled_from(
    [" ", "  ", "\n", "\r\n", "\r\n\r\n", "\n \n", "\t", "\u2029", "\u00a0", "\u3000"]
)
_EMOJI = st.sampled_from(
    ["\U0001f389", "\u2764\ufe0f", "\U0001f1fa\U0001f1e6", "\U0001f44d\U0001f3fd"]
)
_ANY = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
texts = st.lists(st.one_of(_WORDS, _PUNCT, _SPACE, _EMOJI, _ANY), max_size=40).map("".join)


@given(text=texts, unit=st.sampled_from(list(SegmentUnit)))
def test_spans_are_exact_ordered_and_cover_the_text(text: str, unit: SegmentUnit) -> None:
    doc = sc.Document(id="d", text=text)
    out = segment(doc, unit)
    covered: set[int] = set()
    previous_end = 0
    for st_ in out:
        assert previous_end <= st_.start < st_.end <= len(text)
        assert st_.text == text[st_.start : st_.end]
        assert not st_.text[0].isspace()
        assert not st_.text[-1].isspace()
        covered.update(range(st_.start, st_.end))
        previous_end = st_.end
    assert {i for i, ch in enumerate(text) if not ch.isspace()} <= covered
    assert len({s.id for s in out}) == len(out)
    sc.Corpus(documents=(doc,), statements=out)  # the corpus accepts them as they are


@given(text=texts)
def test_sentences_lie_within_paragraphs(text: str) -> None:
    doc = sc.Document(id="d", text=text)
    paragraphs = segment(doc, "paragraph")
    for sentence in segment(doc, "sentence"):
        assert any(p.start <= sentence.start and sentence.end <= p.end for p in paragraphs)
