"""A small, safe Markdown for campaign texts: paragraphs, `#`/`##` headings, `- ` lists,
**bold**, *italic* and [links](https://…). Everything else is text: the input is escaped
before any markup is added, so no HTML a marketer types ever reaches a mail."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape

_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|/)[^\s)]+)\)")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")

# Rewrites a link's target (e.g. into a signed tracking link); identity by default.
LinkRewrite = Callable[[str], str]


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def _blocks(source: str) -> list[list[str]]:
    blocks, current = [], []
    for line in source.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _inline_html(text: str, rewrite: LinkRewrite) -> str:
    """Escapes, then adds links, bold and italic; link targets are escaped again as attributes."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(_emphasis(escape(text[last : match.start()])))
        href = escape(rewrite(match.group(2)))
        parts.append(f'<a href="{href}">{_emphasis(escape(match.group(1)))}</a>')
        last = match.end()
    parts.append(_emphasis(escape(text[last:])))
    return "".join(parts)


def _emphasis(escaped: str) -> str:
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


def _inline_text(text: str, rewrite: LinkRewrite) -> str:
    text = _LINK.sub(lambda match: f"{match.group(1)} ({rewrite(match.group(2))})", text)
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def markdown_render(source: str, *, rewrite: LinkRewrite = lambda url: url) -> Rendered:
    """HTML and plain text of `source`; every link target passes through `rewrite`."""
    html, text = [], []
    for block in _blocks(source or ""):
        first = block[0]
        if len(block) == 1 and first.startswith(("# ", "## ")):
            level = 1 if first.startswith("# ") else 2
            content = first[level + 1 :].strip()
            html.append(f"<h{level}>{_inline_html(content, rewrite)}</h{level}>")
            text.append(_inline_text(content, rewrite))
        elif all(line.lstrip().startswith("- ") for line in block):
            items = [line.lstrip()[2:].strip() for line in block]
            html.append(
                "<ul>"
                + "".join(f"<li>{_inline_html(item, rewrite)}</li>" for item in items)
                + "</ul>"
            )
            text.append("\n".join(f"- {_inline_text(item, rewrite)}" for item in items))
        else:
            html.append(
                "<p>" + "<br>".join(_inline_html(line.strip(), rewrite) for line in block) + "</p>"
            )
            text.append("\n".join(_inline_text(line.strip(), rewrite) for line in block))
    return Rendered(html="\n".join(html), text="\n\n".join(text))
