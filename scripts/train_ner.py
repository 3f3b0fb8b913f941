"""Reproducible training of the project's Stanza Indonesian NER model (PER / ORG / LOC).

    python scripts/train_ner.py --data ../shared/data --out models/ner

Steps: (1) convert the corpora (scripts/ner_data.py) into build/ner_train/ (NER-UI, NER-UGM and
NERGrit train splits; the lower-cased NERP only with --with-nerp, see models/README.md), (2) train small word
vectors with gensim on the NER train splits + UD id_csui train text and turn them into a Stanza
pretrain file, (3) train with `stanza.models.ner_tagger` (model selection on the cased dev splits
only), (4) score every official test split and write <out>/scores.json.  Test splits are never read
before step 4.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ner_data  # noqa: E402

MODEL_NAME = "id_nertagger.pt"
PRETRAIN_NAME = "id_pretrain.pt"
CORPORA = tuple(ner_data.LABEL_MAP)


def vector_sentences(data_dir: Path) -> list[list[str]]:
    """Lower-cased token lists from the NER train splits and the UD id_csui train treebank."""
    sentences = []
    for corpus in CORPORA:
        for sentence in ner_data.read_conll(ner_data.split_path(data_dir, corpus, "train")):
            sentences.append([token.lower() for token, _ in sentence])
    ud_train = data_dir / "ud" / "id_csui-ud-train.conllu"
    current = []
    for line in ud_train.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                current.append(cols[1].lower())
    return sentences


def build_pretrain(data_dir: Path, work: Path, out: Path, dim: int, max_vocab: int, seed: int) -> Path:
    from gensim.models import Word2Vec
    from stanza.models.common.pretrain import Pretrain

    sentences = vector_sentences(data_dir)
    model = Word2Vec(sentences, vector_size=dim, window=5, min_count=2, sg=1, epochs=15,
                     workers=1, seed=seed, max_final_vocab=max_vocab)
    text_file = work / "id_vectors.txt"
    model.wv.save_word2vec_format(str(text_file), binary=False)
    target = out / PRETRAIN_NAME
    target.unlink(missing_ok=True)
    pretrain = Pretrain(str(target), str(text_file), max_vocab=max_vocab)
    pretrain.load()  # builds from the text file and saves the .pt
    logging.info("pretrain: %d words x %d dims from %d sentences", len(pretrain.vocab), dim, len(sentences))
    return target


def train(work: Path, out: Path, pretrain: Path | None, args: argparse.Namespace) -> None:
    from stanza.models import ner_tagger

    argv = [
        "--mode", "train", "--shorthand", "id_ner",
        "--train_file", str(work / "train.json"), "--eval_file", str(work / "dev.json"),
        "--save_dir", str(out), "--save_name", MODEL_NAME,
        "--max_steps", str(args.max_steps), "--max_steps_no_improve", str(args.patience_steps),
        "--eval_interval", str(args.eval_interval), "--seed", str(args.seed), "--cpu",
    ]
    argv += ["--wordvec_pretrain_file", str(pretrain)] if pretrain else ["--no_pretrain"]
    ner_tagger.main(argv)


def score(out: Path, work: Path, pretrain: Path | None) -> dict:
    """Entity-level P/R/F1 (stanza's scorer) of the saved model on each split file."""
    from stanza.models.common.doc import Document
    from stanza.models.ner import scorer
    from stanza.models.ner.data import DataLoader
    from stanza.models.ner.trainer import Trainer
    from stanza.models.common.pretrain import Pretrain

    loaded_pretrain = Pretrain(str(pretrain)) if pretrain else None
    trainer = Trainer(model_file=str(out / MODEL_NAME), pretrain=loaded_pretrain, device="cpu")
    results = {}
    for corpus in CORPORA:
        for split in ("dev", "test"):
            doc = Document(json.loads((work / f"{corpus}.{split}.json").read_text(encoding="utf-8")))
            batch = DataLoader(doc, 64, trainer.args, vocab=trainer.vocab, evaluation=True)
            started = time.perf_counter()
            preds = [p for b in batch for p in trainer.predict(b)]
            seconds = time.perf_counter() - started
            gold = [[tags[0] for tags in sentence] for sentence in batch.tags]
            p, r, f, per_type = scorer.score_by_entity(preds, gold)
            tokens = sum(len(s) for s in gold)
            results[f"{corpus}.{split}"] = {
                "precision": round(p * 100, 2), "recall": round(r * 100, 2), "f1": round(f * 100, 2),
                "per_type_f1": {k: round(v * 100, 2) for k, v in per_type.items()},
                "sentences": len(gold), "tokens": tokens, "tokens_per_second": round(tokens / seconds),
            }
            logging.info("%s.%s: %s", corpus, split, results[f"{corpus}.{split}"])
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("models/ner"))
    parser.add_argument("--work", type=Path, default=Path("build/ner_train"))
    parser.add_argument("--with-nerp", action=argparse.BooleanOptionalAction, default=False,
                        help="also train on the lower-cased NERP train split (default: no; see models/README.md)")
    parser.add_argument("--no-vectors", action="store_true", help="train without word vectors")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--max-vocab", type=int, default=30000)
    parser.add_argument("--max-steps", type=int, default=9000)
    parser.add_argument("--patience-steps", type=int, default=1800)
    parser.add_argument("--eval-interval", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--score-only", action="store_true", help="only score the model already in --out")
    return parser.parse_args()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    counts = ner_data.convert(args.data, args.work, args.with_nerp)
    logging.info("data: %s", counts)
    pretrain = None if args.no_vectors else args.out / PRETRAIN_NAME
    if not args.score_only:
        if pretrain:
            build_pretrain(args.data, args.work, args.out, args.dim, args.max_vocab, args.seed)
        started = time.time()
        train(args.work, args.out, pretrain, args)
        logging.info("training took %.0f s", time.time() - started)
    results = {"with_nerp": args.with_nerp, "vectors": pretrain is not None, "data": counts,
               "scores": score(args.out, args.work, pretrain)}
    (args.out / "scores.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
