"""The mock interview: a plan of stages, the questions drawn for them, follow-ups, the report.

Pure domain code: the interview is a state machine fed with graded answers; the service grades,
the CLI (or web page) asks and times. Questions are drawn without repeats, weighted toward weak
and due material, with a seeded random generator so an interview can be replayed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from viva.bank.models import LinkRole, Question
from viva.errors import NotFoundError, VivaError
from viva.grading.models import Contradiction, Coverage, Flag, Grade, KeyPointResult
from viva.practice.scheduler import Memory, Scheduler

GOOD_SCORE = 70


class PlanError(VivaError):
    """An interview plan file is not valid."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One part of the panel: where its questions come from and how long each answer gets."""

    name: str
    sections: tuple[str, ...]
    count: int
    seconds: int
    follow_ups: int = 1
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    """The ordered stages of a panel."""

    name: str
    title: str
    stages: tuple[Stage, ...]


def builtin_plans() -> dict[str, Path]:
    """The plans shipped with Viva, by name."""
    folder = Path(str(resources.files("viva.practice").joinpath("plans")))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_plan(name_or_path: str) -> InterviewPlan:
    """A built-in plan by name, or a YAML file by path."""
    plans = builtin_plans()
    path = plans.get(name_or_path) or Path(name_or_path)
    if not path.is_file():
        raise NotFoundError(
            f"no interview plan called {name_or_path!r}",
            hint=f"built-in plans: {', '.join(plans)}; or give the path of a YAML plan",
        )
    return parse_plan(path.read_text(encoding="utf-8"), str(path))


def parse_plan(text: str, source: str) -> InterviewPlan:
    """Read a plan, reporting every problem with its file and line at once."""
    import yaml

    try:
        nodes = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise PlanError(
            f"{source}:{line}: not valid YAML ({getattr(err, 'problem', err)})"
        ) from None
    problems: list[str] = []
    lines = _stage_lines(nodes)
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list) or not data["stages"]:
        raise PlanError(
            f"{source}:1: a plan needs a list of stages",
            hint="see the built-in plans: viva interview --plan kaoyan-cs",
        )
    stages = []
    for index, raw in enumerate(data["stages"]):
        where = f"{source}:{lines[index] if index < len(lines) else 1}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: stage {index + 1} must be a mapping")
            continue
        stage, errors = _stage(raw, index)
        problems.extend(f"{where}: {e}" for e in errors)
        if stage is not None:
            stages.append(stage)
    if problems:
        raise PlanError("\n".join(problems), hint="fix these lines of the plan and run again")
    return InterviewPlan(
        name=str(data.get("name") or Path(source).stem),
        title=str(data.get("title") or data.get("name") or Path(source).stem),
        stages=tuple(stages),
    )


def _stage_lines(node: Any) -> list[int]:
    try:
        for key, value in node.value:
            if key.value == "stages":
                return [item.start_mark.line + 1 for item in value.value]
    except (AttributeError, TypeError):
        pass
    return []


def _stage(raw: dict[str, Any], index: int) -> tuple[Stage | None, list[str]]:
    errors = []
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"stage {index + 1} needs a name")
    sections = raw.get("sections", [])
    if isinstance(sections, str):
        sections = [sections]
    if not isinstance(sections, list) or not sections:
        errors.append("`sections` must list at least one section name")
    numbers = {}
    for key, default, low in (("count", 1, 1), ("seconds", 120, 10), ("follow_ups", 1, 0)):
        value = raw.get(key, default)
        if not isinstance(value, int) or value < low:
            errors.append(f"`{key}` must be a whole number >= {low} (not {value!r})")
        numbers[key] = value
    lang = raw.get("lang")
    if lang not in (None, "zh", "en"):
        errors.append(f"`lang` must be zh or en (not {lang!r})")
    if errors:
        return None, errors
    return (
        Stage(
            name=str(name),
            sections=tuple(str(s) for s in sections),
            count=int(numbers["count"]),
            seconds=int(numbers["seconds"]),
            follow_ups=int(numbers["follow_ups"]),
            lang=lang,
        ),
        [],
    )


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


@dataclass(frozen=True, slots=True)
class Turn:
    """A question asked and what came of it."""

    asked: Asked
    answer: str
    seconds_used: float
    grade: Grade


@dataclass
class MockInterview:
    """A running interview: `next()`, then `answer()` with its grade, until `next()` is None."""

    plan: InterviewPlan
    queue: list[tuple[Stage, Question]]
    turns: list[Turn] = field(default_factory=list)
    _pending: Asked | None = None
    _follow_ups: list[Asked] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random)
    _by_id: dict[str, Question] = field(default_factory=dict)
    _stage_of: Stage | None = None

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
    ) -> MockInterview:
        """Draw each stage's questions (no repeats; weak and due ones more likely)."""
        rng = random.Random(seed)
        gradable = [q for q in questions if q.has_reference]
        used: set[str] = set()
        queue: list[tuple[Stage, Question]] = []
        for stage in plan.stages:
            wanted = {s.casefold() for s in stage.sections}
            pool = [
                q
                for q in gradable
                if q.id not in used and wanted & {p.casefold() for p in q.section}
            ]
            for q in _weighted_sample(pool, stage.count, memories, scheduler, now, rng):
                used.add(q.id)
                queue.append((stage, q))
        if not queue:
            raise VivaError(
                "no question of the banks matches any stage of this plan",
                hint="import notes with matching sections, or use --bank builtin",
            )
        return cls(plan=plan, queue=queue, _rng=rng, _by_id={q.id: q for q in gradable})

    def snapshot(self, encode: Callable[[Grade], dict[str, Any]]) -> dict[str, Any]:
        """The whole state as JSON values, so an interview can go on in another request."""
        stages = list(self.plan.stages)
        return {
            "plan": {
                "name": self.plan.name,
                "title": self.plan.title,
                "stages": [asdict(s) for s in stages],
            },
            "queue": [[stages.index(stage), q.id] for stage, q in self.queue],
            "turns": [
                {
                    "asked": asdict(t.asked),
                    "answer": t.answer,
                    "seconds_used": t.seconds_used,
                    "grade": encode(t.grade),
                }
                for t in self.turns
            ],
            "pending": None if self._pending is None else asdict(self._pending),
            "follow_ups": [asdict(a) for a in self._follow_ups],
            "rng": _jsonable(self._rng.getstate()),
            "stage_of": None if self._stage_of is None else stages.index(self._stage_of),
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
        plan = InterviewPlan(raw_plan["name"], raw_plan["title"], stages)
        by_id = {q.id: q for q in questions if q.has_reference}
        rng = random.Random()
        rng.setstate(_tupled(state["rng"]))
        stage_of = state["stage_of"]
        return cls(
            plan=plan,
            queue=[(stages[i], by_id[qid]) for i, qid in state["queue"] if qid in by_id],
            turns=[
                Turn(_asked(t["asked"]), t["answer"], float(t["seconds_used"]), decode(t["grade"]))
                for t in state["turns"]
            ],
            _pending=None if state["pending"] is None else _asked(state["pending"]),
            _follow_ups=[_asked(a) for a in state["follow_ups"]],
            _rng=rng,
            _by_id=by_id,
            _stage_of=None if stage_of is None else stages[stage_of],
        )

    @property
    def asked_count(self) -> int:
        """Questions answered so far (follow-ups included)."""
        return len(self.turns)

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
            )
            self._stage_of = stage
        return self._pending

    def answer(self, text: str, seconds_used: float, grade: Grade) -> Turn:
        """Record the answer to the pending question; plan follow-ups it calls for."""
        asked = self._pending
        if asked is None:
            raise VivaError("no question is waiting for an answer")
        self._pending = None
        turn = Turn(asked, text, seconds_used, grade)
        self.turns.append(turn)
        if asked.follow_up_of is None:
            self._follow_ups = self._plan_follow_ups(len(self.turns) - 1, turn)
        return turn

    def _plan_follow_ups(self, index: int, turn: Turn) -> list[Asked]:
        stage = self._stage_of
        if stage is None or stage.follow_ups == 0 or Flag.NO_ANSWER in turn.grade.flags:
            return []  # a student who said nothing is not chased: the panel moves on
        asked, grade = turn.asked, turn.grade
        out: list[Asked] = []
        points = list(grade.key_points)
        if not points and grade.score < GOOD_SCORE and asked.reference:
            # no marked points: the whole (short) reference is the point to chase
            reference = asked.reference.strip()
            points = [
                KeyPointResult(reference, Coverage.MISSED, grade.similarity, context=reference)
            ]
        # what the answer got wrong first, then what it missed, then what it said only in part
        order = (Coverage.CONTRADICTED, Coverage.MISSED, Coverage.PARTLY)
        missed = sorted(
            (k for k in points if k.coverage in order),
            key=lambda k: (order.index(k.coverage), k.confidence),
        )
        covered = [k for k in points if k.coverage is Coverage.COVERED]
        for point in missed[: stage.follow_ups]:
            if point.contradiction is not None:
                prompt = challenge_prompt(asked.lang, point.contradiction)
            else:
                prompt = follow_up_prompt(
                    asked.lang, point.text, covered[0].text if covered else None, self._rng
                )
            if _normal(prompt) == _normal(asked.prompt):
                continue
            out.append(
                Asked(
                    stage.name,
                    prompt,
                    point.context or point.text,
                    (point.text,),
                    stage.seconds // 2 or 30,
                    asked.question_id,
                    index,
                    asked.lang,
                )
            )
        if not out and grade.score >= GOOD_SCORE and asked.question_id:
            # a good answer: sometimes follow the thread the note links to, or else go one
            # level deeper in the same section
            source = self._by_id.get(asked.question_id)
            asked_ids = {t.asked.question_id for t in self.turns}
            queued = {q.id for _, q in self.queue}
            linked = [
                self._by_id[link.question_id]
                for link in (source.links if source else ())
                if link.role is LinkRole.FOLLOW_UP and link.question_id in self._by_id
            ]
            same_section = [
                q
                for q in self._by_id.values()
                if source is not None and q.section == source.section and q.id != source.id
            ]
            candidates = [q for q in (linked or same_section) if q.id not in asked_ids | queued]
            if candidates and self._rng.random() < 0.5:
                q = self._rng.choice(candidates)
                out.append(
                    Asked(
                        stage.name,
                        q.prompt,
                        q.reference or "",
                        tuple(k.text for k in q.key_points),
                        stage.seconds,
                        q.id,
                        index,
                        asked.lang,
                    )
                )
        return out[: stage.follow_ups]


def _asked(data: Mapping[str, Any]) -> Asked:
    return Asked(**{**data, "key_points": tuple(data["key_points"])})


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, tuple | list) else value


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


_TEMPLATES_ZH = (
    "你刚才提到了“{covered}”，那“{missed}”具体是怎么回事？",
    "你说到了“{covered}”。能再展开讲讲“{missed}”吗？",
    "好的。那关于“{missed}”，你是怎么理解的？",
)
_TEMPLATES_ZH_NONE = (
    "我们换个角度：关于“{missed}”，你能具体说说吗？",
    "那你能解释一下“{missed}”吗？",
)
_TEMPLATES_EN = (
    "You mentioned “{covered}” — how does “{missed}” fit in?",
    "Good. Could you say more about “{missed}”?",
    "And what about “{missed}”? How would you explain it?",
)
_TEMPLATES_EN_NONE = (
    "Let me ask it differently: what can you tell me about “{missed}”?",
    "Could you explain “{missed}”?",
)


# a contradicted point is challenged, not corrected: the student gets a chance to fix it
_CHALLENGE_ZH = {
    "term": "你刚才说的是“{said}”，确定吗？再想想这里应该是什么。",
    "number": "你刚才说是“{said}”，再算一下，这个数对吗？",
    "negation": "你刚才说“{said}”，再想想，真的是这样吗？",
    "verdict": "你的判断是“{said}”，再想想，理由站得住吗？",
}
_CHALLENGE_EN = {
    "term": "You said “{said}” — are you sure? Think again about what belongs there.",
    "number": "You said “{said}” — could you check that number again?",
    "negation": "You said “{said}” — are you sure that holds?",
    "verdict": "Your verdict was “{said}” — are you sure? Walk me through why.",
}


def challenge_prompt(lang: str, contradiction: Contradiction) -> str:
    """A follow-up that questions what the answer got wrong (without giving the answer away)."""
    pool = _CHALLENGE_EN if lang == "en" else _CHALLENGE_ZH
    template = pool.get(contradiction.kind, pool["negation"])
    return template.format(said=_clip(contradiction.said))


def follow_up_prompt(lang: str, missed: str, covered: str | None, rng: random.Random) -> str:
    """A follow-up in the panel's voice about a missed point (varied templates)."""
    missed = _clip(missed)
    if lang == "en":
        pool = _TEMPLATES_EN if covered else _TEMPLATES_EN_NONE
    else:
        pool = _TEMPLATES_ZH if covered else _TEMPLATES_ZH_NONE
    return rng.choice(pool).format(missed=missed, covered=_clip(covered or ""))


def _clip(text: str, limit: int = 30) -> str:
    text = text.strip().rstrip("。.；;，,")
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
class Report:
    """The end-of-interview report."""

    plan: str
    overall: int
    stages: tuple[tuple[str, int, int], ...]  # stage, mean score, turns
    turns: tuple[Turn, ...]
    weakest: tuple[str, ...]  # the three weakest topics (sections or stages)
    review_next: tuple[str, ...]  # question ids to review next


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
    return Report(interview.plan.name, overall, stages, turns, weakest, review)
