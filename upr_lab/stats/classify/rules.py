"""The rule baseline: McMahon's action categories read from a recommendation's first verb.

McMahon (and UPR Info after him) assign the category mostly by the verb that opens a recommendation:
1 asks something of States other than the State under review or asks it to seek or share (minimal action);
2 continuing action ("continue", "maintain", "pursue"); 3 considering change ("consider", "explore",
"study"); 4 general action ("take measures", "ensure", "promote", "strengthen"); 5 specific action
("ratify", "adopt", "abolish", "amend", "enact", "establish", "investigate"). A verb not listed is read
as general action (4), the commonest category.
"""

from upr_lab.stats.classify.features import first_verb

_VERBS = {
    1: "seek share request call exchang appeal invit encourag welcom note recogn",
    2: "continu maintain persever persist pursu keep sustain further remain carri",
    3: "consid envisag reflect explor studi examin evalu assess look reconsid think",
    4: "take ensur promot strengthen intensifi improv address make guarante enhanc combat protect "
       "increas redoubl fight prevent provid work respect support step foster develop reinforc raiz rais "
       "undertak devot facilit allow give pay put",
    5: "ratifi adopt abolish amend enact establish investig prosecut acced sign withdraw lift repeal "
       "decriminaliz crimin creat implement extend incorpor issu releas revis harmoniz introduc align "
       "abrog end ceas submit set allocat bring declar prohibit ban conduct draft complet finaliz becom "
       "join elabor launch accept",
}
VERB_CATEGORY = {verb: category for category, verbs in _VERBS.items() for verb in verbs.split()}
DEFAULT = 4


def category(text):
    """McMahon's action category of a recommendation by its first verb (4 where the verb is not listed)."""
    return VERB_CATEGORY.get(first_verb(text), DEFAULT)


def categories(texts):
    """``category`` of each text, as a list."""
    return [category(t) for t in texts]

