"""A note's YAML front matter, read without trusting it.

YAML anchors and aliases let 354 bytes expand to gigabytes (issue #13, item 2), so they are
refused before anything is built: the event stream is read first (linear in the text), and only
a front matter free of them is loaded. Tags are capped in number and length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from viva.bank.models import NoteProblem

MAX_TAGS = 64
MAX_TAG_CHARS = 100
MAX_TITLE_CHARS = 300
_TAG_SPLIT = re.compile(r"[,\s]+")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What Viva reads from the front matter."""

    tags: tuple[str, ...] = ()
    title: str = ""
    problems: tuple[NoteProblem, ...] = ()


def read_front_matter(content: str, rel: str) -> FrontMatter:
    """Tags and title of a front matter (the text between the `---` lines; it starts at line 2)."""
    import yaml

    try:
        for event in yaml.parse(content, Loader=yaml.SafeLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                line = event.start_mark.line + 2 if event.start_mark is not None else 1
                return FrontMatter(
                    problems=(
                        NoteProblem(
                            rel,
                            line,
                            "front matter uses a YAML anchor or alias (&name / *name), which "
                            "Viva does not read; its tags were ignored. Write the values out "
                            "instead. / 前置元数据使用了 YAML 锚点或别名，已忽略其标签。",
                            kind="front-matter",
                        ),
                    )
                )
        data = yaml.safe_load(content)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problem = getattr(err, "problem", None) or "cannot be read"
        message = f"front matter is not valid YAML ({problem}); its tags were ignored"
        return FrontMatter(problems=(NoteProblem(rel, line, message, kind="front-matter"),))
    if data is None:
        return FrontMatter()
    if not isinstance(data, dict):
        message = "front matter should be a YAML mapping (key: value)"
        return FrontMatter(problems=(NoteProblem(rel, 1, message, kind="front-matter"),))
    problems: list[NoteProblem] = []
    tags = _tags(data.get("tags", data.get("tag")), rel, problems)
    title = data.get("title")
    text = title.strip()[:MAX_TITLE_CHARS] if isinstance(title, str) else ""
    return FrontMatter(tags=tags, title=text, problems=tuple(problems))


def _tags(value: Any, rel: str, problems: list[NoteProblem]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = _TAG_SPLIT.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    tags: list[str] = []
    too_long = 0
    for item in items:
        if not isinstance(item, str | int | float):
            continue  # a nested mapping or list is not a tag
        tag = str(item).strip().lstrip("#")
        if len(tag) > MAX_TAG_CHARS:
            too_long += 1
            continue
        if tag and tag not in tags:
            tags.append(tag)
    if too_long:
        problems.append(
            NoteProblem(
                rel,
                1,
                f"{too_long} tag(s) longer than {MAX_TAG_CHARS} characters were ignored "
                "(shorten them to keep them)",
                kind="front-matter",
            )
        )
    if len(tags) > MAX_TAGS:
        problems.append(
            NoteProblem(
                rel,
                1,
                f"{len(tags)} tags: only the first {MAX_TAGS} were kept (remove some to keep "
                "the rest)",
                kind="front-matter",
            )
        )
        tags = tags[:MAX_TAGS]
    return tuple(tags)
