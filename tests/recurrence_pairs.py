"""How the candidate pairs of ``tests/data/recurrence_labels.csv`` were drawn (to be labelled by hand).

    .venv/bin/python tests/recurrence_pairs.py OUT.csv

Candidate pairs are each cycle-2 recommendation of the embedded data with its best cycle-1 match. Pairs
1-225 (``draw``) come from the draft matcher of commit 7e2c923 (cosine with the instrument gate only); run
this file at that commit to draw them again. The draw is stratified by similarity, in bands of
0.1, with more pairs in the middle bands where the threshold was expected to fall, so that both sides of it
are well represented; within a band, pairs are drawn uniformly (seed ``SEED``). ``weight`` is the band's
number of candidate pairs over the number drawn from it: weighted counts estimate precision and recall over
all candidate pairs, not only over the ones drawn.

Pairs 226-255 (``draw_rematched``, seed 14, stratum ``rematched``) are 30 of the final matcher's repeats
whose cycle-2 recommendation the draft had matched to another cycle-1 one (582 such repeats): the pairs
the first draw could not hold.
"""

import sys

import numpy as np
import pandas as pd

SEED = 13
STRATA = ((0.0, 0.1, 10), (0.1, 0.2, 15), (0.2, 0.3, 30), (0.3, 0.4, 35), (0.4, 0.5, 35),
          (0.5, 0.6, 30), (0.6, 0.7, 25), (0.7, 0.8, 20), (0.8, 0.9, 15), (0.9, 1.0, 10))


def band(similarity):
    """The stratum of a similarity, e.g. ``"0.3-0.4"`` (1.0 falls in the top band)."""
    for low, high, _ in STRATA:
        if low <= similarity < high or (high == 1.0 and similarity >= 1.0):
            return f"{low:.1f}-{high:.1f}"
    raise ValueError(similarity)


def draw(repeats):
    """The pairs to label, from ``Recurrence.repeats``: one frame, in a shuffled order."""
    rng = np.random.default_rng(SEED)
    pool = repeats.dropna(subset=["matched_rec_id"]).sort_values("rec_id").reset_index(drop=True)
    pool = pool.assign(stratum=pool["similarity"].map(band))
    drawn = []
    for low, high, n in STRATA:
        stratum = pool[pool["stratum"] == f"{low:.1f}-{high:.1f}"]
        picked = stratum.iloc[np.sort(rng.choice(len(stratum), size=n, replace=False))]
        drawn.append(picked.assign(weight=len(stratum) / n))
    frame = pd.concat(drawn).sample(frac=1, random_state=SEED).reset_index(drop=True)
    return pd.DataFrame({"pair": range(1, len(frame) + 1), "stratum": frame["stratum"],
                         "weight": frame["weight"].round(4), "sur_iso3": frame["sur_iso3"],
                         "cycle2_rec_id": frame["rec_id"], "cycle1_rec_id": frame["matched_rec_id"],
                         "cycle2_text": frame["text"], "cycle1_text": frame["matched_text"]})


def draw_rematched(final, draft, n=30, seed=14):
    """Pairs to label among ``final.repeats`` flagged repeated whose match differs in ``draft.repeats``."""
    draft_match = draft.repeats.set_index("rec_id")["matched_rec_id"]
    final_rows = final.repeats.set_index("rec_id")
    pool = final_rows[final_rows["repeated"] & (final_rows["matched_rec_id"] != draft_match.reindex(final_rows.index))]
    pool = pool.sort_index().reset_index()
    rng = np.random.default_rng(seed)
    picked = pool.iloc[np.sort(rng.choice(len(pool), n, replace=False))].sample(frac=1, random_state=seed)
    return pd.DataFrame({"stratum": "rematched", "weight": round(len(pool) / n, 4), "sur_iso3": picked["sur_iso3"],
                         "cycle2_rec_id": picked["rec_id"], "cycle1_rec_id": picked["matched_rec_id"],
                         "cycle2_text": picked["text"], "cycle1_text": picked["matched_text"]}).reset_index(drop=True)


if __name__ == "__main__":
    import upr_lab
    from upr_lab.stats import recurrence

    draw(recurrence.match(upr_lab.load().recommendations).repeats).to_csv(sys.argv[1], index=False)
