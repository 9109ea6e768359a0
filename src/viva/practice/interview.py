"""The mock interview: the questions drawn for a plan's stages, follow-ups, the report.

Pure domain code: the interview is a state machine fed with graded answers; the service grades,
the CLI (or web page) asks and times. Questions are drawn without repeats, weighted toward weak
and due material, with a seeded random generator so an interview can be replayed. A stage the
chosen banks cannot fill draws from other banks; one nothing can fill is recorded as empty
(`fills`), never dropped silently. Plans live in `viva.practice.plan`, the wording of
follow-ups in `viva.practice.follow_ups`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from viva.bank.models import LinkRole, Question
from viva.errors import VivaError
from viva.grading.models import Contradiction, Coverage, Flag, Grade
from viva.practice import follow_ups
from viva.practice.plan import (
    InterviewPlan,
    PlanError,
    Stage,
    StageFill,
    builtin_plans,
    fill_of,
    is_askable,
    load_plan,
    parse_plan,
    stage_pools,
)
from viva.practice.scheduler import Memory, Scheduler

__all__ = [
    "GOOD_SCORE",
    "Asked",
    "InterviewPlan",
    "MockInterview",
    "PlanError",
    "Report",
    "Stage",
    "StageFill",
    "Turn",
    "build_report",
    "builtin_plans",
    "challenge_prompt",
    "load_plan",
    "parse_plan",
]

GOOD_SCORE = 70


@dataclass(frozen=True, slots=True)
class Asked:
    """A question put to the student: a drawn question or a follow-up."""

    stage: str
    prompt: str
    reference: str
    key_points: tuple[str, ...]
    seconds: int
    question_id: str | None  # the bank question (for a follow-up: the one it follows)
    follow_up_of: int | None = None  # index of the turn it follows
    lang: str = "zh"
    number: int = 0  # the question's number in the interview (a follow-up: its question's)
    follow_up: int = 0  # 1, 2 … for the follow-ups of a question; 0 for the question
    kind: str = "question"  # a follow-up's kind: topic, how, why, challenge … (follow_ups.py)
    template: str = ""  # the follow-up template used (none is used twice in an interview)


@dataclass(frozen=True, slots=True)
class Turn:
    """A question asked and what came of it."""

    asked: Asked
    answer: str
    seconds_used: float
    grade: Grade
    timed_out: bool = False  # the answer was taken when its time ran out


@dataclass
class MockInterview:
    """A running interview: `next()`, then `answer()` with its grade, until `next()` is None."""

    plan: InterviewPlan
    queue: list[tuple[Stage, Question]]
    turns: list[Turn] = field(default_factory=list)
    fills: tuple[StageFill, ...] = ()  # where each stage's questions came from
    _pending: Asked | None = None
    _follow_ups: list[Asked] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random)
    _by_id: dict[str, Question] = field(default_factory=dict)
    _stage_of: Stage | None = None
    _used: list[str] = field(default_factory=list)  # follow-up templates used so far

    @classmethod
    def start(
        cls,
        plan: InterviewPlan,
        questions: Sequence[Question],
        memories: Mapping[str, Memory],
        scheduler: Scheduler,
        *,
        now: datetime,
        seed: int,
        extra: Sequence[Question] = (),
    ) -> MockInterview:
        """Draw each stage's questions (no repeats; weak and due ones more likely).

        `questions` are the chosen banks'; a stage they cannot fill takes the rest from
        `extra` (other banks, in order of preference). A stage nothing fills stays empty and
        its `StageFill` says so.
        """
        rng = random.Random(seed)
        used: set[str] = set()
        queue: list[tuple[Stage, Question]] = []
        fills = []
        for index, stage in enumerate(plan.stages):
            own_pool, extra_pool = stage_pools(stage, questions, extra, used)
            mine = _weighted_sample(own_pool, stage.count, memories, scheduler, now, rng)
            lent = _weighted_sample(
                extra_pool, stage.count - len(mine), memories, scheduler, now, rng
            )
            for q in (*mine, *lent):
                used.add(q.id)
                queue.append((stage, q))
            fills.append(fill_of(index, stage, mine, lent))
        if not queue:
            raise VivaError(
                "no question of the banks matches any stage of this plan",
                hint="import notes with matching sections, or use --bank builtin",
            )
        by_id = {q.id: q for q in (*extra, *questions) if q.has_reference}
        return cls(plan=plan, queue=queue, fills=tuple(fills), _rng=rng, _by_id=by_id)

    def snapshot(self, encode: Callable[[Grade], dict[str, Any]]) -> dict[str, Any]:
        """The whole state as JSON values, so an interview can go on in another request."""
        stages = list(self.plan.stages)
        return {
            "plan": {
                "name": self.plan.name,
                "title": self.plan.title,
                "title_en": self.plan.title_en,
                "stages": [asdict(s) for s in stages],
            },
            "queue": [[stages.index(stage), q.id, q.bank] for stage, q in self.queue],
            "fills": [asdict(f) for f in self.fills],
            "turns": [
                {
                    "asked": asdict(t.asked),
                    "answer": t.answer,
                    "seconds_used": t.seconds_used,
                    "timed_out": t.timed_out,
                    "grade": encode(t.grade),
                }
                for t in self.turns
            ],
            "pending": None if self._pending is None else asdict(self._pending),
            "follow_ups": [asdict(a) for a in self._follow_ups],
            "rng": _jsonable(self._rng.getstate()),
            "stage_of": None if self._stage_of is None else stages.index(self._stage_of),
            "used_templates": list(self._used),
        }

    @classmethod
    def restore(
        cls,
        state: Mapping[str, Any],
        questions: Sequence[Question],
        decode: Callable[[dict[str, Any]], Grade],
    ) -> MockInterview:
        """The interview a `snapshot` was taken of (`questions`: the banks' questions now;
        a queued question deleted since is skipped)."""
        raw_plan = state["plan"]
        stages = tuple(Stage(**{**s, "sections": tuple(s["sections"])}) for s in raw_plan["stages"])
        plan = InterviewPlan(raw_plan["name"], raw_plan["title"], stages, raw_plan.get("title_en"))
        by_id = {q.id: q for q in questions if q.has_reference}
        rng = random.Random()
        rng.setstate(_tupled(state["rng"]))
        stage_of = state["stage_of"]
        fills = tuple(
            StageFill(**{**f, "lenders": tuple(f["lenders"])}) for f in state.get("fills", [])
        )
        return cls(
            plan=plan,
            queue=[
                (stages[entry[0]], by_id[entry[1]]) for entry in state["queue"] if entry[1] in by_id
            ],
            turns=[
                Turn(
                    _asked(t["asked"]),
                    t["answer"],
                    float(t["seconds_used"]),
                    decode(t["grade"]),
                    bool(t.get("timed_out", False)),
                )
                for t in state["turns"]
            ],
            fills=fills,
            _pending=None if state["pending"] is None else _asked(state["pending"]),
            _follow_ups=[_asked(a) for a in state["follow_ups"]],
            _rng=rng,
            _by_id=by_id,
            _stage_of=None if stage_of is None else stages[stage_of],
            _used=list(state.get("used_templates", [])),
        )

    @property
    def asked_count(self) -> int:
        """Questions answered so far (follow-ups included)."""
        return len(self.turns)

    @property
    def questions_asked(self) -> int:
        """Drawn questions answered so far (follow-ups not counted)."""
        return sum(1 for t in self.turns if t.asked.follow_up_of is None)

    @property
    def questions_total(self) -> int:
        """Drawn questions of the whole interview (follow-ups not counted)."""
        pending = self._pending is not None and self._pending.follow_up_of is None
        return self.questions_asked + len(self.queue) + int(pending)

    @property
    def remaining(self) -> int:
        """Drawn questions not yet asked (follow-ups not counted: they depend on the answers)."""
        return len(self.queue)

    def next(self) -> Asked | None:
        """The next question (a pending follow-up first), or None when the interview is over."""
        if self._pending is not None:
            return self._pending
        if self._follow_ups:
            self._pending = self._follow_ups.pop(0)
        elif self.queue:
            stage, q = self.queue.pop(0)
            self._pending = Asked(
                stage=stage.name,
                prompt=q.prompt,
                reference=q.reference or "",
                key_points=tuple(k.text for k in q.key_points),
                seconds=stage.seconds,
                question_id=q.id,
                lang=stage.lang or _lang_of(q.prompt),
                number=self.questions_asked + 1,
            )
            self._stage_of = stage
        return self._pending

    def answer(
        self, text: str, seconds_used: float, grade: Grade, *, timed_out: bool = False
    ) -> Turn:
        """Record the answer to the pending question; plan follow-ups it calls for."""
        asked = self._pending
        if asked is None:
            raise VivaError("no question is waiting for an answer")
        self._pending = None
        turn = Turn(asked, text, seconds_used, grade, timed_out)
        self.turns.append(turn)
        if asked.follow_up_of is None:
            self._follow_ups = self._plan_follow_ups(len(self.turns) - 1, turn)
            self._used.extend(a.template for a in self._follow_ups)
        return turn

    def _plan_follow_ups(self, index: int, turn: Turn) -> list[Asked]:
        stage = self._stage_of
        if stage is None or stage.follow_ups == 0 or Flag.NO_ANSWER in turn.grade.flags:
            return []  # a student who said nothing is not chased: the panel moves on
        asked, grade = turn.asked, turn.grade
        used = set(self._used)
        out: list[Asked] = []

        def add(
            probe: follow_ups.Probe,
            reference: str,
            points: tuple[str, ...],
            question_id: str | None = asked.question_id,
            seconds: int = stage.follow_up_seconds,
        ) -> None:
            used.add(probe.template)
            out.append(
                Asked(
                    stage.name,
                    probe.prompt,
                    reference,
                    points,
                    seconds,
                    question_id,
                    index,
                    asked.lang,
                    number=asked.number,
                    follow_up=len(out) + 1,
                    kind=probe.kind,
                    template=probe.template,
                )
            )

        def ask_about_the_answer() -> None:
            """A question about the answer as a whole (beside the point, or too little)."""
            probe = follow_ups.probe_answer(
                grade,
                question=asked.prompt,
                answer=turn.answer,
                lang=asked.lang,
                used=used,
                rng=self._rng,
            )
            if probe is not None:
                add(probe, asked.reference, asked.key_points)

        if follow_ups.is_beside_the_point(grade, turn.answer, asked.prompt):
            ask_about_the_answer()
            return out
        # what the answer got wrong first, then what it missed, then what it said only in part
        order = (Coverage.CONTRADICTED, Coverage.MISSED, Coverage.PARTLY)
        chased = sorted(
            (k for k in grade.key_points if k.coverage in order),
            key=lambda k: (order.index(k.coverage), k.confidence),
        )
        topics: set[str] = set()
        for point in chased:
            if len(out) >= stage.follow_ups:
                break
            probe = follow_ups.probe_point(
                point,
                question=asked.prompt,
                answer=turn.answer,
                reference=asked.reference,
                grade=grade,
                lang=asked.lang,
                used=used,
                rng=self._rng,
            )
            if (
                probe is None
                or probe.kind in topics
                or _normal(probe.prompt) == _normal(asked.prompt)
            ):
                continue
            if probe.kind in ("more", "retry", "detail"):
                topics.add(probe.kind)  # "anything else?" is asked once per question
            add(probe, point.context or point.text, (point.text,))
        if not out and not grade.key_points and grade.score < GOOD_SCORE:
            # no marked points (a short or a personal answer): ask for more of it
            ask_about_the_answer()
        if not out and grade.score >= GOOD_SCORE and asked.question_id:
            deeper = self._deeper(asked, used)
            if deeper is not None:
                probe, q = deeper
                points = tuple(k.text for k in q.key_points)
                add(probe, q.reference or "", points, q.id, stage.seconds)
        return out[: stage.follow_ups]

    def _deeper(self, asked: Asked, used: set[str]) -> tuple[follow_ups.Probe, Question] | None:
        """After a good answer, sometimes: the thread the note links to (延伸), or else a
        question one level deeper in the same section of the same bank."""
        source = self._by_id.get(asked.question_id or "")
        if source is None:
            return None
        asked_ids = {t.asked.question_id for t in self.turns}
        queued = {q.id for _, q in self.queue}
        linked = [
            self._by_id[link.question_id]
            for link in source.links
            if link.role is LinkRole.FOLLOW_UP and link.question_id in self._by_id
        ]
        same_section = [
            q
            for q in self._by_id.values()
            if q.section == source.section and q.id != source.id and q.bank == source.bank
        ]
        kind = "linked" if linked else "deeper"
        candidates = [
            q for q in (linked or same_section) if q.id not in asked_ids | queued and is_askable(q)
        ]
        if not candidates or self._rng.random() >= 0.5:
            return None
        q = self._rng.choice(candidates)
        return follow_ups.lead_in(kind, q.prompt, asked.lang, used, self._rng), q


def _asked(data: Mapping[str, Any]) -> Asked:
    return Asked(**{**data, "key_points": tuple(data["key_points"])})


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, tuple | list) else value


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def challenge_prompt(lang: str, contradiction: Contradiction) -> str:
    """A follow-up that questions what the answer got wrong (without giving the answer away)."""
    probe = follow_ups.challenge(lang, contradiction, ())
    return "" if probe is None else probe.prompt


def _normal(text: str) -> str:
    return "".join(text.split()).casefold()


def _lang_of(text: str) -> str:
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"


def _weighted_sample(
    pool: Sequence[Question],
    count: int,
    memories: Mapping[str, Memory],
    scheduler: Scheduler,
    now: datetime,
    rng: random.Random,
) -> list[Question]:
    """Draw without repeats; weight 1 + 2 x (1 - recall) + 1 if due: weak and due come up more."""
    items = list(pool)
    weights = []
    for q in items:
        memory = memories.get(q.id)
        recall = scheduler.recall(memory, now) if memory else 0.0
        due = 1.0 if memory is not None and memory.due <= now else 0.0
        weights.append(1.0 + 2.0 * (1.0 - recall) + due)
    chosen: list[Question] = []
    while items and len(chosen) < count:
        pick = rng.choices(range(len(items)), weights=weights)[0]
        chosen.append(items.pop(pick))
        weights.pop(pick)
    return chosen


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage of the plan in the report: its score, or why it has none."""

    stage: Stage
    fill: StageFill | None  # None: an interview stored before fills were kept
    score: int | None  # mean of its turns; None when nothing was asked
    turns: int


@dataclass(frozen=True, slots=True)
class Report:
    """The end-of-interview report."""

    plan: str
    overall: int
    stages: tuple[tuple[str, int, int], ...]  # stage, mean score, turns (stages asked)
    turns: tuple[Turn, ...]
    weakest: tuple[str, ...]  # the three weakest topics (sections or stages)
    review_next: tuple[str, ...]  # question ids to review next
    title: str = ""
    title_en: str | None = None
    every_stage: tuple[StageResult, ...] = ()  # every stage of the plan, asked or not


def build_report(interview: MockInterview, sections: Mapping[str, tuple[str, ...]]) -> Report:
    """Scores per stage and overall, the weakest topics and what to review next."""
    turns = tuple(interview.turns)
    by_stage: dict[str, list[int]] = defaultdict(list)
    by_topic: dict[str, list[int]] = defaultdict(list)
    for turn in turns:
        by_stage[turn.asked.stage].append(turn.grade.score)
        if turn.asked.question_id:
            topic = " / ".join(sections.get(turn.asked.question_id, ())) or turn.asked.stage
            by_topic[topic].append(turn.grade.score)
    stages = tuple((name, round(sum(s) / len(s)), len(s)) for name, s in by_stage.items())
    main = [t.grade.score for t in turns if t.asked.follow_up_of is None]
    overall = round(sum(main) / len(main)) if main else 0
    weakest = tuple(
        topic for topic, _ in sorted(by_topic.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))
    )[:3]
    review = tuple(
        dict.fromkeys(
            t.asked.question_id
            for t in sorted(turns, key=lambda t: t.grade.score)
            if t.asked.question_id and t.grade.score < GOOD_SCORE
        )
    )
    fills = {f.stage: f for f in interview.fills}
    every = []
    for index, stage in enumerate(interview.plan.stages):
        scores = by_stage.get(stage.name, [])
        every.append(
            StageResult(
                stage,
                fills.get(index),
                round(sum(scores) / len(scores)) if scores else None,
                len(scores),
            )
        )
    plan = interview.plan
    return Report(
        plan.name, overall, stages, turns, weakest, review, plan.title, plan.title_en, tuple(every)
    )
