"""The action category and issue tag classifiers evaluated on later sessions than they were trained on.

    .venv/bin/python validation/classifier.py [--out validation/classifier.md] [--replicates 200]

Reads the embedded real data set (UPR Info's coding, sessions 1-20), trains on sessions 1-16, tests on
17-20 (``upr_lab.stats.classify.evaluate``) and writes every figure of the classifier's documentation page
(``docs/methods/classifier.md``) as Markdown, also printed. Same data, same code: the same file. Takes a few
minutes on two cores.
"""

import argparse
import os
import sys
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # the machine is shared: one BLAS thread

from upr_lab.sources import embedded  # noqa: E402
from upr_lab.stats.classify import evaluate, model, quantify  # noqa: E402
from upr_lab.stats.classify.tags import THRESHOLD as TAG_THRESHOLD  # noqa: E402

HERE = Path(__file__).resolve().parent
METHOD_NAMES = {"count": "classify and count", "adjusted_count": "adjusted count",
                "probabilistic_adjusted_count": "probabilistic adjusted count", "em": "EM (Saerens)"}


def pct(value):
    return f"{100 * value:.1f}"


def variants_table(result):
    lines = ["| classifier | C (chosen on 13-16) | accuracy | macro-F1 | F1 by category 1 / 2 / 3 / 4 / 5 |",
             "|---|---|---|---|---|"]
    rows = [("McMahon's first-verb rules", None, result["rules"])]
    rows += [(name, v["c"], v) for name, v in result["variants"].items()]
    for name, c, s in rows:
        f1 = " / ".join(f"{s['f1'][k]:.3f}" for k in model.CATEGORIES)
        chosen = "-" if c is None else f"{c:g}"
        lines.append(f"| {name} | {chosen} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} | {f1} |")
    return lines


def confusion_table(scores):
    lines = ["| coded \\ predicted | " + " | ".join(str(c) for c in model.CATEGORIES) + " |",
             "|---|" + "---|" * len(model.CATEGORIES)]
    for c, row in zip(model.CATEGORIES, scores["confusion"]):
        lines.append(f"| {c} | " + " | ".join(str(n) for n in row) + " |")
    return lines


def shares_table(shares, folds):
    used = METHOD_NAMES[quantify.DEFAULT]
    lines = ["| session | category | coded | " + " | ".join(METHOD_NAMES.values()) + f" | 95% interval ({used}) |",
             "|---|---|---|" + "---|" * len(METHOD_NAMES) + "---|"]
    worst = {m: 0.0 for m in METHOD_NAMES}
    for session, entry in shares.items():
        for k, c in enumerate(model.CATEGORIES):
            coded = entry["coded"][k]
            cells = []
            for method in METHOD_NAMES:
                worst[method] = max(worst[method], abs(entry[method][k] - coded))
                cells.append(pct(entry[method][k]))
            low, high = entry["interval"][0][k], entry["interval"][1][k]
            lines.append(f"| {session} | {c} | {pct(coded)} | " + " | ".join(cells) + f" | {pct(low)}-{pct(high)} |")
    covered = sum(entry["interval"][0][k] <= entry["coded"][k] <= entry["interval"][1][k]
                  for entry in shares.values() for k in range(len(model.CATEGORIES)))
    gaps = [max(abs(e[quantify.DEFAULT][k] - e["coded"][k]) for e in shares.values())
            for k in range(len(model.CATEGORIES))]
    lines += ["", f"The 95% intervals ({used}, the method used) hold the coded share in {covered} of "
              f"{len(shares) * len(model.CATEGORIES)} cells. Largest gap of {used} by "
              "category 1 / 2 / 3 / 4 / 5 (points): " + " / ".join(f"{100 * g:.1f}" for g in gaps) + "."]
    lines += ["", "Largest gap to the coded share over sessions and categories (points), error rates measured on "
              "the later training sessions 13-16 (the default): " +
              ", ".join(f"{METHOD_NAMES[m]} {100 * w:.1f}" for m, w in worst.items()) + "."]
    worst = {m: max(abs(e[m][k] - e["coded"][k]) for e in folds.values() for k in range(len(model.CATEGORIES)))
             for m in METHOD_NAMES}
    lines += ["", "The same with error rates measured by cross-validation over four folds of sessions 1-16: " +
              ", ".join(f"{METHOD_NAMES[m]} {100 * w:.1f}" for m, w in worst.items()) + "."]
    return lines


def tags_table(result):
    lines = ["| tag | coded | predicted | precision | recall | F1 | assigned |", "|---|---|---|---|---|---|---|"]
    for tag, s in sorted(result["per_tag"].items(), key=lambda item: -item[1]["f1"]):
        lines.append(f"| {tag} | {s['support']} | {s['predicted']} | {s['precision']:.3f} | {s['recall']:.3f} | "
                     f"{s['f1']:.3f} | {'yes' if tag in result['assignable'] else 'no'} |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "classifier.md", help="Markdown report")
    parser.add_argument("--replicates", type=int, default=200, help="bootstrap replicates per session (200)")
    args = parser.parse_args(argv)
    recommendations = embedded.read()[0]["recommendations"]
    categories = evaluate.evaluate_categories(recommendations, evaluate.VARIANTS, args.replicates)
    tags = evaluate.evaluate_tags(recommendations)
    chosen = categories["variants"][evaluate.CHOSEN]
    text = "\n".join([
        "# Classifier evaluation: trained on sessions 1-16, tested on 17-20 (UPR Info's coding)", "",
        f"Test recommendations: {chosen['n']}. Generated by `validation/classifier.py`; do not edit.", "",
        "## Action category: classifiers", "", *variants_table(categories), "",
        f"## Confusion matrix of the chosen classifier ({evaluate.CHOSEN})", "", *confusion_table(chosen), "",
        "## Share of each category per session (percent)", "",
        f"Bootstrap: {args.replicates} resamples of each session's recommendations, seed 25.", "",
        *shares_table(categories["shares"], categories["shares_folds"]), "",
        f"## Issue tags (threshold {tags['threshold']:g}; assigned to uncoded recommendations where F1 >= 0.80)", "",
        "Threshold chosen on sessions 13-16 (model of 1-12), mean F1 over tags: " +
        ", ".join(f"{t:g}: {f:.3f}" for t, f in tags["validation_mean_f1"].items()) + ".", "",
        *tags_table(tags), "", f"Assigned: {', '.join(tags['assignable']) or 'none'}.", ""])
    if chosen["c"] != model.DEFAULT_C:
        text += (f"\nWARNING: the C chosen here ({chosen['c']:g}) is not model.DEFAULT_C ({model.DEFAULT_C:g}), "
                 "which the model in use is trained with.\n")
    if tags["threshold"] != TAG_THRESHOLD:
        text += (f"\nWARNING: the threshold chosen here ({tags['threshold']:g}) is not tags.THRESHOLD "
                 f"({TAG_THRESHOLD:g}), which the models in use apply.\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
