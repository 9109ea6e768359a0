"""Follow-ups a panel would ask (issue 14): one test per rule, over the seed note and the
built-in bank as well as hand-made points."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from tests.conftest import SEED
from tests.fakes import fake_models
from viva.grading.models import Contradiction, Coverage, Flag, Grade, KeyPointResult, Rating, Span
from viva.practice import follow_ups
from viva.practice.follow_ups import (
    clip_words,
    has_markup,
    is_personal,
    probe_answer,
    probe_point,
    quote_of,
    templates,
    topic_of,
)
from viva.practice.interview import InterviewPlan, MockInterview, Stage
from viva.service import Viva

QUESTION = "Transformer 模型如何解决长距离依赖问题？"
POSITION = KeyPointResult(
    "位置编码向每个输入元素的表示中添加了关于其位置的信息，确保模型也能考虑到元素的顺序",
    Coverage.MISSED,
    0.1,
    keywords=("位置编码", "输入", "元素", "位置", "信息", "顺序"),
    context="位置编码：位置编码向每个输入元素的表示中添加了关于其位置的信息。",
)


def grade_of(*points: KeyPointResult, flags: tuple[Flag, ...] = ()) -> Grade:
    return Grade(40, 2, Rating.HARD, points, flags, (), "zh", 0.5)


def probe(point: KeyPointResult, answer: str = "", *, seed: int = 0, lang: str = "zh") -> str:
    found = probe_point(
        point,
        question=QUESTION,
        answer=answer,
        grade=grade_of(point),
        lang=lang,
        used=(),
        rng=random.Random(seed),
    )
    assert found is not None
    return found.prompt


def test_a_missed_point_is_asked_by_its_topic_not_recited() -> None:
    prompts = {probe(POSITION, seed=seed) for seed in range(12)}
    assert all("位置编码" in p for p in prompts)  # the topic, named
    for p in prompts:  # ... and nothing of what the point says about it
        assert "输入元素" not in p
        assert "顺序" not in p
    assert len(prompts) >= 4  # and not always in the same words


def test_the_missing_answer_is_never_revealed_when_the_topic_is_the_whole_point() -> None:
    """ "注意力机制的三个主要组成部分是什么？" — "QKV": naming the topic would be the answer."""
    qkv = KeyPointResult("QKV", Coverage.MISSED, 0.1, context="QKV")
    found = probe_point(
        qkv,
        question="注意力机制的三个主要组成部分是什么？",
        answer="不太记得了",
        grade=grade_of(qkv),
        lang="zh",
        used=(),
        rng=random.Random(1),
    )
    assert found is not None
    assert "QKV" not in found.prompt
    assert found.kind == "retry"


def test_a_quote_is_only_ever_the_students_own_words() -> None:
    answer = "Transformer 用自注意力机制直接计算任意两个位置之间的依赖，还可以并行处理。"
    evidence = Span(0, answer.index("，"))
    partly = KeyPointResult(
        "通过自注意力机制直接计算序列中任意两个位置之间的依赖关系",
        Coverage.PARTLY,
        0.5,
        evidence,
        ("自注意力机制", "直接", "计算", "任意", "位置", "依赖"),
    )
    for seed in range(6):
        prompt = probe(partly, answer, seed=seed)
        quoted = re.findall(r"“([^”]*)”", prompt)
        assert quoted
        for text in quoted:
            assert text.rstrip("…") in answer  # never words the student did not say


def test_markup_never_reaches_a_follow_up() -> None:
    """Embeds, links, formulas and HTML in a point are not shown (issue 14: `![[LLM-Survey…]]`)."""
    for text in (
        "![[LLM-Survey#主流架构]]",
        "见 [[#Transformer]] 一节",
        "$\\alpha\\leftarrow(1-g)\\times\\alpha+g\\times F$ 表示拥塞状态的更新",
        "<b>注意力</b> 权重的计算",
    ):
        point = KeyPointResult(text, Coverage.MISSED, 0.1, context=text)
        for seed in range(4):
            found = probe_point(
                point,
                question="DCTCP 的拥塞控制机制是什么？",
                answer="",
                grade=grade_of(point),
                lang="zh",
                used=(),
                rng=random.Random(seed),
            )
            assert found is None or not has_markup(found.prompt), found
    evidence = "用 $\\alpha$ 更新状态"
    assert quote_of(evidence, ("状态",)) is None  # a formula is not quoted (nor cut)


def test_nothing_is_cut_mid_word() -> None:
    text = "自注意力机制直接计算序列中任意两个位置之间的依赖关系"
    clipped = clip_words(text, 12)
    assert clipped.endswith("…")
    kept = clipped.rstrip("…")
    assert text.startswith(kept)
    assert kept.endswith(("机制", "计算", "序列", "直接", "任意"))  # a whole word, not "注意"
    english = "softmax normalises the attention scores of every token"
    kept = clip_words(english, 8).rstrip("…")
    assert english.startswith(kept)
    assert english[len(kept)] == " "  # cut between words


def test_a_point_the_answer_already_covers_is_not_probed() -> None:
    """Issue 14: a follow-up asked to expand on "非可微的" right after it was explained."""
    covered = KeyPointResult("非可微的", Coverage.COVERED, 0.9, Span(0, 4))
    assert (
        probe_point(
            covered,
            question="软注意力和硬注意力有什么区别？",
            answer="硬注意力是非可微的",
            grade=grade_of(covered),
            lang="zh",
            used=(),
            rng=random.Random(0),
        )
        is None
    )
    # graded missed (a paraphrase) but its topic is in the answer: not asked about either
    said = "位置编码给每个输入加上它在序列中的位置"
    found = probe_point(
        POSITION,
        question=QUESTION,
        answer=said,
        grade=grade_of(POSITION),
        lang="zh",
        used=(),
        rng=random.Random(0),
    )
    assert found is None or "位置编码" not in found.prompt


def test_a_contradiction_is_challenged_with_what_was_said_only() -> None:
    wrong = KeyPointResult(
        "用 softmax 得到注意力权重",
        Coverage.CONTRADICTED,
        0.8,
        Span(9, 13),
        contradiction=Contradiction("ReLU", "softmax", Span(9, 13), "term"),
    )
    for lang in ("zh", "en"):
        prompt = probe(wrong, "先做点积，再用 ReLU 归一化。", lang=lang)
        assert "ReLU" in prompt
        assert "softmax" not in prompt
    one = Contradiction("一个", "两个", Span(0, 2), "number")  # a word, not a figure
    assert follow_ups.challenge("zh", one, ()) is None


def test_a_short_wrong_span_is_challenged_with_its_clause() -> None:
    answer = "流量有时序特征，因此不能尝试 LSTM 来预测流量的变化；"
    at = answer.index("不能尝试")
    cut = Contradiction("不能尝试", "可以尝试", Span(at, at + 4), "negation")
    alone = follow_ups.challenge("zh", cut, ())
    told = follow_ups.challenge("zh", cut, (), answer)
    assert alone is not None
    assert "“不能尝试”" in alone.prompt  # what it said, when the answer is not at hand
    assert told is not None
    assert "“不能尝试 LSTM 来预测流量的变化”" in told.prompt


def test_a_quote_keeps_a_list_joined_by_dun_in_its_clause() -> None:
    answer = "我学了计算机组成原理、操作系统，但是考试一道都没考"
    quoted = quote_of(answer, ("操作系统", "组成原理"))
    assert (
        quoted == "我学了计算机组成原理、操作系统"
    )  # the whole clause, not "我学了计算机组成原理"


def test_an_answer_off_the_question_is_brought_back_and_a_personal_one_asked_for_details() -> None:
    hobby = "我平时喜欢打篮球和爬山，周末也常和朋友去看电影，觉得这样能放松心情。"
    found = probe_answer(
        grade_of(flags=(Flag.OFF_TOPIC,)),
        question=QUESTION,
        answer=hobby,
        lang="zh",
        used=(),
        rng=random.Random(0),
    )
    assert found is not None
    assert found.kind == "refocus"
    assert is_personal("你的毕业设计过程中遇到了什么困难？")
    assert not is_personal("你如何理解LLM 的可解释性？")
    story = KeyPointResult("GBDT 和 CNN 构建恶意软件检测器", Coverage.MISSED, 0.1)
    personal = probe_point(
        story,
        question="你的毕业设计过程中遇到了什么困难？",
        answer="主要是数据集难找。",
        grade=grade_of(story),
        lang="zh",
        used=(),
        rng=random.Random(0),
    )
    assert personal is not None
    assert personal.kind == "detail"  # someone else's story is not put in the student's mouth
    assert "GBDT" not in personal.prompt


def test_templates_are_plenty_and_their_ids_unique() -> None:
    for lang in ("zh", "en"):
        pool = templates(lang)
        ids = [tid for group in pool.values() for tid, _ in group]
        assert len(ids) == len(set(ids))
        assert len(ids) >= 40
        texts = [text for group in pool.values() for _, text in group]
        assert len(texts) == len(set(texts))
        if lang == "en":
            assert all(not re.search(r"[\u4e00-\u9fff]", t) for t in texts)


@pytest.fixture
def viva_with_banks(viva: Viva) -> Iterator[Viva]:
    with fake_models():
        viva.import_notes([SEED])
        yield viva


def test_a_twenty_minute_interview_repeats_no_phrasing(settings_builtin: Viva) -> None:
    """Every stage of kaoyan-cs (22+ min) answered in part: no follow-up template twice."""
    viva = settings_builtin
    for seed in range(3):
        session, _ = viva.start_interview("kaoyan-cs", seed=seed, lang=None)
        asked = []
        while (question := session.next()) is not None:
            if question.follow_up_of is not None:
                asked.append(question)
                session.answer("", 0.0, viva.grade_asked(question, ""))
                continue
            partial = question.key_points[0] if question.key_points else "我先讲一点我知道的。"
            session.answer(partial, 30.0, viva.grade_asked(question, partial))
        templates_used = [a.template for a in asked]
        assert len(asked) >= 6
        assert len(templates_used) == len(set(templates_used)), templates_used
        assert len({a.prompt for a in asked}) == len(asked)


@pytest.fixture
def settings_builtin(env: dict[str, str]) -> Iterator[Viva]:
    from viva.config import load_settings

    with fake_models():
        service = Viva(load_settings({**env, "VIVA_BUILTIN_BANK": "1"}))
        service.import_notes([SEED])
        yield service
        service.close()


def test_follow_ups_over_the_seed_note_obey_every_rule(viva_with_banks: Viva) -> None:
    """Every question of the seed note, answered with its first point only: each follow-up is
    free of markup, quotes only the answer and does not recite a missed point."""
    viva = viva_with_banks
    questions = [q for q in viva.questions() if q.has_reference]
    stage = Stage("s", ("x",), 1, 60, follow_ups=2)
    plan = InterviewPlan("p", "p", (stage,))
    checked = 0
    for index, q in enumerate(questions):
        interview = MockInterview(plan, [(stage, q)], _rng=random.Random(index))
        asked = interview.next()
        assert asked is not None
        answer = q.key_points[0].text if q.key_points else "我不太确定，大概是这样。"
        grade = viva.grade_asked(asked, answer)
        interview.answer(answer, 10.0, grade)
        while (follow := interview.next()) is not None:
            checked += 1
            assert not has_markup(follow.prompt), follow.prompt
            for quoted in re.findall(r"“([^”]*)”", follow.prompt):
                assert quoted.rstrip("…") in answer, (follow.prompt, answer)
            for point in grade.key_points:
                if point.coverage is not Coverage.COVERED and len(point.text) > 12:
                    assert point.text not in follow.prompt
            interview.answer("", 0.0, viva.grade_asked(follow, ""))
    assert checked >= 20


def test_a_good_topic_is_found_for_typical_points() -> None:
    topic = topic_of(POSITION, QUESTION)
    assert topic is not None
    assert topic.text == "位置编码"
    name = KeyPointResult("VC 维是由 Vapnik 和 Chervonenkis 提出的", Coverage.MISSED, 0.1)
    found = topic_of(name, "什么是 VC 维？")
    assert found is None or found.text not in ("Vapnik", "Chervonenkis")
    # an author's lead that says something of a thing is a clause, not a topic to ask about
    text = "损失不同：逻辑回归用对数损失，SVM 用合页损失"
    loss = KeyPointResult(text, Coverage.MISSED, 0.1, context=text)
    found = topic_of(loss, "逻辑回归和 SVM 有什么异同？")
    assert found is None or found.text != "损失不同"
