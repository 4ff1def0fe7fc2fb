"""The recommending States' side of the UPR: who recommended to a State under review, what they asked, how it
responded, and, across all States, a dyadic model of support.

* ``recommenders``: a State's recommending States and groups by cycle (counts, supported and noted, acceptance
  with Wilson intervals, mean action category), its top recommenders, and the share of its recommendations
  from each group beside all States';
* ``asked``: what they asked (action categories and issues by recommending group) and the mean action
  category by recommending group over all States (the published anchor, McMahon 2012);
* ``dyadic``: one row per recommendation as a dyad (recommending State, State under review): same group,
  reciprocity, the democracy gap between the two;
* ``model``: the dyadic logit of support, standard errors clustered by State under review.

    from upr_lab import dyads
    dyads.top_recommenders(recs, "NOR")
    dyads.mean_action_category_by_recommender_group(recs)     # {"1": {"WEOG": 4.3, ...}, ...}
    dyads.dyadic_model(recs, context)                         # an EffectsResult
"""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "GROUPS": ".recommenders:GROUPS",
    "received": ".recommenders:received",
    "by_recommending_state": ".recommenders:by_recommending_state",
    "by_recommending_group": ".recommenders:by_recommending_group",
    "top_recommenders": ".recommenders:top_recommenders",
    "top_recommenders_table": ".recommenders:top_recommenders_table",
    "group_shares": ".recommenders:group_shares",
    "category_mix_by_group": ".asked:category_mix_by_group",
    "top_issues_by_group": ".asked:top_issues_by_group",
    "action_category_by_recommender_group": ".asked:action_category_by_recommender_group",
    "mean_action_category_by_recommender_group": ".asked:mean_action_category_by_recommender_group",
    "categories_known": ".asked:categories_known",
    "reciprocal": ".dyadic:reciprocal",
    "dyads": ".dyadic:dyads",
    "dyadic_model": ".model:dyadic_model",
    "terms_of_interest": ".model:terms_of_interest",
    "reading": ".model:reading",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
