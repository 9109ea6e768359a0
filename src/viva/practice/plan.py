"""Interview plans: the stages of a panel, their names in both languages, the length estimate,
and how each stage is filled from the student's banks (or another bank, or not at all).

Pure domain code: plans are read from YAML; filling counts questions, it draws nothing (the
interview draws, see `viva.practice.interview`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from viva.bank.models import Question
from viva.errors import NotFoundError, VivaError

BUILTIN_BANK = "builtin"  # the name the service gives the bank shipped with Viva


MAX_PLAN_NAME = 200  # interviews are saved under their plan's name


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
    name_en: str | None = None  # the name an English interface shows

    def label(self, lang: str) -> str:
        """The stage's name in the interface language."""
        return (self.name_en or self.name) if lang == "en" else self.name

    @property
    def follow_up_seconds(self) -> int:
        """The time a follow-up about a missed point gets: half the question's."""
        return self.seconds // 2 or 30


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    """The ordered stages of a panel."""

    name: str
    title: str
    stages: tuple[Stage, ...]
    title_en: str | None = None

    def heading(self, lang: str) -> str:
        """The plan's title in the interface language."""
        return (self.title_en or self.title) if lang == "en" else self.title


def plan_minutes(plan: InterviewPlan) -> tuple[int, int]:
    """How long the panel takes, in minutes: (every answer, every answer and every follow-up).

    The one estimate every page and command shows; follow-ups depend on the answers, so the
    honest figure is a range.
    """
    low = sum(s.count * s.seconds for s in plan.stages)
    high = sum(s.count * (s.seconds + s.follow_ups * s.follow_up_seconds) for s in plan.stages)
    return max(1, round(low / 60)), max(1, round(high / 60))


def length_label(plan: InterviewPlan, lang: str) -> str:
    """The estimate as a phrase: "约 17–27 分钟" / "about 17–27 min"."""
    low, high = plan_minutes(plan)
    span = f"{low}" if low == high else f"{low}–{high}"
    return f"about {span} min" if lang == "en" else f"约 {span} 分钟"


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
    for key in ("title", "title_en"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"{source}:1: `{key}` must be text (not {data[key]!r})")
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
    name = str(data.get("name") or Path(source).stem)
    if len(name) > MAX_PLAN_NAME:
        problems.append(
            f"{source}:1: the plan's name is {len(name)} characters long (at most {MAX_PLAN_NAME})"
        )
    if problems:
        raise PlanError("\n".join(problems), hint="fix these lines of the plan and run again")
    return InterviewPlan(
        name=name,
        title=str(data.get("title") or name),
        stages=tuple(stages),
        title_en=data.get("title_en") or None,
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
    name_en = raw.get("name_en")
    if name_en is not None and (not isinstance(name_en, str) or not name_en.strip()):
        errors.append(f"`name_en` must be text (not {name_en!r})")
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
            name_en=str(name_en).strip() if name_en else None,
        ),
        [],
    )


# --- filling the stages ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StageFill:
    """Where one stage's questions come from: the chosen banks, other banks, or nowhere."""

    stage: int  # index into the plan's stages
    wanted: int
    own: int  # drawn from the banks the student chose
    borrowed: int  # drawn from other banks (the built-in bank, the student's other banks)
    lenders: tuple[str, ...] = ()  # the other banks it drew from, in order of preference

    @property
    def drawn(self) -> int:
        """Questions the stage will ask."""
        return self.own + self.borrowed

    @property
    def is_empty(self) -> bool:
        """True when no bank has a question for this stage: it is skipped (and said so)."""
        return self.drawn == 0


def matches(stage: Stage, question: Question) -> bool:
    """Whether a question belongs to one of the stage's sections (any level of its path)."""
    wanted = {s.casefold() for s in stage.sections}
    return bool(wanted & {p.casefold() for p in question.section})


def is_askable(question: Question) -> bool:
    """A question with an answer to grade against: not none, and not only a link or embed
    ("[[#Transformer]]", "![[LLM-Survey#主流架构]]" of a note not imported)."""
    if not question.has_reference or question.reference is None:
        return False
    text = question.reference
    for link in question.links:
        text = text.replace(link.raw, "")
    return bool(text.strip())


def stage_pools(
    stage: Stage, own: Sequence[Question], extra: Sequence[Question], used: set[str]
) -> tuple[list[Question], list[Question]]:
    """The gradable questions the stage may draw: first from the chosen banks, then from the
    others (in their order: the student's other banks before the built-in one)."""
    first = [q for q in own if is_askable(q) and q.id not in used and matches(stage, q)]
    taken = {q.id for q in first}
    second = [
        q
        for q in extra
        if is_askable(q) and q.id not in used and q.id not in taken and matches(stage, q)
    ]
    return first, second


def plan_fills(
    plan: InterviewPlan, own: Sequence[Question], extra: Sequence[Question]
) -> tuple[StageFill, ...]:
    """How each stage will be filled (counted, not drawn: the start page shows it in advance)."""
    used: set[str] = set()
    fills = []
    for index, stage in enumerate(plan.stages):
        first, second = stage_pools(stage, own, extra, used)
        mine = first[: stage.count]
        lent = second[: stage.count - len(mine)]
        used.update(q.id for q in (*mine, *lent))
        fills.append(fill_of(index, stage, mine, lent))
    return tuple(fills)


def fill_of(
    index: int, stage: Stage, own: Sequence[Question], lent: Sequence[Question]
) -> StageFill:
    """The fill of a stage that drew `own` and `lent`."""
    lenders = tuple(dict.fromkeys(q.bank for q in lent))
    return StageFill(index, stage.count, len(own), len(lent), lenders)


def _bank_phrase(banks: Iterable[str], lang: str) -> str:
    """ "内置题库" / "the built-in bank", "题库 ml" / "the bank ml", joined."""
    if lang == "en":
        names = ["the built-in bank" if b == BUILTIN_BANK else f"the bank {b}" for b in banks]
    else:
        names = ["内置题库" if b == BUILTIN_BANK else f"题库 {b} " for b in banks]
    return _join(names, lang).strip()


def _join(names: Sequence[str], lang: str) -> str:
    if len(names) == 1:
        return names[0]
    if lang == "en":
        return ", ".join(names[:-1]) + " and " + names[-1]
    return "、".join(names[:-1]) + "与" + names[-1]


def fill_notes(plan: InterviewPlan, fills: Sequence[StageFill], lang: str) -> list[str]:
    """What the student is told before the start: stages drawn (wholly or partly) from another
    bank, and stages no bank can fill. Empty when the chosen banks fill every stage."""
    notes: list[str] = []
    whole: dict[tuple[str, ...], list[str]] = {}
    for fill in fills:
        stage = plan.stages[fill.stage]
        if fill.own == 0 and fill.borrowed:
            whole.setdefault(fill.lenders, []).append(stage.label(lang))
    for lenders, names in whole.items():
        source = _bank_phrase(lenders, lang)
        if lang == "en":
            notes.append(f"{_join(names, lang)}: questions from {source}.")
        else:
            notes.append(f"{_join(names, lang)}来自{source}。")
    for fill in fills:
        stage = plan.stages[fill.stage]
        label = stage.label(lang)
        if fill.own and fill.borrowed:
            source = _bank_phrase(fill.lenders, lang)
            notes.append(
                f"{label}: {fill.borrowed} of {fill.drawn} questions from {source}."
                if lang == "en"
                else f"{label}的 {fill.drawn} 道题中有 {fill.borrowed} 道来自{source}。"
            )
        if fill.is_empty:
            notes.append(
                f"{label}: no bank has a question for it, so this stage is skipped."
                if lang == "en"
                else f"{label}：没有题库能提供这一环节的题目，本次跳过。"
            )
        elif 0 < fill.drawn < fill.wanted:
            notes.append(
                f"{label}: only {fill.drawn} of {fill.wanted} questions are available."
                if lang == "en"
                else f"{label}：只有 {fill.drawn} 道题可用（计划 {fill.wanted} 道）。"
            )
    return notes
