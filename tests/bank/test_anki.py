"""Anki fields both ways, without files: HTML to Markdown, a question's note, ids and tags."""

from __future__ import annotations

import pytest

from viva.bank._html import field_to_markdown
from viva.bank.anki import (
    FIELDS,
    anki_tag,
    deck_name,
    export_deck,
    model_spec,
    note_fields,
    note_guid,
    question_tags,
    render_markdown,
    stable_id,
)
from viva.bank.anki_notes import (
    AnkiModel,
    AnkiNote,
    AnkiPackage,
    deck_note,
    safe_media_name,
)
from viva.bank.ids import keyed_question_id
from viva.bank.models import (
    KeyPoint,
    KeyPointKind,
    Link,
    LinkKind,
    Question,
    SourceRef,
)


def no_media(name: str) -> str | None:  # noqa: ARG001
    return None


@pytest.mark.parametrize(
    ("field", "markdown"),
    [
        ("What is <b>TCP</b>?", "What is **TCP**?"),
        ("one<br>two<div>three</div>", "one\ntwo\nthree"),
        ("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "- a\n- b\n   - c"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"),
        ("<mark>key</mark> and <i>it</i>", "==key== and *it*"),
        (r"\(x^2 < y\) then \[E=mc^2\]", "$x^2 < y$ then $$E=mc^2$$"),
        ("costs $5, a*b*c, [x], a==b", r"costs \$5, a\*b\*c, \[x\], a\=\=b"),
        ("&lt;b&gt;not bold&lt;/b&gt;", r"\<b>not bold\</b>"),
        ("<pre>def f():\n    return 1</pre>", "```\ndef f():\n    return 1\n```"),
        ("<h2>Title</h2>body", "**Title**\n\nbody"),
        ('<a href="https://e.org">site</a>', "[site](https://e.org)"),
    ],
)
def test_field_to_markdown(field: str, markdown: str) -> None:
    assert field_to_markdown(field, no_media).text == markdown


def test_field_to_markdown_removes_scripts_handlers_and_javascript_links() -> None:
    field = (
        '<script>alert(1)</script><img src="x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><style>p{}</style>ok'
    )
    converted = field_to_markdown(field, {"x.png": "x.png"}.get)
    assert converted.text == "![[x.png]]clickok"
    assert "alert" not in converted.text
    assert converted.images == ["x.png"]


def test_field_to_markdown_reports_missing_images_and_sounds() -> None:
    converted = field_to_markdown('<img src="gone.png">[sound:a.mp3] hi', no_media)
    assert converted.missing == ["gone.png"]
    assert converted.sounds == 1
    assert converted.text == "![[gone.png]] hi"


def test_field_to_markdown_finds_percent_encoded_media_names() -> None:
    converted = field_to_markdown('<img src="my%20pic.png">', {"my pic.png": "my pic.png"}.get)
    assert converted.text == "![[my pic.png]]"


def test_field_to_markdown_is_linear_on_hostile_fields() -> None:
    field = "<b>" * 50_000 + "{{c1::" * 50_000 + "[" * 50_000
    assert field_to_markdown(field, no_media).text.startswith("****")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/evil.png", "evil.png"),
        ("C:\\Users\\me\\pic.JPG", "pic.jpg"),
        ("a[b]|c#d.png", "a_b_c_d.png"),
        ("..png", "image.png"),
        ("song.mp3", None),
        ("noext", None),
    ],
)
def test_safe_media_name(name: str, expected: str | None) -> None:
    assert safe_media_name(name, set()) == expected


def test_safe_media_name_never_reuses_a_name() -> None:
    taken: set[str] = set()
    assert [safe_media_name(n, taken) for n in ("a.png", "A.png", "x/a.png")] == [
        "a.png",
        "A-2.png",
        "a-3.png",
    ]


def question(**changes: object) -> Question:
    values: dict[str, object] = {
        "id": "0123456789abcdef",
        "bank": "my notes",
        "section": ("网络", "传输 层"),
        "number": "3",
        "prompt": "什么是 TCP？",
        "reference": "面向连接的 ==可靠== 字节流。\n\n![[diagram.png]]",
        "source": SourceRef("net.md", 12),
        "key_points": (KeyPoint("可靠", KeyPointKind.HIGHLIGHT),),
        "tags": ("interview/os",),
        "links": (
            Link("![[diagram.png]]", "diagram.png", LinkKind.ASSET, True, 14, file="ab12.png"),
        ),
    }
    values.update(changes)
    return Question(**values)  # type: ignore[arg-type]


def test_ids_are_derived_and_stable() -> None:
    assert note_guid("0123456789abcdef") == note_guid("0123456789abcdef")
    assert note_guid("0123456789abcdef") != note_guid("0123456789abcdee")
    assert stable_id("viva-deck", "a") == stable_id("viva-deck", "a") > 0
    assert stable_id("viva-deck", "a") < 2**63
    assert model_spec().id == model_spec().id
    assert keyed_question_id("bank", "guid") == keyed_question_id("BANK", "guid")
    assert keyed_question_id("bank", "guid") != keyed_question_id("other", "guid")


def test_tags_have_no_spaces_and_name_bank_and_section() -> None:
    assert question_tags(question()) == (
        "my_notes",
        "my_notes::网络::传输_层",
        "interview::os",
    )
    assert anki_tag(" a::b c ") == "a:b_c"
    assert deck_name("x::y") == "Viva::x:y"


def test_note_fields_render_sanitised_html_and_key_points() -> None:
    prompt, reference, points, source, _ = note_fields(question(), {"![[diagram.png]]": "d.png"})
    assert prompt == "<p>什么是 TCP？</p>"
    assert "<mark>可靠</mark>" in reference
    assert '<img src="d.png">' in reference
    assert points == '<ul><li class="kp-highlight">可靠</li></ul>'
    assert source == "net.md:12 · 网络 / 传输 层"


def test_render_markdown_is_sanitised_and_writes_math_for_mathjax() -> None:
    html = render_markdown(
        "<script>x()</script>\n\n[a](javascript:y()) $a<b$ <img src=q onerror=z()>", {}
    )
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "onerror" not in html
    assert r"\(a&lt;b\)" in html


def test_export_deck_one_deck_per_bank_and_images_once() -> None:
    first = question()
    second = question(id="fedcba9876543210", bank="other", prompt="UDP？")
    deck = export_deck([first, second], asset_exists=lambda name: name == "ab12.png")
    assert [d.name for d in deck.decks] == ["Viva::my notes", "Viva::other"]
    assert deck.media == {"diagram.png": "ab12.png"}
    assert len({n.guid for n in deck.notes}) == 2
    gone = export_deck([first], asset_exists=lambda _: False)
    assert gone.media == {}


def package(*notes: AnkiNote, models: dict[int, AnkiModel] | None = None) -> AnkiPackage:
    basic = AnkiModel(1, "Basic", ("Front", "Back"))
    cloze = AnkiModel(2, "Cloze", ("Text", "Back Extra"), is_cloze=True)
    three = AnkiModel(3, "Three", ("Front", "Back", "Extra"))
    return AnkiPackage(models=models or {1: basic, 2: cloze, 3: three}, notes=notes)


def test_deck_note_basic_cloze_and_extra_fields() -> None:
    note = deck_note(
        package(
            AnkiNote("g1", 1, ("What is <b>TCP</b>?", "A <i>reliable</i> stream."), ("net",), "CS"),
            AnkiNote("g2", 2, ("{{c1::TCP}} is reliable, {{c2::UDP::protocol}} is not", "")),
            AnkiNote("g3", 3, ("Front", "Back", "extra text"), deck="CS::Net"),
            AnkiNote("g4", 1, ("", "no question")),
        ),
        "deck.apkg",
    ).parsed
    prompts = [q.prompt for q in note.questions]
    assert prompts == [
        "What is TCP?",
        "[…] is reliable, UDP is not",
        "TCP is reliable, [protocol] is not",
        "Front",
    ]
    first, c1, c2, third = note.questions
    assert first.section == ("CS",)
    assert first.tags == ("net",)
    assert first.key == "g1"
    assert [(c1.key, c2.key)] == [("g2:c1", "g2:c2")]
    assert [k.text for k in c1.key_points] == ["TCP"]
    assert [k.text for k in c2.key_points] == ["UDP"]
    assert third.section == ("CS", "Net")
    kinds = {p.kind: p.message for p in note.problems}
    assert "Extra" in kinds["anki-fields"]
    assert "g4" in kinds["anki-skipped"]
    assert [h.path for h in note.headings] == [("CS",), ("CS",), ("CS", "Net")]


def test_deck_note_reads_an_unedited_viva_note_exactly_and_an_edited_one_from_its_fields() -> None:
    exported = question(links=())
    fields = note_fields(exported, {})
    viva_model = {9: AnkiModel(9, "Viva question", FIELDS)}
    unedited = deck_note(package(AnkiNote("g", 9, fields), models=viva_model), "d.apkg").parsed
    (read,) = unedited.questions
    assert read.prompt == exported.prompt
    assert "\n".join(a.text for a in read.answer or ()) == exported.reference
    assert read.key_points == exported.key_points
    assert read.section == exported.section
    edited = (fields[0], "<p>Reliable, <b>ordered</b> bytes.</p>", *fields[2:])
    changed = deck_note(package(AnkiNote("g", 9, edited), models=viva_model), "d.apkg").parsed
    (read,) = changed.questions
    assert "\n".join(a.text for a in read.answer or ()) == "Reliable, **ordered** bytes."
    assert read.key_points == (KeyPoint("可靠", KeyPointKind.HIGHLIGHT),)
    assert read.section == exported.section
