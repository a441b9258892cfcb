"""Standard wording of non-oncology protocols (metabolic, cardiology, renal, liver, neurology,
psychiatry, infectious disease, vaccines, phase-1 healthy volunteers): text → rule, what stays
free text, and how the new readings evaluate."""

import pytest

from screening.compile import compile_criterion, parse_rule
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # revascularization: coronary only when the words say so
    ("Planned coronary revascularization", "exclusion", "procedure coronary_revascularization [planned]"),
    ("Planned revascularization", "exclusion", "procedure revascularization [planned]"),
    ("Cardiac resynchronization therapy", "exclusion", "procedure cardiac_resynchronization_therapy"),
    # not being able to swallow is not the disease dysphagia
    ("Inability to swallow oral medication", "exclusion", "not attribute swallows_oral_medication"),
    ("Inability to swallow", "exclusion", "not attribute swallows_oral_medication"),
    # this study itself, a second time
    ("Previous enrollment in this study", "exclusion", "attribute previously_in_this_study"),
    ("Previously randomized in this study", "exclusion", "attribute previously_in_this_study"),
    ("Subjects who have previously been randomized in this trial", "exclusion", "attribute previously_in_this_study"),
    ("Previous participation in this study", "exclusion", "attribute previously_in_this_study"),
    ("Randomized previously in this study", "exclusion", "attribute previously_in_this_study"),
    # a device "implanted" is the procedure that placed it
    ("Cardiac resynchronization therapy device implanted within 3 months", "exclusion",
     "procedure cardiac_resynchronization_therapy within 3 months before screening"),
    # a risk is judged; the bleeding beside it is not
    ("Active bleeding or high risk of bleeding", "exclusion",
     'condition bleeding [active] or judgement "high risk of bleeding"'),
    ("Patients at increased risk of bleeding", "exclusion", 'judgement "at increased risk of bleeding"'),
    ("Current ALT > 3 x ULN", "exclusion", "alt > 3 x ULN"),
    # a risk the vocabulary names as a condition stays that condition
    ("At risk for suicide", "exclusion", "condition suicide_risk"),
    # a condition that is a measured value beyond a limit; "before vaccination" is the study's
    ("Fever ≥ 38.0 °C within 72 hours before vaccination", "exclusion",
     "temperature >= 38 °C within 72 hours before first_dose"),
    ("Fever > 3 days", "exclusion", "condition fever lasting > 3 days"),
    ("Received any vaccine within 30 days prior to vaccination", "exclusion",
     "vaccination vaccine within 30 days before first_dose"),
    ("At least 4 weeks since vaccination", "inclusion", "not vaccination vaccine within 4 weeks before screening"),
    # chronic dialysis is not any dialysis
    ("Chronic dialysis", "exclusion", "procedure chronic_dialysis"),
    ("Patients on maintenance hemodialysis", "exclusion", "procedure chronic_hemodialysis"),
    # a range restated in another unit
    ("HbA1c of 7.0-10.0% (53-86 mmol/mol) at screening", "inclusion", "hba1c >= 7 % and hba1c <= 10 %"),
    # "vaccination with" a vaccine is that vaccine
    ("Vaccination with a live vaccine within 4 weeks", "exclusion",
     "vaccination live_vaccine within 4 weeks before screening"),
    # class names registries use
    ("Treatment with any glucose-lowering agent other than metformin within 90 days", "exclusion",
     "medication antidiabetic except (metformin) within 90 days before screening"),
    ("Use of nicotine-containing products within 3 months", "exclusion",
     "condition nicotine_use within 3 months before screening"),
    # how a diagnosis was made does not change it
    ("Diagnosis of major depressive disorder according to DSM-5", "inclusion", "condition major_depressive_disorder"),
    ("Schizophrenia as defined by DSM-5 criteria", "inclusion", "condition schizophrenia"),
    # an immunosuppressive condition is a state of the patient, not a drug
    ("Any confirmed or suspected immunosuppressive or immunodeficient condition", "exclusion",
     "condition immunodeficiency"),
    ("Lifetime diagnosis of schizophrenia or schizoaffective disorder", "exclusion",
     "condition schizophrenia [history] or condition schizoaffective_disorder [history]"),
    # one name shared by two words before it
    ("History of acute or chronic pancreatitis", "exclusion",
     "condition acute_pancreatitis [history] or condition chronic_pancreatitis [history]"),
    # kinds, not their class: a carotid endarterectomy is not any vascular surgery, hypoglycemia
    # unawareness is not any hypoglycemia, a gallbladder disease not any biliary disease
    ("Carotid endarterectomy within 6 months", "exclusion", "procedure carotid_endarterectomy within 6 months before screening"),
    ("History of peripheral artery revascularization", "exclusion", "procedure peripheral_revascularization [history]"),
    ("Hypoglycemia unawareness", "exclusion", "condition hypoglycemia_unawareness"),
    ("Nicotine dependence", "exclusion", "condition nicotine_dependence"),
    ("History of gallbladder disease", "exclusion", "condition gallbladder_disease [history]"),
    ("Known or suspected allergy to the investigational agent", "exclusion", "condition study_drug_hypersensitivity"),
    # a relative's history is not the patient's
    ("Family history of medullary thyroid carcinoma", "exclusion", "family_history medullary_thyroid_carcinoma"),
    ("Family history of MTC or MEN2", "exclusion", "family_history medullary_thyroid_carcinoma or family_history men2"),
    ("Personal or family history of medullary thyroid carcinoma or multiple endocrine neoplasia type 2", "exclusion",
     "(condition medullary_thyroid_carcinoma [history] or family_history medullary_thyroid_carcinoma) or "
     "(condition men2 [history] or family_history men2)"),
    ("History of pancreatitis or family history of long QT syndrome", "exclusion",
     "condition pancreatitis [history] or family_history long_qt_syndrome"),
    ("First-degree relative with type 1 diabetes", "inclusion", "family_history type_1_diabetes [first_degree]"),
    ("Type 1 diabetes in a first-degree relative", "inclusion", "family_history type_1_diabetes [first_degree]"),
    ("Family history of sudden cardiac death in a first-degree relative", "exclusion",
     "family_history sudden_cardiac_death [first_degree]"),
    ("No personal or family history of long QT syndrome", "inclusion",
     "not (condition long_qt_syndrome [history] or family_history long_qt_syndrome)"),
])
def test_general_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # "bypass surgery" may be gastric or of a leg
    ("Bypass surgery within 3 months", "exclusion"),
    # the risk may be of both
    ("High risk of bleeding or stroke within 3 months", "exclusion"),
    # what follows could not be quoted by the judgement
    ("Increased risk of bleeding (e.g. hemophilia) within 3 months", "exclusion"),
    # when, or a relative named otherwise: not read
    ("Known family history of psychosis (first-degree relative)", "exclusion"),
    ("Family history of diabetes within 5 years", "exclusion"),
    ("Family history of premature coronary heart disease", "exclusion"),
    # a relative's history among exceptions or examples is not the patient's own
    ("Any malignancy except family history of breast cancer", "exclusion"),
    ("Diabetes (including family history of diabetes)", "exclusion"),
    # a limit on a measured value reads the latest value: a change, a history or a recurrence
    # of it is something else
    ("Self-reported change in body weight > 5 kg within 90 days before screening", "exclusion"),
    ("History of HbA1c > 10%", "exclusion"),
    ("Recurrent potassium > 5.5 mmol/L", "exclusion"),
    # a restatement that does not convert to the same limits is not one
    ("HbA1c 7.0-10.0% (53-99 mmol/mol)", "inclusion"),
    # no condition "current pancreatitis" to share the name with
    ("Current or chronic pancreatitis", "exclusion"),
    # "the investigational drug" is this study's drug, not any
    ("Previous treatment with the investigational drug", "exclusion"),
    # a donation's volume is not recorded
    ("Donation of more than 450 mL of blood within 3 months", "exclusion"),
    # how the scale's ideation type was dated is not said
    ("C-SSRS suicidal ideation type 4 or 5 in the past 6 months", "exclusion"),
    # another study of the same drug is not this one
    ("Previous participation in this study or another study of the same drug", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_a_leg_bypass_is_no_coronary_revascularization():
    leg = {"procedures": [{"name": "peripheral revascularization", "date": "2026-12-10", "planned": True}],
           "complete": ["procedures"]}
    # plans are never known to be complete: not excluded by it, at worst asked
    assert outcome("procedure coronary_revascularization [planned]", **leg).truth is Truth.UNKNOWN
    assert outcome("procedure revascularization [planned]", **leg).truth is Truth.TRUE
    heart = {"procedures": [{"name": "PCI", "date": "2026-12-10", "planned": True}], "complete": ["procedures"]}
    assert outcome("procedure coronary_revascularization [planned]", **heart).truth is Truth.TRUE


def test_a_pacemaker_is_no_resynchronization_therapy():
    pacemaker = {"procedures": [{"name": "cardiac implantable device", "date": "2020-01-10"}],
                 "complete": ["procedures"]}
    assert outcome("procedure cardiac_resynchronization_therapy", **pacemaker).truth is not Truth.TRUE


MTC_RULE = "condition medullary_thyroid_carcinoma [history] or family_history medullary_thyroid_carcinoma"


@pytest.mark.parametrize("profile, truth", [
    # a mother's MTC is a family history, not the patient's own
    ({"family_history": [{"name": "medullary thyroid cancer", "relation": "mother"}]}, Truth.TRUE),
    ({"family_history": ["MEN2A"], "complete": ["family_history"]}, Truth.FALSE),
    # nothing recorded and the list not complete: unknown
    ({}, Truth.UNKNOWN),
    ({"family_history": ["type 2 diabetes"]}, Truth.UNKNOWN),
    # complete: what is absent is absent
    ({"family_history": ["type 2 diabetes"], "complete": ["family_history"]}, Truth.FALSE),
    # "thyroid cancer" in the family may or may not be medullary
    ({"family_history": ["thyroid cancer"], "complete": ["family_history"]}, Truth.UNKNOWN),
    # a name the vocabulary does not know cannot be ruled out
    ({"family_history": ["Zorblatt syndrome"], "complete": ["family_history"]}, Truth.UNKNOWN),
])
def test_a_family_history_is_read_from_its_own_list(profile, truth):
    rule = "family_history medullary_thyroid_carcinoma"
    assert outcome(rule, **profile).truth is truth


def test_personal_or_family_history_is_either():
    own = {"conditions": [{"name": "medullary thyroid carcinoma", "onset": "2019-01-01"}]}
    assert outcome(MTC_RULE, **own).truth is Truth.TRUE
    relative = {"family_history": ["MTC"]}
    assert outcome(MTC_RULE, **relative).truth is Truth.TRUE
    neither = {"complete": ["conditions", "family_history"]}
    assert outcome(MTC_RULE, **neither).truth is Truth.FALSE
    # a relative's condition is never the patient's own
    assert outcome("condition medullary_thyroid_carcinoma [history]", complete=["conditions"],
                   **relative).truth is Truth.FALSE


def test_a_family_history_prints_and_reads_back():
    rule = parse_rule(MTC_RULE)
    assert to_text(rule) == MTC_RULE
    assert parse_rule(to_text(rule)) == rule


def test_a_family_history_entry_may_be_a_bare_name_and_unknown_names_are_warned(tmp_path):
    from screening.patient import load_patient

    path = tmp_path / "p.yaml"
    path.write_text("id: P\nfamily_history:\n  - MTC\n  - {name: Zorblatt syndrome, relation: father}\n",
                    encoding="utf-8")
    patient = load_patient(path)
    assert [e.concept_id for e in patient.family_history] == ["medullary_thyroid_carcinoma", None]
    assert patient.family_history[1].relation == "father"
    assert any("Zorblatt syndrome" in w for w in patient.warnings)


def test_a_dialysis_session_for_acute_kidney_injury_is_not_chronic_dialysis():
    once = {"procedures": [{"name": "hemodialysis", "date": "2026-11-12"}], "complete": ["procedures"]}
    assert outcome("procedure chronic_dialysis", **once).truth is Truth.UNKNOWN
    chronic = {"procedures": [{"name": "maintenance hemodialysis", "date": "2026-11-12"}]}
    assert outcome("procedure chronic_dialysis", **chronic).truth is Truth.TRUE


def test_a_smoker_may_or_may_not_be_dependent():
    smoker = {"conditions": [{"name": "smoker"}], "complete": ["conditions"]}
    assert outcome("condition nicotine_dependence", **smoker).truth is Truth.UNKNOWN
    assert outcome("condition tobacco_use", **smoker).truth is Truth.TRUE


@pytest.mark.parametrize("rule, record", [
    ("procedure carotid_endarterectomy", "aortic aneurysm repair"),
    ("condition hypoglycemia_unawareness", "hypoglycemia"),
    ("condition gallbladder_disease", "primary sclerosing cholangitis"),
])
def test_a_sibling_kind_is_not_the_kind_asked(rule, record):
    listed = "procedures" if rule.startswith("procedure") else "conditions"
    entry = {"name": record, "date" if listed == "procedures" else "onset": "2024-01-01"}
    assert outcome(rule, **{listed: [entry], "complete": [listed]}).truth is Truth.FALSE


@pytest.mark.parametrize("relation, truth", [
    ("mother", Truth.TRUE), ("Brother", Truth.TRUE), ("first-degree relative", Truth.TRUE),
    # a cousin's is no first-degree relative's; with nothing else recorded the list decides
    ("cousin", Truth.UNKNOWN), (None, Truth.UNKNOWN), ("relative", Truth.UNKNOWN),
])
def test_a_first_degree_relative_is_a_parent_sibling_or_child(relation, truth):
    entry = {"name": "type 1 diabetes", **({"relation": relation} if relation else {})}
    assert outcome("family_history type_1_diabetes [first_degree]", family_history=[entry]).truth is truth


def test_a_cousin_in_a_complete_family_history_is_no_first_degree_relative():
    cousin = {"family_history": [{"name": "type 1 diabetes", "relation": "cousin"}], "complete": ["family_history"]}
    assert outcome("family_history type_1_diabetes [first_degree]", **cousin).truth is Truth.FALSE
    assert outcome("family_history type_1_diabetes", **cousin).truth is Truth.TRUE


def test_active_bleeding_decides_what_the_risk_cannot():
    rule = to_text(compile_criterion("Active bleeding or high risk of bleeding", "exclusion").rule)
    bleeding = {"conditions": [{"name": "gastrointestinal bleeding", "onset": "2026-11-15"}]}
    assert outcome(rule, **bleeding).truth is Truth.TRUE
    assert outcome(rule, complete=["conditions"]).truth is Truth.UNKNOWN  # the risk is judged


def test_inability_to_swallow_is_settled_by_the_attribute():
    rule = to_text(compile_criterion("Inability to swallow oral medication", "exclusion").rule)
    assert outcome(rule, attributes={"able to swallow oral medication": True}).truth is Truth.FALSE
    assert outcome(rule, attributes={"swallow tablets": False}).truth is Truth.TRUE
    # dysphagia alone does not say the patient cannot take the tablets
    assert outcome(rule, conditions=[{"name": "dysphagia"}]).truth is Truth.UNKNOWN
