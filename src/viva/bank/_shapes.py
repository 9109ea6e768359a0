"""One pass over a note's blocks that finds its questions (the shapes of docs/notes-format.md).

Answers are cut from the source lines by the blocks' line ranges, so an answer's text,
highlights and formulas stay exactly as the author wrote them. Headings are decided up front by
`_outline.py`; multi-line spaced-repetition cards by `_cards.py`; everything else is decided here
block by block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from viva.bank._answer import (
    answer_key_points,
    card_prompt,
    clean_answer_line,
    dedent,
    is_links_paragraph,
    join,
    quote_lines,
    trim,
    trim_text,
)
from viva.bank._blocks import Block, Item
from viva.bank._cards import Card, multiline_cards
from viva.bank._frontmatter import read_front_matter
from viva.bank._outline import (
    ANSWER_CALLOUTS,
    BOLD_LINE,
    CALLOUT,
    QA_A,
    QA_Q,
    SUMMARY,
    HeadingRole,
    answer_split,
    explicit_question,
    is_paragraph_question,
    outline,
    question_callout,
    starts_question,
)
from viva.bank._text import (
    QUESTION_END,
    clean_card_text,
    highlights,
    inline_card,
    plain_text,
    reads_as_question,
    split_number,
)
from viva.bank.models import KeyPoint, NoteProblem
from viva.bank.note import AnswerLine, Heading, ParsedNote, QuestionMode, RawQuestion

# a section whose title gathers questions: its list items are questions without a `?`
_GATHERING = re.compile(
    r"questions?|faq|interview|(?<![的到在])问题|面试题|八股|面经|题目|真题|考题|问答|题库|追问|常问|"
    r"[一二三四终]面",
    re.I,
)
_LINK_ONLY = re.compile(r"^\s*(?:\[[^\[\]\n]*\]\([^()\n]*\)|\[\[[^\[\]\n]+\]\])\s*$")
_TASK_BOX = re.compile(r"^\s*\[[ xX]\]\s+")
# a sub-heading that only announces the answer (`#### Answer`, `#### 参考答案`) is not part of it
_ANSWER_HEADING = re.compile(r"^(?:answer|solution|答案|参考答案|回答|解答|解析|答)[:：]?$", re.I)
_CLOZE = re.compile(r"==[^=\n]+==|\{\{[^{}\n]+\}\}")


class NoteReader:
    """Reads one note's blocks into a `ParsedNote` (a class only to share the pass's state)."""

    def __init__(
        self,
        rel: str,
        lines: Sequence[str],
        blocks: Sequence[Block],
        block_ids: dict[str, tuple[int, int]],
        mode: QuestionMode,
    ) -> None:
        self.rel = rel
        self.lines = lines
        self.blocks = blocks
        self.block_ids = block_ids
        self.mode = mode
        self.problems: list[NoteProblem] = []
        self.questions: list[RawQuestion] = []
        self.section: tuple[str, ...] = ()
        self.tags: tuple[str, ...] = ()
        self.title = ""
        self.body_start = 0
        self.cloze: list[int] = []
        self._flashcards: bool | None = None

    def read(self) -> ParsedNote:
        """The note's questions, headings and problems."""
        blocks = self.blocks
        roles, inside = outline(blocks, len(self.lines), self.mode)
        cards: dict[int, list[Card]] = {}
        card_end: dict[int, int] = {}
        if self.mode in (QuestionMode.AUTO, QuestionMode.CARDS):
            cards, card_end = multiline_cards(self.lines, blocks)
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if i in cards:
                for card in cards[i]:
                    self._card(card)
                i = card_end[i]
                continue
            kind = block.kind
            if kind == "front_matter":
                self._front_matter(block)
            elif kind == "heading" and i not in inside:
                role = roles[i]
                self.section = role.section
                if role.heading.level == 1 and not role.heading.is_question and not self.title:
                    self.title = role.heading.text
                if role.heading.is_question:
                    i = self._heading_question(role.heading, i, role.body_end)
                    continue
            elif kind == "list":
                i = self._list(i)
                continue
            elif kind == "paragraph":
                i = self._paragraph(i)
                continue
            elif kind == "quote" and self._explicit:
                i = self._callout(i)
                continue
            elif kind == "html" and self._explicit and SUMMARY.search(block.text):
                i = self._details(i)
                continue
            elif kind == "table" and self.mode is QuestionMode.AUTO:
                self._table(block)
            i += 1
        if self.cloze:
            self.problems.append(
                NoteProblem(
                    self.rel,
                    self.cloze[0] + 1,
                    f"{len(self.cloze)} cloze card(s) (==…== or {{{{…}}}}) not imported: Viva "
                    "drills question-answer cards; write them as `question::answer` "
                    "(first one at this line)",
                    kind="cloze-skipped",
                )
            )
        if self.mode is QuestionMode.AUTO:
            self._sections_with_text(roles, inside)
        headings = tuple(roles[k].heading for k in sorted(roles))
        return ParsedNote(
            rel=self.rel,
            title=self.title or self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0],
            tags=self.tags,
            lines=tuple(self.lines),
            body_start=self.body_start,
            headings=headings,
            questions=tuple(self.questions),
            problems=tuple(self.problems),
            block_ids=self.block_ids,
        )

    def _sections_with_text(self, roles: dict[int, HeadingRole], inside: set[int]) -> None:
        """Say which headings kept text of their own out of the bank: a leaf heading read as a
        section (`### TCP 三次握手` and its explanation) whose body gave no question."""
        indexes = sorted(roles)
        asking = {roles[i].section for i in indexes if roles[i].heading.is_question}
        for k, index in enumerate(indexes):
            heading = roles[index].heading
            if heading.is_question or index in inside or heading.level < 2:
                continue
            if heading.path[:-1] not in asking:
                continue  # no sibling heading asks: the note does not ask with headings here
            after = indexes[k + 1] if k + 1 < len(indexes) else len(self.blocks)
            if after < len(self.blocks) and self.blocks[after].level > heading.level:
                continue  # it has sub-headings: a section by any reading
            body = [b for b in self.blocks[index + 1 : after] if b.kind in _TEXT_BLOCKS]
            text = _LINKS.sub(
                "", "\n".join(self.lines[n] for b in body for n in range(b.start, b.end))
            )
            if len(re.sub(r"\s", "", plain_text(text))) < _EXPLANATION:
                continue  # links, or a line introducing what follows ("这一年考了三道题。")
            end = self.blocks[after].start if after < len(self.blocks) else len(self.lines)
            if any(heading.line < q.line < end for q in self.questions):
                continue
            self.problems.append(
                NoteProblem(
                    self.rel,
                    heading.line + 1,
                    f"heading {heading.text!r} has text of its own but does not read as a "
                    "question, so it was read as a section: end it with ? (or ？) to make it "
                    "a question",
                    kind="section-with-text",
                )
            )

    def _is_flashcard_note(self) -> bool:
        if self._flashcards is None:
            self._flashcards = any(t.startswith("flashcard") for t in self.tags) or any(
                "#flashcard" in line for line in self.lines
            )
        return self._flashcards

    @property
    def _explicit(self) -> bool:
        return self.mode in (QuestionMode.AUTO, QuestionMode.CARDS)

    def _front_matter(self, block: Block) -> None:
        self.body_start = block.end
        front = read_front_matter(block.text, self.rel)
        self.tags = front.tags
        self.problems.extend(front.problems)
        if front.title:
            self.title = front.title

    # --- headings ---------------------------------------------------------------------------
    def _heading_question(self, heading: Heading, i: int, body_end: int) -> int:
        number, prompt = split_number(heading.text)
        body = list(self.blocks[i + 1 : body_end])
        # a question its author marked (`Q:`, `> [!question]`) is not part of this answer
        marked = next((k for k, b in enumerate(body) if k and explicit_question(b)), None)
        if marked is not None:
            body, body_end = body[:marked], i + 1 + marked
        if body and body[0].kind == "heading" and _ANSWER_HEADING.match(body[0].text.strip()):
            body = body[1:]
        follow_ups: tuple[AnswerLine, ...] = ()
        if len(body) > 1 and is_links_paragraph(body[-1]):
            follow_ups = self._lines(body[-1].start, body[-1].end)
            body = body[:-1]
        answer, key_points = self._body_answer(body)
        self._add(number, prompt, heading.line, answer, key_points, follow_ups)
        return body_end

    def _body_answer(
        self, body: Sequence[Block]
    ) -> tuple[tuple[AnswerLine, ...] | None, tuple[KeyPoint, ...]]:
        if not body:
            return None, ()
        if len(body) == 1 and body[0].kind == "quote":
            quote = body[0]
            return quote_lines(self.lines, quote.start, quote.end), answer_key_points(
                self.lines, quote.start, quote.end, quote.inner
            )
        first, last = body[0].start, body[-1].end
        points = tuple(p for b in body for p in b.points)
        return trim(self._lines(first, last)), answer_key_points(self.lines, first, last, points)

    # --- lists ------------------------------------------------------------------------------
    def _list(self, i: int) -> int:
        if self.mode in (QuestionMode.HEADINGS, QuestionMode.CARDS):
            return i + 1
        block = self.blocks[i]
        following = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        consumed = i + 1
        # a table of contents (items that are only a link) lists questions, it does not ask them
        items = [
            item
            for item in block.items
            if item.text is not None and (item.quote is not None or not _LINK_ONLY.match(item.text))
        ]
        texts = [
            plain_text(_TASK_BOX.sub("", (item.text or "").replace("\n", " "), count=1))
            for item in items
        ]
        asked = self._asked_items(items, texts)
        for n, item in enumerate(items):
            text = texts[n]
            is_last = item is block.items[-1]
            answer: tuple[AnswerLine, ...] | None = None
            key_points: tuple[KeyPoint, ...] = ()
            follow_ups: tuple[AnswerLine, ...] = ()
            if item.quote is not None:
                answer = quote_lines(self.lines, *item.quote)
                key_points = answer_key_points(self.lines, *item.quote, item.quote_points)
            elif is_last and following is not None and self._answers_list(following, asked[n]):
                if following.kind == "quote":
                    answer = quote_lines(self.lines, following.start, following.end)
                    key_points = answer_key_points(
                        self.lines, following.start, following.end, following.inner
                    )
                    consumed, follow_ups = self._follow_up_after(i + 2)
                else:
                    answer, key_points, consumed = self._qa_answer(i + 1)
            elif self.mode is QuestionMode.AUTO and (split := _item_split(item)) is not None:
                # "1. **What is X?**" / "1. 什么是 X？" with "答：…" on the next line: one paragraph
                lines = (item.text or "").split("\n")
                first = AnswerLine(item.start + split, lines[split])
                more = [AnswerLine(item.start + k, t) for k, t in enumerate(lines) if k > split]
                answer = trim((first, *more, *dedent(self._lines(item.body, item.end))))
                text = plain_text(" ".join(lines[:split]))
            elif not asked[n]:
                continue
            elif item.body < item.end:
                answer = trim(dedent(self._lines(item.body, item.end)))
            number, text = (item.number, text) if item.number else split_number(text)
            self._add(number, text, item.start, answer, key_points, follow_ups)
        return consumed

    def _asked_items(self, items: Sequence[Item], texts: Sequence[str]) -> list[bool]:
        if self.mode is QuestionMode.LISTS:
            return [True] * len(items)
        if self.mode is not QuestionMode.AUTO:
            return [False] * len(items)
        asked = [
            item.quote is not None or reads_as_question(text)
            for item, text in zip(items, texts, strict=True)
        ]
        gathering = bool(self.section) and _GATHERING.search(self.section[-1]) is not None
        if gathering or (sum(asked) >= 2 and sum(asked) * 2 >= len(items)):
            return [True] * len(items)
        return asked

    def _answers_list(self, block: Block, asked: bool) -> bool:
        if block.kind == "quote":
            return question_callout(block.text) is None
        return (
            block.kind == "paragraph"
            and QA_A.match(block.text) is not None
            and (asked or self.mode is QuestionMode.AUTO)
        )

    # --- paragraphs -------------------------------------------------------------------------
    def _paragraph(self, i: int) -> int:
        block = self.blocks[i]
        explicit = self._explicit
        if explicit and QA_Q.match(block.text):
            return self._qa(i)
        if explicit and "::" in block.text:
            found = False
            for n in range(block.start, block.end):
                card = inline_card(self.lines[n])
                if card is not None:
                    found = True
                    self._inline_card(n, *card)
            if found:
                return i + 1
        if self.mode is QuestionMode.AUTO:
            texts = block.text.split("\n")
            split = answer_split(texts)
            if split is None and len(texts) == 1 and is_paragraph_question(texts[0]):
                split = 1
            if split is not None:
                number, prompt = _question_text(texts[:split])
                rest, key_points, j = self._until_next_question(i + 1)
                last = self.blocks[j - 1].end if rest else block.end
                lines = self._lines(block.start + split, last)
                if lines and split < len(texts):  # the paragraph's own answer line
                    lines = (AnswerLine(lines[0].line, texts[split]), *lines[1:])
                self._add(number, prompt, block.start, trim(lines), key_points, ())
                return j
        if self._is_flashcard_note() and _CLOZE.search(block.text):
            self.cloze.append(block.start)
        return i + 1

    def _qa(self, i: int) -> int:
        """`Q:`/`问：`/`问题：` … then `A:`/`答：` (same paragraph, or later); without an `A:`, the
        blocks that follow (up to the next question) are the answer."""
        block = self.blocks[i]
        q_lines: list[str] = []
        answer: list[AnswerLine] = []
        in_answer = False
        for n in range(block.start, block.end):
            text = self.lines[n]
            if not in_answer and q_lines and QA_A.match(text):
                in_answer = True
                rest = QA_A.sub("", text, count=1)
                if rest.strip():
                    answer.append(AnswerLine(n, rest))
            elif in_answer:
                answer.append(AnswerLine(n, text))
            else:
                q_lines.append(QA_Q.sub("", text, count=1) if not q_lines else text.strip())
        nothing_after = i + 1 >= len(self.blocks) or starts_question(self.blocks[i + 1])
        if (
            not in_answer
            and len(q_lines) > 1
            and nothing_after
            and _asks_alone(q_lines[0])
            and not any(_asks_alone(line) for line in q_lines[1:])
        ):
            # "**Q: Why …?**" with the answer on the next line of the same paragraph (when an
            # answer follows as blocks of its own, the lines after are part of the question)
            answer = [
                AnswerLine(block.start + k, self.lines[block.start + k])
                for k in range(1, len(q_lines))
            ]
            q_lines, in_answer = q_lines[:1], True
        prompt = plain_text(" ".join(part.strip() for part in q_lines))
        number, prompt = split_number(prompt)
        marker = QA_Q.match(block.text)
        if marker is not None and marker.group(1):
            number = marker.group(1)  # "Q1: …", "问题 2：…"
        j = i + 1
        extra: list[str] = []
        if not in_answer:
            k = j
            while k < len(self.blocks) and not starts_question(self.blocks[k]):
                if self.blocks[k].kind == "paragraph" and QA_A.match(self.blocks[k].text):
                    extra = [
                        self.lines[n] for n in range(self.blocks[j].start, self.blocks[k].start)
                    ]
                    j = k
                    break
                k += 1
        if extra and any(line.strip() for line in extra):
            prompt = prompt + "\n\n" + "\n".join(trim_text(extra))
        if in_answer:
            more, key_points, j = self._until_next_question(j)
            last = self.blocks[j - 1].end if more else block.end
            lines = [*answer, *self._lines(block.end, last)]
            final = trim(tuple(lines))
            if not key_points:
                key_points = highlights("\n".join(a.text for a in lines))
        else:
            final, key_points, j = self._qa_answer(j)
        self._add(number, prompt, block.start, final, key_points, ())
        return j

    def _qa_answer(self, j: int) -> tuple[tuple[AnswerLine, ...] | None, tuple[KeyPoint, ...], int]:
        """The answer starting at block j: an `A:`/`答：` paragraph (marker removed) and what
        follows it, or, without a marker, the blocks up to the next question."""
        if j < len(self.blocks) and self.blocks[j].kind == "paragraph":
            first = self.blocks[j]
            if QA_A.match(first.text):
                head = AnswerLine(first.start, QA_A.sub("", self.lines[first.start], count=1))
                rest, key_points, end = self._until_next_question(j + 1)
                lines = (head, *self._lines(first.start + 1, first.end), *(rest or ()))
                if rest:
                    body = self.blocks[j:end]
                    points = tuple(p for b in body for p in b.points)
                    key_points = answer_key_points(self.lines, first.start, body[-1].end, points)
                else:
                    key_points = highlights("\n".join(a.text for a in lines))
                return trim(lines), key_points, end
        return self._until_next_question(j)

    def _until_next_question(
        self, j: int
    ) -> tuple[tuple[AnswerLine, ...] | None, tuple[KeyPoint, ...], int]:
        end = j
        while end < len(self.blocks) and not starts_question(self.blocks[end]):
            block = self.blocks[end]
            if block.kind == "front_matter" or (
                block.kind == "quote" and CALLOUT.match(block.text)
            ):
                break  # a callout (`> [!note]`) stands on its own
            end += 1
        answer, key_points = self._body_answer(self.blocks[j:end])
        return answer, key_points, end

    # --- tables -----------------------------------------------------------------------------
    def _table(self, block: Block) -> None:
        """A table of questions and answers: a column headed 问题/题目/Question and one headed
        答案/回答/Answer, or two columns whose first cells all ask. Other tables are answers'
        content, not questions."""
        rows = [_cells(self.lines[n]) for n in range(block.start, block.end)]
        if len(rows) < 3 or not _TABLE_RULE.fullmatch(self.lines[block.start + 1].strip()):
            return
        head = rows[0]
        body = [(block.start + 2 + k, cells) for k, cells in enumerate(rows[2:])]
        ask = next((k for k, c in enumerate(head) if _Q_HEAD.fullmatch(plain_text(c))), None)
        say = next((k for k, c in enumerate(head) if _A_HEAD.fullmatch(plain_text(c))), None)
        if ask is None or say is None:
            if len(head) != 2 or not all(
                c and reads_as_question(plain_text(c[0])) for _, c in body
            ):
                return
            ask, say = 0, 1
            if reads_as_question(plain_text(head[0])):  # the first question, as a header
                body.insert(0, (block.start, head))
        for line, cells in body:
            if len(cells) <= max(ask, say):
                continue
            number, prompt = split_number(plain_text(cells[ask]))
            # a `<br>` in a cell is a new paragraph of the answer (a line break of its own)
            parts = [p.strip() for p in _CELL_BREAK.split(cells[say].strip()) if p.strip()]
            answer = tuple(AnswerLine(line, text) for part in parts for text in ("", part))[1:]
            self._add(number, prompt, line, answer or None, highlights(cells[say]), ())

    # --- cards, callouts, <details> -----------------------------------------------------------
    def _inline_card(self, n: int, question: str, answer: str, both_ways: bool) -> None:
        question, q_tags = clean_card_text(question.strip())
        answer, a_tags = clean_card_text(answer.strip())
        question, answer = question.strip(), answer.strip()
        if not question or not answer:
            return
        tags = q_tags + a_tags
        self._add(
            None, plain_text(question), n, (AnswerLine(n, answer),), highlights(answer), (), tags
        )
        if both_ways:
            self._add(None, plain_text(answer), n, (AnswerLine(n, question),), (), (), tags)

    def _card(self, card: Card) -> None:
        front = [AnswerLine(n, t) for n, t in card.front]
        back = [AnswerLine(n, t) for n, t in card.back]
        text = "\n".join(a.text for a in back)
        self._add(
            None, card_prompt(card.front), card.line, tuple(back), highlights(text), (), card.tags
        )
        if card.both_ways:
            self._add(None, card_prompt(card.back), card.line, tuple(front), (), (), card.tags)

    def _callout(self, i: int) -> int:
        block = self.blocks[i]
        found = question_callout(block.text)
        if found is None:
            return i + 1
        title = plain_text(found[1])
        body = (
            quote_lines(self.lines, block.start + 1, block.end)
            if block.end > block.start + 1
            else None
        )
        following = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        answer_callout = None
        if following is not None and following.kind == "quote":
            match = CALLOUT.match(following.text)
            if match is not None and match.group(1).lower() in ANSWER_CALLOUTS:
                answer_callout = following
        if answer_callout is not None:
            parts = [title] if title else []
            parts.extend(a.text for a in body or ())
            prompt = plain_text(parts[0]) if parts else ""
            if len(parts) > 1:
                prompt += "\n" + "\n".join(parts[1:])
            answer = quote_lines(self.lines, answer_callout.start + 1, answer_callout.end)
            title_line = CALLOUT.match(answer_callout.text)
            if title_line is not None and title_line.group(2).strip() and answer is not None:
                answer = (AnswerLine(answer_callout.start, title_line.group(2)), *answer)
            self._add(None, prompt, block.start, answer, highlights(join(answer)), ())
            return i + 2
        if not title and body:
            title, body = plain_text(body[0].text), trim(body[1:])
        self._add(
            None,
            title,
            block.start,
            body,
            answer_key_points(self.lines, block.start, block.end, block.inner),
            (),
        )
        return i + 1

    def _details(self, i: int) -> int:
        """`<details><summary>question</summary> answer </details>` (over several blocks)."""
        block = self.blocks[i]
        summary_line = next(
            n for n in range(block.start, block.end) if SUMMARY.search(self.lines[n])
        )
        match = SUMMARY.search(self.lines[summary_line])
        assert match is not None
        prompt = plain_text(re.sub(r"<[^>\n]*>", "", match.group(1)))
        answer: list[AnswerLine] = []
        tail = self.lines[summary_line][match.end() :]
        j = i
        n = summary_line
        done = False
        if tail.strip():
            answer.append(AnswerLine(n, tail))
        while not done:
            n += 1
            while j < len(self.blocks) and self.blocks[j].end <= n:
                j += 1
            if n >= len(self.lines) or (
                j < len(self.blocks)
                and self.blocks[j].kind == "heading"
                and self.blocks[j].start <= n
            ):
                break
            text = self.lines[n]
            if "</details>" in text.lower():
                text = text[: text.lower().index("</details>")]
                done = True
            answer.append(AnswerLine(n, text))
        final = trim(tuple(a for a in answer if a.text.strip() not in ("</summary>",)))
        self._add(None, prompt, summary_line, final, highlights(join(final)), ())
        while j < len(self.blocks) and self.blocks[j].start <= n:
            j += 1
        return max(j, i + 1)

    # --- helpers ------------------------------------------------------------------------------
    def _add(
        self,
        number: str | None,
        prompt: str,
        line: int,
        answer: tuple[AnswerLine, ...] | None,
        key_points: tuple[KeyPoint, ...],
        follow_ups: tuple[AnswerLine, ...],
        tags: tuple[str, ...] = (),
    ) -> None:
        if "<!--SR:" in prompt or "^" in prompt or "#flashcard" in prompt:
            prompt, more = clean_card_text(prompt)
            prompt = prompt.strip()
            tags = (*tags, *more)
        if not prompt:
            return
        if answer is not None:
            if answer and QA_A.match(answer[0].text):  # "答：" opening an answer is a marker
                head = AnswerLine(answer[0].line, QA_A.sub("", answer[0].text, count=1))
                answer = (head, *answer[1:])
            answer = tuple(clean_answer_line(a) for a in answer)
            if not any(a.text.strip() for a in answer):
                answer = None
        self.questions.append(
            RawQuestion(
                section=self.section,
                number=number,
                prompt=prompt,
                line=line,
                answer=answer,
                key_points=key_points,
                follow_ups=follow_ups,
                tags=tags,
            )
        )

    def _follow_up_after(self, j: int) -> tuple[int, tuple[AnswerLine, ...]]:
        if j < len(self.blocks) and is_links_paragraph(self.blocks[j]):
            return j + 1, self._lines(self.blocks[j].start, self.blocks[j].end)
        return j, ()

    def _lines(self, first: int, last: int) -> tuple[AnswerLine, ...]:
        return tuple(AnswerLine(n, self.lines[n]) for n in range(first, last))


def _item_split(item: Item) -> int | None:
    if item.text is None or "\n" not in item.text:
        return None
    return answer_split(item.text.split("\n"))


def _question_text(lines: Sequence[str]) -> tuple[str | None, str]:
    """The number and prompt of a paragraph question (bold markers removed)."""
    text = " ".join(line.strip() for line in lines)
    bold = BOLD_LINE.match(text)
    return split_number(plain_text(bold.group(2) if bold else text))


def _asks_alone(line: str) -> bool:
    """A `Q:` line that is a whole question ("Why …?**"): the lines after it answer it."""
    return plain_text(line).rstrip().endswith(QUESTION_END)


_TABLE_RULE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_Q_HEAD = re.compile(r"(?i:问题|题目|问|提问|面试题|q|questions?)")
_A_HEAD = re.compile(r"(?i:答案|回答|答|参考答案|解答|a|answers?)")
_CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    """A table row's cells (`\\|` inside a cell is a literal bar)."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", row)]


# blocks that hold text a student could be asked about
_TEXT_BLOCKS = frozenset({"paragraph", "list", "quote", "code", "math", "table"})
# a body shorter than this (without links) introduces, it does not explain
_EXPLANATION = 12
_LINKS = re.compile(r"!?\[[^\[\]\n]*\]\([^()\n]*\)|!?\[\[[^\[\]\n]+\]\]")
