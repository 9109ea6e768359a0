"""JSON shapes shared by `--json` output and the web API (documented in the README; stable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `--json` output must not load fsrs or the grader
    from viva.bank.models import Link, NoteProblem, Question
    from viva.grading.models import Grade
    from viva.practice.interview import Report
    from viva.practice.planner import Plan
    from viva.practice.stats import Stats


def question_json(question: Question) -> dict[str, Any]:
    """A question as JSON: every field a script needs, nothing internal."""
    return {
        "id": question.id,
        "bank": question.bank,
        "section": list(question.section),
        "number": question.number,
        "prompt": question.prompt,
        "reference": question.reference,
        "key_points": [k.text for k in question.key_points],
        "tags": list(question.tags),
        "source": {"file": question.source.file, "line": question.source.line},
        "links": [link_json(link) for link in question.links],
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
    }


def grade_json(grade: Grade) -> dict[str, Any]:
    """A grade as JSON: score 0-100, grade 0-5, rating, key points with evidence offsets."""
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
            }
            for k in grade.key_points
        ],
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
    """A mock-interview report as JSON (also the form it is saved in)."""
    return {
        "plan": report.plan,
        "overall": report.overall,
        "stages": [{"stage": s, "score": score, "questions": n} for s, score, n in report.stages],
        "weakest": list(report.weakest),
        "review_next": list(report.review_next),
        "turns": [
            {
                "stage": t.asked.stage,
                "question": t.asked.prompt,
                "question_id": t.asked.question_id,
                "follow_up_of": t.asked.follow_up_of,
                "answer": t.answer,
                "seconds_allowed": t.asked.seconds,
                "seconds_used": round(t.seconds_used, 1),
                "score": t.grade.score,
                "covered": [k.text for k in t.grade.covered],
                "missed": [k.text for k in t.grade.missed],
                "flags": [f.value for f in t.grade.flags],
            }
            for t in report.turns
        ],
    }


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
