"""Import speed: a generated vault of 2,000 notes / 20,000 questions in the seed note's shapes.

Prints the import time next to the time markdown-it-py alone takes to parse the same files (the
same parser configuration, measured in the same run), and the re-import of the unchanged vault.
Targets (issue 2): import <= 2.5x the bare parse; unchanged re-import <= 1x.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from viva.bank.markdown import markdown_parser
from viva.config import load_settings
from viva.service import Viva

NOTES = 2000
PER_NOTE = 10


def note_text(n: int, rng: random.Random) -> str:
    """Ten questions in the seed's shapes: numbered items with quoted answers (a gap in the
    numbering, an unanswered one), then an empty heading and heading questions."""
    parts = [f"---\ntags: [bench, topic{n % 17}]\ndate: 2024-03-01\n---\n## 第 {n} 章\n"]

    def answer(i: int) -> str:
        return (
            f"> 1) **要点一**：模型的==泛化能力 {i}== 取决于偏差与方差，"
            "$\\alpha\\leftarrow(1-g)\\alpha+gF$。\n"
            f"> 2) *要点二*：使用正则化与交叉验证控制过拟合，见 [[#第 {n} 章]]。\n"
            f">\t- 细节 {rng.randint(0, 999)}：层归一化、残差连接与 ==多头注意力== 的作用。\n"
            "> \n"
            "> Transformer 的 self-attention 计算 $\\mathrm{softmax}(QK^T/\\sqrt{d_k})V$。\n"
        )

    for i in (1, 2, 3, 5, 6, 7):  # 4 is missing, as in the seed
        parts.append(f"\n{i}. 第 {n} 篇的问题 {i} 是什么？\n{answer(i)}")
    parts.append(f"\n8. 第 {n} 篇的开放问题是什么？\n")
    parts.append("\n### 注意力机制\n")
    for i in (9, 10, 11):
        parts.append(f"\n### {i}. 第 {n} 篇的问题 {i} 如何回答？\n\n{answer(i)}")
    return "".join(parts)


def make_vault(folder: Path) -> int:
    rng = random.Random(7)
    for n in range(NOTES):
        sub = folder / f"topic-{n % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"note-{n:04d}.md").write_text(note_text(n, rng), encoding="utf-8")
    return NOTES


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        make_vault(vault)
        files = sorted(vault.rglob("*.md"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        md = markdown_parser()
        md.parse(texts[0])  # warm the parser's rule caches, as the import does on its first file
        start = time.perf_counter()
        for text in texts:
            md.parse(text)
        parse_s = time.perf_counter() - start

        viva = Viva(load_settings({"VIVA_HOME": str(Path(tmp) / "home"), "VIVA_BUILTIN_BANK": "0"}))
        start = time.perf_counter()
        report = viva.import_notes([vault])
        import_s = time.perf_counter() - start
        start = time.perf_counter()
        again = viva.import_notes([vault])
        reimport_s = time.perf_counter() - start
        viva.close()

    print(
        f"vault: {len(files)} notes, {report.questions} questions "
        f"({report.with_reference} with an answer), {sum(map(len, texts)) / 1e6:.1f} M chars"
    )
    print(f"markdown-it-py parse alone : {parse_s:7.2f} s")
    print(
        f"viva import (fresh bank)   : {import_s:7.2f} s  = {import_s / parse_s:.2f}x parse"
        "  (target <= 2.5x)"
    )
    print(
        f"viva import (unchanged)    : {reimport_s:7.2f} s  = {reimport_s / parse_s:.2f}x parse"
        f"  (target <= 1x; {again.counts['unchanged']} unchanged)"
    )
    if report.questions < NOTES * PER_NOTE:
        print("warning: fewer questions than planned", file=sys.stderr)


if __name__ == "__main__":
    main()
