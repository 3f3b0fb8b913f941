"""Score pipeline/annotate/tokenize.py on UD Indonesian test treebanks: sentence and token F1 on exact character spans.

    python scripts/eval_tokenize.py --data ../shared/data

The sentences' `# text` lines are joined with one space into a running text (the treebanks carry no
document or paragraph marks). Gold tokens are the surface tokens (a multi-word token such as
"rumahnya" counts once, as in the NER corpora), located in the text by their forms.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.knowledge import load_knowledge  # noqa: E402
from pipeline.annotate.tokenize import LEXICON, Tokenizer  # noqa: E402

TREEBANKS = {
    "test": ("id_csui-ud-test.conllu", "id_gsd-ud-test.conllu"),
    "dev": ("id_csui-ud-train.conllu", "id_gsd-ud-dev.conllu"),   # for rule development only
}


def read_treebank(path: Path) -> list[tuple[str, list[str]]]:
    """(sentence text, surface token forms) per sentence."""
    sentences, text, forms, skip_until = [], None, [], 0
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        elif not line.strip():
            if text is not None:
                sentences.append((text, forms))
            text, forms, skip_until = None, [], 0
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0]:
                forms.append(cols[1])
                skip_until = int(cols[0].split("-")[1])
            elif "." not in cols[0] and int(cols[0]) > skip_until:
                forms.append(cols[1])
    return sentences


def gold_spans(sentences: list[tuple[str, list[str]]]) -> tuple[str, set, set]:
    text, sent_spans, token_spans = "", set(), set()
    for sentence_text, forms in sentences:
        offset = len(text) + (1 if text else 0)
        text += (" " if text else "") + sentence_text
        sent_spans.add((offset, offset + len(sentence_text)))
        cursor = offset
        for form in forms:
            found = text.find(form, cursor)
            if found < 0 or text[cursor:found].strip():
                continue  # form not written as in the text: left out of the gold tokens
            token_spans.add((found, found + len(form)))
            cursor = found + len(form)
    return text, sent_spans, token_spans


def f1(gold: set, predicted: set) -> tuple[float, float, float]:
    correct = len(gold & predicted)
    p = correct / len(predicted) if predicted else 0.0
    r = correct / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(path: Path, tokenizer: Tokenizer) -> dict[str, tuple[float, float, float]]:
    text, gold_sents, gold_tokens = gold_spans(read_treebank(path))
    predicted = tokenizer.split(text)
    pred_sents = {(s.start, s.end) for s in predicted}
    pred_tokens = {(t.start, t.end) for s in predicted for t in s.tokens}
    gold_chars = {i for s, e in gold_tokens for i in range(s, e)}
    pred_tokens = {(s, e) for s, e in pred_tokens if any(i in gold_chars for i in range(s, e))}
    return {"sentences": f1(gold_sents, pred_sents), "tokens": f1(gold_tokens, pred_tokens),
            "n_sentences": len(gold_sents), "n_tokens": len(gold_tokens)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--split", choices=sorted(TREEBANKS), default="test")
    args = parser.parse_args()
    tokenizer = Tokenizer(load_knowledge().lexicon(LEXICON))
    print("treebank\tsentences\tsent_P\tsent_R\tsent_F1\ttokens\ttok_P\ttok_R\ttok_F1")
    for name in TREEBANKS[args.split]:
        scores = evaluate(args.data / "ud" / name, tokenizer)
        sp, sr, sf = (100 * x for x in scores["sentences"])
        tp, tr, tf = (100 * x for x in scores["tokens"])
        print(f"{name}\t{scores['n_sentences']}\t{sp:.2f}\t{sr:.2f}\t{sf:.2f}\t"
              f"{scores['n_tokens']}\t{tp:.2f}\t{tr:.2f}\t{tf:.2f}")


if __name__ == "__main__":
    main()
