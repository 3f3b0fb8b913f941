"""CSS selectors of the site profiles, evaluated on an lxml tree.

cssselect turns every class test into ``contains(concat(' ', normalize-space(@class), ' '), ' x ')``, which
libxml2 evaluates on every element of the page: about 1-2 ms per selector on a 190 KB page, and a profile
has a dozen.  Most profile selectors are simple: compounds of a tag, an id, classes and attribute tests,
joined by descendant (" ") or child (">") combinators.  Those are matched here from one index of the
page's class and id values, built once per tree; any other selector (pseudo-classes, sibling combinators,
attribute operators other than = ) goes through cssselect unchanged.  Both give elements in document order.
"""
from __future__ import annotations

from dataclasses import dataclass

import cssselect
from lxml.cssselect import CSSSelector


@dataclass(frozen=True)
class Compound:
    tag: str | None = None
    ident: str | None = None
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str | None], ...] = ()     # (name, value or None for "present")

    def matches(self, element) -> bool:
        if self.tag and element.tag != self.tag:
            return False
        if self.ident and element.get("id") != self.ident:
            return False
        if self.classes and not set(self.classes) <= set((element.get("class") or "").split()):
            return False
        return all(element.get(name) is not None and value in (None, element.get(name)) for name, value in self.attrs)


class PageIndex:
    """Elements of one tree by class token and by id, in document order; built on first use."""

    def __init__(self, tree):
        self.tree = tree
        self._by_class: dict[str, list] | None = None
        self._attributed: list = []
        self._by_id: dict[str, list] = {}
        self._by_attr: dict[str, list] = {}

    def _build(self) -> None:
        self._by_class = {}
        self._attributed = self.tree.xpath("//body//*[@class or @id]")
        for element in self._attributed:
            for token in (element.get("class") or "").split():
                self._by_class.setdefault(token, []).append(element)
            if element.get("id"):
                self._by_id.setdefault(element.get("id"), []).append(element)

    def attributed(self) -> list:
        """Every element inside <body> that has a class or an id."""
        if self._by_class is None:
            self._build()
        return self._attributed

    def candidates(self, compound: Compound) -> list:
        if compound.ident or compound.classes:
            if self._by_class is None:
                self._build()
            if compound.ident:
                return self._by_id.get(compound.ident, [])
            return self._by_class.get(compound.classes[0], [])
        if compound.attrs:
            name = compound.attrs[0][0]
            if name not in self._by_attr:
                self._by_attr[name] = self.tree.xpath(f"//*[@{name}]")
            return self._by_attr[name]
        return list(self.tree.iter(compound.tag))


class Selector:
    """One CSS selector: ``selector(index)`` → matching elements in document order."""

    def __init__(self, css: str):
        self.css = css
        parsed = _chain(css)               # compounds left to right, and the combinator between each pair
        self.compounds, self.combinators = parsed or ([], [])
        self._fallback = CSSSelector(css, translator="html") if parsed is None else None

    def __call__(self, index: PageIndex) -> list:
        if self._fallback is not None:
            return self._fallback(index.tree)
        return _match(self.compounds, self.combinators, index)


def _match(compounds: list[Compound], combinators: list[str], index: PageIndex) -> list:
    last = compounds[-1]
    if len(compounds) > 1 and not (last.ident or last.classes or last.attrs):
        # ".namerep a": start from the few ".namerep" elements, not from every link of the page
        found, seen = [], set()
        for anchor in _match(compounds[:-1], combinators[:-1], index):
            below = anchor.iterchildren(last.tag) if combinators[-1] == ">" else anchor.iterdescendants(last.tag)
            for element in below:
                if id(element) not in seen:
                    seen.add(id(element))
                    found.append(element)
        return found
    return [e for e in index.candidates(last) if last.matches(e) and _ancestors_match(e, compounds[:-1], combinators)]


def _ancestors_match(element, compounds: list[Compound], combinators: list[str]) -> bool:
    """Right to left: the compound left of the element matches its parent (">") or an ancestor (" ")."""
    if not compounds:
        return True
    compound, combinator = compounds[-1], combinators[-1]
    parents = [element.getparent()] if combinator == ">" else element.iterancestors()
    return any(p is not None and compound.matches(p) and _ancestors_match(p, compounds[:-1], combinators[:-1])
               for p in parents)


def _chain(css: str) -> tuple[list[Compound], list[str]] | None:
    """The selector's compounds and combinators, or None when it is not a simple one."""
    try:
        (parsed,) = cssselect.parse(css)
    except (cssselect.SelectorError, ValueError):
        return None
    if parsed.pseudo_element is not None:
        return None
    compounds, combinators, node = [], [], parsed.parsed_tree
    while type(node).__name__ == "CombinedSelector":
        compound = _compound(node.subselector)
        if node.combinator not in (" ", ">") or compound is None:
            return None
        compounds.insert(0, compound)
        combinators.insert(0, node.combinator)
        node = node.selector
    first = _compound(node)
    return None if first is None else ([first, *compounds], combinators)


def _compound(node) -> Compound | None:
    tag, ident, classes, attrs = None, None, [], []
    while True:
        kind = type(node).__name__
        if kind == "Element":
            tag = node.element if node.element not in (None, "*") else None
            break
        if kind == "Class":
            classes.insert(0, node.class_name)
        elif kind == "Hash":
            ident = node.id
        elif kind == "Attrib" and node.operator in ("exists", "=") and node.namespace is None:
            value = node.value.value if hasattr(node.value, "value") else node.value
            attrs.insert(0, (node.attrib, value if node.operator == "=" else None))
        else:
            return None
        node = node.selector
    if not (tag or ident or classes or attrs):
        return None
    return Compound(tag.lower() if tag else None, ident, tuple(classes), tuple(attrs))
