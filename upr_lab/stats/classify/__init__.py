"""Action categories (UPR Info's 1-5, McMahon's scale) and issue tags for recommendations a source left
without them: features, the classifiers, McMahon's first-verb rules, quantification of shares corrected for
the classifier's errors, the models trained from the embedded data at first use, and their evaluation on
later sessions (``validation/classifier.py``)."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "annotate": ".predicted:annotate",
    "predicted_counts": ".predicted:predicted_counts",
    "category_shares": ".predicted:category_shares",
    "trained": ".store:trained",
    "CategoryModel": ".model:CategoryModel",
    "TagModel": ".tags:TagModel",
    "rules": ".rules",
    "quantify": ".quantify",
    "evaluate": ".evaluate",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
