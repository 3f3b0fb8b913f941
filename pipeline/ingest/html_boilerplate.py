"""Boilerplate elements out of a parsed HTML page, before its text is read: the profile's ``[html] drop``
selectors and ``drop_class`` pattern (the generic profile's apply to every site), and link lists inside the
article body (related articles, "Baca juga" boxes).  An element that holds the article is never removed,
whatever its class says.
"""
from __future__ import annotations

from pipeline.knowledge.profiles import Profile, normalise_line
from pipeline.ingest.css_select import PageIndex

# A link list (related articles, tags, "Baca juga" boxes) inside the body: most of its text is link text.
LINK_LIST_SHARE = 0.6
MAX_LIST_HEADING_WORDS = 6
# An element the class rules would drop is kept when it holds this many <p> of this much non-link text:
# it is the article (a body wrapped in a "share-wrapper" div).  Related lists and share boxes hold none.
MIN_PROSE_PARAGRAPHS = 2
MIN_PROSE_CHARS = 80


def prune(index: PageIndex, profile: Profile, keep: list, within: list | None = None) -> None:
    """Remove the profile's boilerplate elements from the page, or only from inside ``within`` (the body
    containers: nothing else of the page is read then); never an element in ``keep`` or around it."""
    rules = profile.html
    around = {id(a) for e in keep for a in (e, *e.iterancestors())}
    roots = within if within is not None else [index.tree]
    by_tag = [e for root in roots for e in root.iter(*rules.drop_tags)] if rules.drop_tags else []
    inside = {id(e) for root in roots for e in root.iter()} if within is not None else None
    by_selector = [e for sel in rules.drop for e in sel(index) if inside is None or id(e) in inside]
    by_class = _class_dropped(index.attributed() if within is None else
                              [e for root in roots for e in root.iter() if isinstance(e.tag, str)
                               and (e.get("class") or e.get("id"))], rules)
    guarded = {id(e) for e in by_class}            # a class name can be wrong about a whole article
    for element in outermost(by_tag + by_selector + by_class):
        if id(element) not in around and not (id(element) in guarded and _holds_article(element)):
            _remove(element)


def _class_dropped(elements: list, rules) -> list:
    """Elements with a class or id the profile drops, or a class or id token the generic pattern names
    (a page repeats few distinct class values, so each is judged once)."""
    verdicts: dict[str, bool] = {}
    found = []
    for element in elements:
        classes, ident = (element.get("class") or "").split(), element.get("id") or ""
        value = f"{' '.join(classes)}#{ident}"
        if value not in verdicts:
            verdicts[value] = (ident in rules.drop_ids or not rules.drop_classes.isdisjoint(classes)
                               or (rules.drop_class is not None
                                   and any(rules.drop_class.search(t) for t in (*classes, ident) if t)))
        if verdicts[value]:
            found.append(element)
    return found


def _holds_article(element) -> bool:
    """True for an element holding paragraphs of prose: whatever its class says, it is the article."""
    paragraphs = 0
    for p in element.iter("p"):
        text = p.text_content()
        if len(text) >= MIN_PROSE_CHARS and _link_text(p) < LINK_LIST_SHARE * len(text):
            paragraphs += 1
            if paragraphs >= MIN_PROSE_PARAGRAPHS:
                return True
    return False


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()        # keeps the tail text, which belongs to the parent


def _link_text(element) -> int:
    return sum(len(a.text_content()) for a in element.iter("a"))


def outermost(elements: list) -> list:
    ids = {id(e) for e in elements}
    return [e for e in elements if not any(id(a) in ids for a in e.iterancestors())]


def drop_link_lists(container) -> None:
    """Related-article lists inside the body (most text in links, two links or more), with their heading."""
    lists = [e for e in container.iter("ul", "ol", "div", "table", "section")
             if e is not container and len(e.findall(".//a")) >= 2 and _mostly_links(e)]
    for element in outermost(lists):
        heading = element.getprevious()
        if heading is not None and _is_list_heading(heading):
            _remove(heading)
        _remove(element)


def _mostly_links(element) -> bool:
    text = len(normalise_line(element.text_content()))
    return text > 0 and _link_text(element) >= LINK_LIST_SHARE * text


def _is_list_heading(element) -> bool:
    text = normalise_line(element.text_content())
    return bool(text) and len(text.split()) <= MAX_LIST_HEADING_WORDS and text[-1:] not in ".!?\"”"
