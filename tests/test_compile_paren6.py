"""Parentheticals, glosses and examples around known concepts (round 6): what a bracket or an
"e.g." / "i.e." adds to the name it follows, read where it is certain and kept in words where not."""

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    return outcome(to_text(compile_criterion(text, kind).rule), kind, **profile).truth


@pytest.mark.parametrize("text, kind, rule", [
    # "i.e." says what the head is: the kinds it names are the reading, not examples of the head
    ("Use of oral anticoagulants (i.e. coumarin derivatives)", "exclusion", "medication vitamin_k_antagonist [oral]"),
    ("Microscopic colitis (i.e., collagenous colitis and lymphocytic colitis)", "exclusion",
     "condition collagenous_colitis or condition lymphocytic_colitis"),
    ("Active hepatitis (i.e. hepatitis B or C)", "exclusion",
     "condition hepatitis_b [active] or condition hepatitis_c [active]"),
    ("Anticoagulants, namely warfarin or phenprocoumon, within 4 weeks", "exclusion",
     "medication warfarin within 4 weeks before screening or medication phenprocoumon within 4 weeks before screening"),
    # "e.g." and "such as" name examples, which do not narrow the head
    ("Use of oral anticoagulants (e.g. warfarin)", "exclusion", "medication anticoagulant [oral]"),
    ("Use of oral anticoagulants such as warfarin", "exclusion", "medication anticoagulant [oral]"),
    # an "etc." says the list after "i.e." was meant as examples after all
    ("Use of anticoagulants (i.e., warfarin, etc.)", "exclusion", "medication anticoagulant"),
    # "i.e." naming the treatment a condition required, not the condition: kinds of that treatment
    ("Has active autoimmune disease that has required systemic treatment in past 2 years (i.e., with use of "
     "disease modifying agents, corticosteroids or immunosuppressive drugs)", "exclusion",
     "condition autoimmune_disease [active] within 2 years before screening and medication "
     "immune_suppressing_therapy [systemic] for (autoimmune_disease) within 2 years before screening"),
    # when a value is taken, in brackets: at screening, which is when the latest value is read
    ("Subjects who score ≥31 on the Becks depression inventory (performed at first appointment)", "exclusion",
     "bdi_ii >= 31"),
    ("HbA1c 7-10% (measured at screening)", "inclusion", "hba1c >= 7 % and hba1c <= 10 %"),
    ("BMI ≥ 30 kg/m2 (obtained at baseline)", "inclusion", "bmi >= 30 kg/m2"),
    ("Hemoglobin ≥ 9 g/dL (done at the screening visit)", "inclusion", "hemoglobin >= 9 g/dL"),
    ("Uncontrolled hypertension (at screening)", "exclusion", "condition hypertension [uncontrolled, current]"),
    # the parts of the study drug's product, which an allergy to the study drug is already to
    ("Known hypersensitivity to the study interventions (active substances, or excipients of the preparations).",
     "exclusion", "condition study_drug_hypersensitivity"),
    ("Hypersensitivity to the study drug (or any of its excipients)", "exclusion",
     "condition study_drug_hypersensitivity"),
    # a bracket naming one kind of the head, no "e.g." or "i.e.": which is meant, or an example?
    # The kind decides; the rest of the head waits, with the bracket's words beside it
    ("Use of oral anticoagulants (coumarin derivatives)", "exclusion",
     'medication vitamin_k_antagonist [oral] or (medication anticoagulant [oral] and text "coumarin derivatives")'),
    ("Patients on oral anticoagulants (coumarin derivatives)", "inclusion",
     'medication vitamin_k_antagonist [oral] or (medication anticoagulant [oral] and text "coumarin derivatives")'),
    # what a condition comes from, in brackets: as written without them, or kept in words beside it
    ("Macular edema (secondary to BRVO)", "inclusion",
     'condition macular_edema and condition branch_retinal_vein_occlusion and text "secondary to BRVO"'),
    ("patients with liver diseases (due to drug induced, autoimmune disease and viral hepatitis)", "exclusion",
     'condition liver_disease and text "due to drug induced, autoimmune disease and viral hepatitis"'),
    # what a condition required, in brackets: as written without them
    ("History of serious infection (requiring IV antibiotics) within 8 weeks", "exclusion",
     "condition infection [history, severe] within 8 weeks before screening and medication antibiotic "
     "[intravenous] for (infection) within 8 weeks before screening"),
    # values given as examples show the condition, one way among others; after "i.e." they are it
    ("Uncontrolled hypertension (e.g., systolic > 150 mmHg and/or diastolic > 100 mmHg)", "exclusion",
     "condition hypertension [uncontrolled] or systolic_blood_pressure > 150 mmHg or "
     "diastolic_blood_pressure > 100 mmHg"),
    ("Anemia (e.g. hemoglobin < 10 g/dL)", "exclusion", "condition anemia or hemoglobin < 10 g/dL"),
    ("Uncontrolled hypertension (i.e., systolic > 150 mmHg)", "exclusion", "systolic_blood_pressure > 150 mmHg"),
    # how a finding or a value was seen, in brackets: as written without them
    ("Left ventricular ejection fraction < 40% (assessed by echocardiogram or MUGA)", "exclusion", "lvef < 40 %"),
    ("Intracranial hemorrhage (seen on CT scan)", "exclusion", "condition intracranial_hemorrhage"),
    ("Severe hearing impairment (assessed by audiometry)", "exclusion", "condition hearing_loss [severe]"),
    # an allergy to what a bracket names, after words the vocabulary does not know
    ("Hypersensitivity/allergy to dye (isosulfan blue)", "exclusion", "medication isosulfan_blue [allergic]"),
    ("Allergy to dye (isosulfan blue or methylene blue)", "exclusion",
     "medication isosulfan_blue [allergic] or medication methylene_blue [allergic]"),
])
def test_paren_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # what "i.e." names is not a kind of the head in the vocabulary: no reading of it is certain
    ("Any history of nervous system disease (i.e. aneurysm)", "exclusion"),
    ("Use of anticoagulants (i.e. aspirin)", "exclusion"),
    # a wash-out "i.e." narrows is not read as the treatment washed out
    ("At least 4 weeks since prior radiotherapy (i.e. radiosurgery)", "inclusion"),
    # a time that is not screening changes what is asked: the age at diagnosis, the weight later
    ("Age: 2-25 (at time of initial diagnosis of alveolar rhabdomyosarcoma)", "inclusion"),
    ("Weight: Greater than 15 kg (at time of apheresis)", "inclusion"),
    # one part of the product only is narrower than an allergy to the study drug
    ("Hypersensitivity to the study drug (active substance)", "exclusion"),
    ("Hypersensitivity to the study drug (excipients only)", "exclusion"),
    # a value of the moment does not show a past
    ("History of hypoglycemia (e.g., glucose < 54 mg/dL)", "exclusion"),
    # values after "i.e." beside a window of the condition
    ("Uncontrolled diabetes (e.g. HbA1c > 9%) within 3 months", "exclusion"),
    # a bracket naming another kind of thing than the condition it follows does not say what the
    # condition is: read in its place, a CT scan or digoxin would exclude
    ("Brain metastases (CT scan)", "exclusion"),
    ("Heart failure (digoxin)", "exclusion"),
    ("Anemia (transfusion)", "exclusion"),
    # what a tracing shows now is not dropped after a condition; a method with a time of its own
    ("Myocardial ischemia (on ECG)", "exclusion"),
    ("Brain metastases (by MRI within 4 weeks)", "exclusion"),
    # examples of an unknown head only ("a dye such as isosulfan blue"): the head is any dye
    ("Known allergy to dye (e.g. isosulfan blue)", "exclusion"),
    # a cause of which item of a list
    ("Anemia or neutropenia (due to chemotherapy)", "exclusion"),
    # words beside the time that are not how the value is taken
    ("HbA1c ≥ 7% (repeated unless confirmed at screening)", "inclusion"),
])
def test_what_a_gloss_could_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_a_definition_by_i_e_does_not_exclude_the_drugs_it_leaves_out():
    # read as examples, "oral anticoagulants (i.e. coumarins)" would exclude a patient on apixaban
    on_apixaban = {"medications": [{"name": "apixaban", "start": "2026-01-01", "route": "oral"}]}
    on_warfarin = {"medications": [{"name": "warfarin", "start": "2026-01-01", "route": "oral"}]}
    text = "Use of oral anticoagulants (i.e. coumarin derivatives)"
    assert screened(text, "exclusion", **on_apixaban) is not Truth.TRUE
    assert screened(text, "exclusion", **on_warfarin) is Truth.TRUE


@pytest.mark.parametrize("kind", ["exclusion", "inclusion"])
def test_a_bracket_naming_one_kind_decides_that_kind_and_leaves_the_others_to_a_coordinator(kind):
    text = "Use of oral anticoagulants (coumarin derivatives)"
    on = lambda drug: {"medications": [{"name": drug, "start": "2026-01-01", "route": "oral"}]}  # noqa: E731
    assert screened(text, kind, **on("warfarin")) is Truth.TRUE
    assert screened(text, kind, **on("apixaban")) is Truth.UNKNOWN
    assert screened(text, kind, complete=["medications"], medications=[]) is Truth.FALSE


def test_causes_in_brackets_do_not_exclude_every_liver_disease():
    text = "patients with liver diseases (due to drug induced, autoimmune disease and viral hepatitis)"
    fatty_liver = {"conditions": [{"name": "nonalcoholic fatty liver disease"}]}
    assert screened(text, "exclusion", **fatty_liver) is Truth.UNKNOWN
    assert screened(text, "exclusion", complete=["conditions"], conditions=[]) is Truth.FALSE


def test_values_given_as_examples_do_not_narrow_the_condition():
    text = "Uncontrolled hypertension (e.g., systolic > 150 mmHg)"
    high = {"vitals": [{"name": "systolic blood pressure", "value": 162, "unit": "mmHg", "date": "2026-11-18"}]}
    controlled = {"complete": ["conditions"], "conditions": [{"name": "hypertension", "controlled": True}],
                  "vitals": [{"name": "systolic blood pressure", "value": 128, "unit": "mmHg", "date": "2026-11-18"}]}
    assert screened(text, "exclusion", **high) is Truth.TRUE
    assert screened(text, "exclusion", **controlled) is Truth.FALSE
