"""Key terms for the recogniser's prompt (no models)."""

from __future__ import annotations

from viva.speech.terms import MAX_TERMS, key_terms, prompt_for


def test_key_terms_of_a_chinese_question_are_domain_words_and_latin_terms() -> None:
    terms = key_terms(
        ["什么是 Transformer 的 self-attention？", "缩放点积注意力防止 softmax 饱和，缓解过拟合"]
    )
    assert terms == ("Transformer", "self-attention", "缩放点积", "注意力", "softmax", "过拟合")


def test_key_terms_of_an_english_question_skip_everyday_words() -> None:
    terms = key_terms(
        ["Could you describe what overfitting is?", "We add Dropout and L2 regularization."]
    )
    assert terms == ("overfitting", "Dropout", "L2", "regularization")


def test_key_terms_are_deduplicated_and_bounded() -> None:
    many = [f"Term{i}X" for i in range(40)]
    terms = key_terms(["过拟合 过拟合 Overfitting overfitting", " ".join(many)])
    assert terms[:2] == ("过拟合", "Overfitting")
    assert len(terms) <= MAX_TERMS


def test_prompt_puts_terms_before_a_verbatim_example() -> None:
    zh = prompt_for(("过拟合", "正则化"), "zh")
    assert zh is not None
    assert zh.startswith("过拟合、正则化。嗯")
    en = prompt_for(("dropout",), "en", verbatim=False)
    assert en == "dropout."
    assert prompt_for((), "en", verbatim=False) is None
