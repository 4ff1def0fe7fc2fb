"""Does the classifier read the DIHR explorer's rows as it reads UPR Info's? The same recommendations, both texts.

    .venv/bin/python validation/dihr_wording.py [--upr-info DIR] [--dihr DIR]

The embedded data set's sessions 21-26 come from the DIHR SDG-Human Rights Data Explorer and their action
categories are predicted by a classifier trained and tested on UPR Info's rows. Where both sources hold a review
(sessions 13-20), this matches their rows (``sources.reconcile``), trains the category model on UPR Info's
sessions 1-16 with the chosen settings (``stats.classify.evaluate``), and scores the coded recommendations of
sessions 17-20 from each source's text. Prints the figures ``docs/methods/classifier-in-use.md`` quotes.
About a minute on two cores; fixed settings, no randomness.
"""

import argparse
import os
import warnings
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # the machine is shared: one BLAS thread

import numpy as np  # noqa: E402

from upr_lab import load  # noqa: E402
from upr_lab.sources import reconcile  # noqa: E402
from upr_lab.stats.classify import evaluate  # noqa: E402
from upr_lab.stats.classify.model import CategoryModel  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BOTH = (13, 20)  # the sessions both sources hold


def matched_pairs(upr_info, dihr):
    """The two sources' rows of the same recommendations (UPR Info's, DIHR's), and the reconciliation."""
    found = reconcile.reconcile(upr_info[upr_info["session"].between(*BOTH)], dihr[dihr["session"].between(*BOTH)])
    first = upr_info.set_index("rec_id").loc[found.matches["first_rec_id"].to_numpy()]
    second = dihr.set_index("rec_id").loc[found.matches["second_rec_id"].to_numpy()]
    return first, second, found.summary


def trained_on_early_sessions(upr_info, c):
    coded = upr_info[upr_info["action_category"].notna() & (upr_info["session"] <= evaluate.TRAIN_LAST)]
    return CategoryModel.train(coded["text"], coded["recommender_group"], coded["action_category"].astype(int),
                               sessions=coded["session"], blocks=evaluate.VARIANTS[evaluate.CHOSEN], c=c)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upr-info", type=Path, default=DATA / "upr-info")
    parser.add_argument("--dihr", type=Path, default=DATA / "dihr")
    parser.add_argument("--c", type=float, default=0.1, help="the SVM's C (the chosen one, docs/methods/classifier.md)")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exports' known exact repeats, said by `upr-lab data info`
        upr_info, dihr = load(args.upr_info).recommendations, load(args.dihr).recommendations
    first, second, summary = matched_pairs(upr_info, dihr)
    print(f"sessions {BOTH[0]}-{BOTH[1]}: DIHR rows {summary['second_rows']:,}, matched {summary['matched']:,} "
          f"({summary['matched_exact']:,} same folded text, {summary['matched_near']:,} nearly), "
          f"responses differing {summary['responses_differ']:,}")
    tested = (first["action_category"].notna() & (first["session"] > evaluate.TRAIN_LAST)).to_numpy()
    first, second = first[tested], second[tested]
    truth = first["action_category"].astype(int).to_numpy()
    model = trained_on_early_sessions(upr_info, args.c)
    predicted = {name: np.asarray(model.predict(rows["text"], rows["recommender_group"]))
                 for name, rows in (("UPR Info", first), ("DIHR", second))}
    print(f"coded recommendations of sessions {evaluate.TRAIN_LAST + 1}-{BOTH[1]} matched: {len(truth):,}; "
          f"the same text byte for byte: {np.mean(first['text'].to_numpy() == second['text'].to_numpy()):.1%}")
    for name, categories in predicted.items():
        scores = evaluate.category_scores(truth, categories)
        print(f"from {name}'s text: accuracy {scores['accuracy']:.3f}, macro-F1 {scores['macro_f1']:.3f}")
    print(f"the same category from both texts: {np.mean(predicted['UPR Info'] == predicted['DIHR']):.1%}")


if __name__ == "__main__":
    main()
