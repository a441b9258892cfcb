"""Specialty wording (neurology, ophthalmology, dermatology, rheumatology, respiratory, IBD,
haematology, transplant, women's health, paediatrics, critical care): text → rule, and what must
stay free text because a reading could fail a patient wrongly."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text
from screening.tokens import normalise
from screening.tokens.lexicon import split_pieces
from screening.vocabulary import load_vocabulary

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # SOFA (organ failure) and SOFAS (social functioning) differ by a letter the plural rule drops
    ("SOFA score ≥ 2", "inclusion", "sofa >= 2"),
    ("SOFAS score ≥ 50", "inclusion", "sofas >= 50"),
    ("CAPS score ≥ 50", "inclusion", "caps >= 50"),
    # exhaled nitric oxide in parts per billion
    ("FeNO ≥ 25 ppb", "inclusion", "feno >= 25 ppb"),
    ("Clinical Disease Activity Index > 10", "inclusion", "cdai_ra > 10"),
    ("Severe hemophilia A (factor VIII activity < 1%)", "inclusion", "factor_viii_activity < 1 %"),
    # a value "with" another: both are required, in an exclusion too
    ("Mayo score 6-12 with endoscopic subscore ≥ 2", "inclusion",
     "(mayo_score >= 6 and mayo_score <= 12) and mayo_endoscopic_subscore >= 2"),
    ("Total Mayo score of 6 to 12 with a Mayo endoscopic subscore of 2 or 3", "inclusion",
     "(mayo_score >= 6 and mayo_score <= 12) and mayo_endoscopic_subscore >= 2"),
    ("eGFR < 30 mL/min/1.73 m2 with UACR > 300 mg/g", "exclusion", "egfr < 30 mL/min/1.73m2 and uacr > 300 mg/g"),
    ("eGFR < 30 and UACR > 300 mg/g", "exclusion", "egfr < 30 or uacr > 300 mg/g"),
    # an age ends at the item's separator: the duration after it is the next condition's
    ("Age ≥ 18; ≥ 6 months psoriasis", "inclusion", "age >= 18 years and condition psoriasis lasting >= 6 months"),
    # red cells, not any blood product
    ("Red blood cell transfusion within 4 weeks prior to screening", "exclusion",
     "procedure red_cell_transfusion within 4 weeks before screening"),
    ("Blood transfusion within 4 weeks", "exclusion", "procedure blood_transfusion within 4 weeks before screening"),
    # kinds of stoma and feeding tube, and antibodies against the donor only
    ("Ileostomy or colostomy", "exclusion", "procedure ileostomy or procedure colostomy"),
    ("Gastrostomy", "exclusion", "procedure gastrostomy"),
    ("Donor-specific antibodies", "exclusion", "donor_specific_antibodies in {positive}"),
    # the Mayo score's parts, prostate volume, slow vital capacity, an infant's age since birth
    ("Stool frequency subscore ≥ 2", "inclusion", "mayo_stool_frequency_subscore >= 2"),
    ("Rectal bleeding subscore ≥ 1", "inclusion", "mayo_rectal_bleeding_subscore >= 1"),
    ("Prostate volume ≥ 30 mL", "inclusion", "prostate_volume >= 30 mL"),
    ("Slow vital capacity ≥ 60% predicted", "inclusion", "svc_percent_predicted >= 60 %"),
    ("Postnatal age ≤ 7 days", "inclusion", "age <= 7 days"),
    # kinds of incontinence
    ("Urgency urinary incontinence", "inclusion", "condition urge_urinary_incontinence"),
    ("Stress or mixed urinary incontinence", "exclusion",
     "condition stress_urinary_incontinence or condition mixed_urinary_incontinence"),
    # a history measured in pack-years
    ("Smoking history of ≥ 10 pack-years", "inclusion", "pack_years >= 10"),
    ("Smoking history of > 10 pack-years", "exclusion", "pack_years > 10"),
    ("≥ 10 pack-year smoking history", "inclusion", "pack_years >= 10"),
])
def test_specialty_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # "CDAI" is the Clinical Disease Activity Index in arthritis, the Crohn's index in IBD
    ("CDAI score of 220 to 450", "inclusion"),
    ("CDAI > 10", "inclusion"),
    # an inhibitor titre without its factor: factor VIII or factor IX
    ("Inhibitor titer ≥ 0.6 BU/mL", "exclusion"),
    ("Bethesda titer ≥ 0.6", "exclusion"),
    # a percentage after a clotting factor is its level in the blood, not a dose of the drug
    ("Severe hemophilia A (FVIII < 1%)", "inclusion"),
    # "CAP" alone is community-acquired pneumonia as often as the liver's attenuation parameter
    ("CAP score ≥ 280", "inclusion"),
    # a value "with" something that is not a value
    ("EDSS ≤ 5.5 with at least one relapse", "inclusion"),
    # postmenstrual age is gestational age at birth plus the weeks lived since
    ("Postmenstrual age between 32 and 36 weeks", "inclusion"),
    # "smokers" may be current smokers only (test_compile_conditions8 reads "smokers with > 20
    # pack-years" as the bare condition, which a former smoker leaves unknown)
    ("Current smokers or former smokers with ≥ 10 pack-years", "exclusion"),
    # an operation named after the condition it treats is not the condition
    ("Epilepsy surgery within 6 months", "exclusion"),
    ("Endometriosis surgery within 3 months", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def test_no_two_concepts_share_a_form_once_normalised():
    """Case and a plural -s are ignored in matching ("SOFAS score" reads as "SOFA score"), so two
    unrelated concepts whose forms normalise alike would be told apart by list order alone."""
    vocab = load_vocabulary()
    owners: dict[tuple[bool, tuple[str, ...]], set[str]] = {}
    for form, concept_id, case_sensitive in vocab.surface_forms():
        pieces = split_pieces(normalise(form).text)
        key = tuple(p.text if case_sensitive else p.key for p in pieces)
        owners.setdefault((case_sensitive, key), set()).add(concept_id)
    # a class named after its best-known member ("penicillin") shares the form on purpose
    shared = {key: ids for key, ids in owners.items()
              if len(ids) > 1 and not any(vocab.is_a(a, b) for a in ids for b in ids if a != b)}
    assert not shared


def test_a_platelet_transfusion_is_not_a_red_cell_transfusion():
    rule = "procedure red_cell_transfusion within 4 weeks before screening"
    recent = "2026-11-10"
    assert outcome(rule, procedures=[{"name": "platelet transfusion", "date": recent}],
                   complete=["procedures"]).truth is Truth.FALSE
    assert outcome(rule, procedures=[{"name": "RBC transfusion", "date": recent}]).truth is Truth.TRUE
    # any blood product still counts as a blood transfusion
    assert outcome("procedure blood_transfusion within 4 weeks before screening",
                   procedures=[{"name": "packed red cells", "date": recent}]).truth is Truth.TRUE


def test_a_kind_of_stoma_or_tube_is_not_another():
    day = "2026-10-01"
    assert outcome("procedure gastrostomy", procedures=[{"name": "NG tube", "date": day}],
                   complete=["procedures"]).truth is Truth.FALSE
    assert outcome("procedure colostomy", procedures=[{"name": "ileostomy", "date": day}],
                   complete=["procedures"]).truth is Truth.FALSE
    peg = [{"name": "PEG tube", "date": day}]
    assert outcome("procedure enteral_feeding_tube [history]", procedures=peg).truth is Truth.TRUE
    colostomy = [{"name": "colostomy", "date": day}]
    assert outcome("procedure ostomy [history]", procedures=colostomy).truth is Truth.TRUE


def test_anti_hla_antibodies_are_not_donor_specific_ones():
    hla = [{"name": "anti-HLA antibodies", "value": "positive", "date": "2026-11-01"}]
    assert outcome("donor_specific_antibodies in {positive}", labs=hla).truth is Truth.UNKNOWN


def test_a_kind_of_incontinence_or_bladder_overactivity_is_not_another():
    conditions = [{"name": "overactive bladder", "onset": "2025-01-01"}]
    assert outcome("condition urge_urinary_incontinence", conditions=conditions,
                   complete=["conditions"]).truth is not Truth.TRUE
    stress = [{"name": "stress urinary incontinence", "onset": "2025-01-01"}]
    assert outcome("condition mixed_urinary_incontinence", conditions=stress,
                   complete=["conditions"]).truth is Truth.FALSE
    urge = [{"name": "urge incontinence", "onset": "2025-01-01"}]
    assert outcome("condition overactive_bladder", conditions=urge).truth is Truth.TRUE
    assert outcome("condition urinary_incontinence", conditions=urge).truth is Truth.TRUE


def test_pack_years_grow_while_one_smokes():
    rule = "pack_years >= 10"
    assert outcome(rule, scores=[{"name": "pack-years", "value": 12, "date": "2026-10-01"}]).truth is Truth.TRUE
    assert outcome(rule, scores=[{"name": "pack-years", "value": 8, "date": "2026-10-01"}]).truth is Truth.FALSE
    assert outcome(rule, scores=[{"name": "pack-years", "value": 8, "date": "2024-10-01"}]).truth is Truth.UNKNOWN
