"""A small reader of rendered pages for the page tests: enough of a document tree to ask where a
button sits (inside which form, behind which confirmation) and to post its form as a browser
would. Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text inside, visually hidden words included, with white space collapsed."""
        return " ".join(self._raw_text().split())

    def _raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw_text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, match: Callable[[Node], bool]) -> list[Node]:
        return [node for node in self.walk() if match(node)]

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def closest(self, tag: str, cls: str | None = None) -> Node | None:
        for node in self.ancestors():
            if node.tag == tag and (cls is None or cls in node.classes):
                return node
        return None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def page_text(response: Any) -> str:
    """A response's body as text (the page's HTML as sent), to look for words in it."""
    return str(response.content.decode())


def parse(response_or_html: Any) -> Node:
    html = response_or_html
    if not isinstance(html, str):
        html = response_or_html.content.decode()
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def buttons(page: Node, text: str) -> list[Node]:
    """Submit buttons whose visible (and visually hidden) text contains ``text``."""
    return page.find_all(
        lambda node: (
            node.tag == "button"
            and node.attrs.get("type", "submit") == "submit"
            and text in node.text()
        )
    )


def the_button(page: Node, text: str) -> Node:
    found = buttons(page, text)
    assert len(found) == 1, f"expected one button with {text!r}, found {len(found)}"
    return found[0]


def confirmation_of(button: Node) -> Node | None:
    """The `details.confirm` the button sits behind, if any."""
    return button.closest("details", "confirm")


def asks_first(page: Node, *, opens: str, does: str) -> Node:
    """Check that the action is behind the no-script confirmation: a `details.confirm` whose
    summary says ``opens`` holds the one button that says ``does``, and no button outside a
    confirmation says ``does``. Returns that button."""
    button = the_button(page, does)
    details = confirmation_of(button)
    assert details is not None, f"{does!r} is one click away: no confirmation around it"
    summary = next(
        (child for child in details.children if isinstance(child, Node) and child.tag == "summary"),
        None,
    )
    assert summary is not None, "the confirmation has a summary"
    assert opens in summary.text(), f"it opens with {summary.text()!r}, not {opens!r}"
    assert "open" not in details.attrs, "the confirmation starts closed"
    panel = button.closest("div", "confirm-panel")
    assert panel is not None, "the button is in the confirmation's panel"
    assert panel.find_all(lambda node: node.tag == "p"), "the panel says what will happen"
    return button


def form_post(button: Node, page_url: str) -> tuple[str, dict[str, str]]:
    """What a browser would post on pressing ``button``: its form's action (the page's own
    address when it has none) and fields, the button's own name and value included."""
    form = button.closest("form")
    assert form is not None, "the button is in a form"
    assert form.attrs.get("method", "get").lower() == "post"
    data: dict[str, str] = {}
    for node in form.walk():
        kind = node.attrs.get("type", "text")
        if node.tag == "input" and kind not in ("submit", "checkbox") and "name" in node.attrs:
            data[node.attrs["name"]] = node.attrs.get("value", "")
        if node.tag == "select" and "name" in node.attrs:
            chosen = [option for option in node.walk() if option.tag == "option"]
            selected = [option for option in chosen if "selected" in option.attrs] or chosen[:1]
            if selected:
                data[node.attrs["name"]] = selected[0].attrs.get("value", "")
    if "name" in button.attrs:
        data[button.attrs["name"]] = button.attrs.get("value", "")
    return form.attrs.get("action") or page_url, data


def press(client: Any, page_url: str, button: Node, **overrides: str) -> Any:
    """Press ``button`` on the page at ``page_url``: post its form with ``client``."""
    action, data = form_post(button, page_url)
    data.update(overrides)
    return client.post(action, data)
