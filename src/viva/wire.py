"""JSON shapes shared by `--json` output and the web API (documented in the README; stable)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `--json` output must not load fsrs or the grader
    from viva.bank.models import Link, NoteProblem, Question
    from viva.grading.compare import Piece
    from viva.grading.models import Contradiction, Grade, KeyPointResult
    from viva.practice.interview import Asked, InterviewPlan, Report, StageResult
    from viva.practice.plan import StageFill
    from viva.practice.planner import Plan
    from viva.practice.stats import Stats
    from viva.speech.models import Delivery, Transcript
    from viva.store.recordings import SavedRecording


def _question_heading(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "bank": question.bank,
        "section": list(question.section),
        "number": question.number,
        "prompt": question.prompt,
    }


def question_summary_json(question: Question) -> dict[str, Any]:
    """A question in a list (the web API's lists): what a row shows."""
    return {**_question_heading(question), "has_reference": question.has_reference}


def question_json(question: Question) -> dict[str, Any]:
    """A question as JSON: every field a script needs, nothing internal."""
    return {
        **_question_heading(question),
        "reference": question.reference,
        "key_points": [k.text for k in question.key_points],
        "tags": list(question.tags),
        "source": {"file": question.source.file, "line": question.source.line},
        "links": [link_json(link) for link in question.links],
        "edited": list(question.edited),  # the fields the student changed in Viva
    }


def link_json(link: Link) -> dict[str, Any]:
    """A link as JSON; `resolved` is false when its target is not in the vault."""
    return {
        "raw": link.raw,
        "target": link.target,
        "kind": link.kind.value,
        "role": link.role.value,
        "embed": link.is_embed,
        "resolved": link.is_resolved,
        "line": link.line,
        "note": link.note,
        "section": list(link.section),
        "question_id": link.question_id,
    }


def problem_json(problem: NoteProblem) -> dict[str, Any]:
    """An import problem with its place."""
    return {
        "file": problem.file,
        "line": problem.line,
        "message": problem.message,
        "severity": problem.severity.value,
        "kind": problem.category,
    }


def grade_json(grade: Grade) -> dict[str, Any]:
    """A grade as JSON: score 0-100, grade 0-5, rating, key points with evidence offsets and,
    for a contradicted point, what the answer said instead of the reference's statement."""
    return {
        "score": grade.score,
        "grade": grade.grade,
        "rating": grade.rating.name.lower(),
        "similarity": grade.similarity,
        "language": grade.language,
        "flags": [f.value for f in grade.flags],
        "feedback": list(grade.feedback),
        "key_points": [
            {
                "text": k.text,
                "coverage": k.coverage.value,
                "confidence": k.confidence,
                "evidence": None if k.evidence is None else [k.evidence.start, k.evidence.end],
                "keywords": list(k.keywords),
                "reference": k.context,
                "contradiction": _contradiction_json(k.contradiction),
            }
            for k in grade.key_points
        ],
    }


def _contradiction_json(found: Contradiction | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "said": found.said,
        "expected": found.expected,
        "span": [found.span.start, found.span.end],
        "kind": found.kind,
    }


def _contradicted_json(point: KeyPointResult) -> dict[str, Any]:
    """A contradicted point in a report: the point, what was said and what is right instead."""
    found = point.contradiction
    return {
        "text": point.text,
        "said": found.said if found else "",
        "expected": found.expected if found else point.context,
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan to the interview date as JSON."""
    return {
        "exam_date": plan.exam_day.isoformat(),
        "days_left": plan.days_left,
        "questions": plan.questions,
        "studied": plan.studied,
        "new_per_day": plan.new_per_day,
        "reviews_per_day": round(plan.reviews_per_day, 1),
        "recall_if_stopped": round(plan.recall_if_stopped, 3),
        "recall_with_plan": round(plan.recall_with_plan, 3),
        "sections": [
            {
                "section": list(s.section),
                "questions": s.questions,
                "studied": s.studied,
                "recall_if_stopped": round(s.recall_if_stopped, 3),
                "recall_with_plan": round(s.recall_with_plan, 3),
            }
            for s in plan.sections
        ],
        "daily_load": [{"date": d.isoformat(), "reviews": n} for d, n in plan.daily_load],
    }


def report_json(report: Report) -> dict[str, Any]:
    """A mock-interview report as JSON (also the form it is saved in).

    `stages` lists the stages asked (score and number of turns); `plan_stages` every stage of
    the plan, with where its questions came from (a stage no bank could fill has no score).
    Each turn keeps the model answer (`reference`, plain text) and its whole `grade`, so the
    answer and the model answer can be shown side by side with the points marked in both.
    """
    from viva.grading.text import to_plain

    return {
        "plan": report.plan,
        "title": report.title or report.plan,
        "title_en": report.title_en or report.title or report.plan,
        "overall": report.overall,
        "stages": [{"stage": s, "score": score, "questions": n} for s, score, n in report.stages],
        "plan_stages": [_stage_result_json(r) for r in report.every_stage],
        "weakest": list(report.weakest),
        "review_next": list(report.review_next),
        "turns": [
            {
                "stage": t.asked.stage,
                "question": t.asked.prompt,
                "question_id": t.asked.question_id,
                "follow_up_of": t.asked.follow_up_of,
                "number": t.asked.number,
                "follow_up": t.asked.follow_up,
                "kind": t.asked.kind,
                "answer": t.answer,
                "reference": to_plain(t.asked.reference),
                "seconds_allowed": t.asked.seconds,
                "seconds_used": round(t.seconds_used, 1),
                "timed_out": t.timed_out,
                "score": t.grade.score,
                "covered": [k.text for k in t.grade.covered],
                "partly": [k.text for k in t.grade.partly],
                "missed": [k.text for k in t.grade.missed],
                "contradicted": [_contradicted_json(k) for k in t.grade.contradicted],
                "flags": [f.value for f in t.grade.flags],
                "grade": grade_json(t.grade),
            }
            for t in report.turns
        ],
    }


def _stage_result_json(result: StageResult) -> dict[str, Any]:
    fill = result.fill
    return {
        "stage": result.stage.name,
        "name_en": result.stage.name_en or result.stage.name,
        "score": result.score,
        "questions": result.turns,
        "wanted": result.stage.count,
        "drawn": None if fill is None else fill.drawn,
        "borrowed": None if fill is None else fill.borrowed,
        "lenders": [] if fill is None else list(fill.lenders),
    }


def fill_json(plan: InterviewPlan, fill: StageFill) -> dict[str, Any]:
    """How one stage of a plan is filled: from the chosen banks, borrowed, or not at all."""
    stage = plan.stages[fill.stage]
    return {
        "stage": stage.name,
        "name_en": stage.name_en or stage.name,
        "wanted": fill.wanted,
        "own": fill.own,
        "borrowed": fill.borrowed,
        "lenders": list(fill.lenders),
        "empty": fill.is_empty,
    }


def marked_texts(
    answer: str, reference: str, grade: Grade
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The answer and the model answer cut into segments, each marked with the state of the
    key point it belongs to ("covered", "partly", "contradicted", "missed") or None: the
    pieces of `viva.grading.compare`, as JSON (the interview report and its Markdown export;
    the drill page renders the same comparison). Segments join back to exactly the texts."""
    from viva.grading.compare import compare

    found = compare(answer, reference, grade)
    return _segments(found.answer), _segments(found.reference)


def _segments(pieces: Sequence[Piece]) -> list[dict[str, Any]]:
    return [
        {"text": piece.text, "mark": None if piece.state is None else piece.state.value}
        for piece in pieces
    ]


def stats_json(stats: Stats) -> dict[str, Any]:
    """Progress statistics as JSON."""
    return {
        "reviews_per_day": [
            {"date": d.isoformat(), "reviews": n} for d, n in stats.reviews_per_day
        ],
        "retention_achieved": stats.retention_achieved,
        "retention_desired": stats.retention_desired,
        "mastery": [
            {"section": list(s), "questions": n, "studied": k, "recall": round(r, 3)}
            for s, n, k, r in stats.mastery
        ],
        "interviews": [{"at": t.isoformat(), "overall": o} for t, o in stats.interview_trend],
    }


def grade_from_json(data: dict[str, Any]) -> Grade:
    """The inverse of `grade_json` (a saved interview in progress is resumed from it).

    Grades saved before contradictions were detected have no `contradiction` key: read as None.
    """
    from viva.grading.models import (
        Contradiction,
        Coverage,
        Flag,
        Grade,
        KeyPointResult,
        Rating,
        Span,
    )

    def contradiction(data: dict[str, Any] | None) -> Contradiction | None:
        if data is None:
            return None
        return Contradiction(
            said=str(data["said"]),
            expected=str(data["expected"]),
            span=Span(*data["span"]),
            kind=str(data["kind"]),
        )

    return Grade(
        score=int(data["score"]),
        grade=int(data["grade"]),
        rating=Rating[str(data["rating"]).upper()],
        similarity=float(data["similarity"]),
        language=str(data["language"]),
        flags=tuple(Flag(f) for f in data["flags"]),
        feedback=tuple(str(f) for f in data["feedback"]),
        key_points=tuple(
            KeyPointResult(
                text=str(k["text"]),
                coverage=Coverage(k["coverage"]),
                confidence=float(k["confidence"]),
                evidence=None if k["evidence"] is None else Span(*k["evidence"]),
                keywords=tuple(k["keywords"]),
                context=str(k["reference"]),
                contradiction=contradiction(k.get("contradiction")),
            )
            for k in data["key_points"]
        ),
    )


def plan_info_json(plan: InterviewPlan) -> dict[str, Any]:
    """An interview plan: its title and stages in both languages and its length (minutes: the
    range from every answer to every answer and follow-up, see `plan_minutes`)."""
    from viva.practice.plan import plan_minutes

    low, high = plan_minutes(plan)
    return {
        "name": plan.name,
        "title": plan.title,
        "title_en": plan.title_en or plan.title,
        "minutes": [low, high],
        "stages": [
            {
                "name": s.name,
                "name_en": s.name_en or s.name,
                "sections": list(s.sections),
                "count": s.count,
                "seconds": s.seconds,
                "follow_ups": s.follow_ups,
                "lang": s.lang,
            }
            for s in plan.stages
        ],
    }


def asked_json(asked: Asked) -> dict[str, Any]:
    """A question put in a mock interview (the reference stays on the server)."""
    return {
        "stage": asked.stage,
        "prompt": asked.prompt,
        "seconds": asked.seconds,
        "question_id": asked.question_id,
        "follow_up": asked.follow_up_of is not None,
        "number": asked.number,  # the question's number (a follow-up: its question's)
        "follow_up_number": asked.follow_up,  # 1, 2 … for follow-ups; 0 for a question
        "kind": asked.kind,
        "lang": asked.lang,
    }


def transcript_json(transcript: Transcript) -> dict[str, Any]:
    """A transcript: text (the question's terms put back where the recogniser misheard them),
    what was recognised, the corrections, language, duration and segments with word timings
    (seconds, in the recogniser's spelling)."""
    return {
        "text": transcript.text,
        "raw_text": transcript.raw_text,  # as recognised, before the terms were put back
        "corrections": [
            {"heard": c.heard, "term": c.term, "start": c.start} for c in transcript.corrections
        ],
        "language": transcript.language,
        "duration": round(transcript.duration, 2),
        "segments": [
            {
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "words": [[w.text, w.start, w.end] for w in s.words],
            }
            for s in transcript.segments
        ],
    }


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    """Delivery figures: rate per minute, long pauses, fillers with positions, overtime."""
    return {
        "duration": round(delivery.duration, 2),
        "speaking_seconds": round(delivery.speaking_seconds, 2),
        "rate": round(delivery.rate, 1),
        "rate_unit": delivery.unit.value,  # "chars" (Chinese) or "words" (English) per minute
        "units": delivery.units,
        "pause_threshold": delivery.pause_threshold,
        "pauses": [
            {"start": round(p.start, 2), "end": round(p.end, 2), "seconds": round(p.seconds, 2)}
            for p in delivery.pauses
        ],
        "longest_pause": round(delivery.longest_pause, 2),
        "fillers": [
            {"text": f.text, "start": round(f.start, 2), "offset": f.offset}
            for f in delivery.fillers
        ],
        "filler_counts": delivery.filler_counts(),
        "text": delivery.text,
        "time_limit": delivery.time_limit,
        "over_limit": round(delivery.over_limit, 2),
    }


def recording_json(recording: SavedRecording) -> dict[str, Any]:
    """A stored recording (its path is relative to the recordings dir)."""
    return {
        "id": recording.id,
        "created_at": recording.created_at.isoformat(),
        "question_id": recording.question_id,
        "kind": recording.kind,
        "path": recording.path,
        "duration": round(recording.duration, 2),
        "language": recording.language,
        "transcript": recording.transcript,
        "delivery": recording.delivery,
    }
