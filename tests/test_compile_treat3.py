"""Treatment wording, round 3: what has come of standard therapy, response to a treatment and
recovery from it. Criterion text → canonical rule, the near misses that must stay free text, and
the patients a reading could fail wrongly."""

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import FreeText
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.rules import parse_rule
from screening.tokens.lexicon import load_lexicon
from screening.vocabulary import load_vocabulary

from made_up import AS_OF, outcome


@pytest.mark.parametrize("text, kind, rule", [
    # what has come of standard therapy: a fact for each word said of it, a negation kept
    ("Failed or intolerant of standard of care therapy", "inclusion",
     "attribute standard_therapy_failed or attribute standard_therapy_intolerant"),
    ("Subjects who have failed prior standard care or are intolerant to standard care", "inclusion",
     "attribute standard_therapy_failed or attribute standard_therapy_intolerant"),
    ("Refractory to standard therapy", "inclusion", "attribute standard_therapy_failed"),
    ("Relapsed or refractory to standard therapy", "inclusion", "attribute standard_therapy_failed"),
    ("Disease progression on standard therapy", "inclusion", "attribute standard_therapy_failed"),
    ("Patients who have progressed on or after standard treatment", "inclusion", "attribute standard_therapy_failed"),
    ("Failure of standard therapy", "inclusion", "attribute standard_therapy_failed"),
    ("Cannot tolerate standard treatment regimens", "inclusion", "attribute standard_therapy_intolerant"),
    ("Unable to tolerate standard therapy", "inclusion", "attribute standard_therapy_intolerant"),
    ("No standard therapy exists", "inclusion", "not attribute standard_therapy_available"),
    ("For whom no standard treatment is available", "inclusion", "not attribute standard_therapy_available"),
    ("Patients who have failed standard therapy or for whom no standard therapy exists", "inclusion",
     "attribute standard_therapy_failed or not attribute standard_therapy_available"),
    ("Not a candidate for standard therapy", "inclusion", "not attribute standard_therapy_candidate"),
    ("Not eligible for standard of care therapy", "inclusion", "not attribute standard_therapy_candidate"),
    ("Ineligible for standard therapy", "inclusion", "not attribute standard_therapy_candidate"),
    ("No longer candidates for standard therapy", "inclusion", "not attribute standard_therapy_candidate"),
    ("Eligible for standard therapy", "exclusion", "attribute standard_therapy_candidate"),
    ("Refused standard therapy", "inclusion", "attribute standard_therapy_refused"),
    ("Patient declined standard treatment", "inclusion", "attribute standard_therapy_refused"),
    # a curative therapy: available, or the patient a candidate for it
    ("No known curative therapy exists", "inclusion", "not attribute curative_therapy_available"),
    ("Curative therapy available", "exclusion", "attribute curative_therapy_available"),
    ("Not a candidate for curative treatment", "inclusion", "not attribute curative_therapy_candidate"),
    ("Refractory to, intolerant of or ineligible for standard therapy", "inclusion",
     "attribute standard_therapy_failed or attribute standard_therapy_intolerant"
     " or not attribute standard_therapy_candidate"),
    # the disease, and what has come of its standard therapy
    ("Histologically confirmed advanced solid tumor that has progressed on standard therapy or for which no standard"
     " therapy exists", "inclusion",
     "condition solid_tumor [advanced] and (attribute standard_therapy_failed"
     " or not attribute standard_therapy_available)"),
    ("Solid tumor for which no standard therapy is available", "inclusion",
     "condition solid_tumor and not attribute standard_therapy_available"),
    ("Patients with metastatic colorectal cancer who have failed standard therapy", "inclusion",
     "condition colorectal_cancer [metastatic] and attribute standard_therapy_failed"),
    ("Advanced solid tumor refractory to or intolerant of standard therapy, or for which no standard therapy exists",
     "inclusion",
     "condition solid_tumor [advanced] and (attribute standard_therapy_failed or attribute standard_therapy_intolerant"
     " or not attribute standard_therapy_available)"),
    # a drug unless given for a purpose, which a profile does not record: kept in words
    ("No concurrent systemic corticosteroids except for treatment of increased intracranial pressure", "inclusion",
     "not (medication corticosteroid [current, systemic] and not text \"for treatment of increased intracranial"
     " pressure\")"),
    ("Systemic corticosteroids, except for physiologic replacement", "exclusion",
     "medication corticosteroid [systemic] and not text \"for physiologic replacement\""),
    ("Current use of systemic corticosteroids unless used for adrenal replacement", "exclusion",
     "medication corticosteroid [current, systemic] and not text \"used for adrenal replacement\""),
    ("Current use of warfarin other than for line patency", "exclusion",
     "medication warfarin [current] and not text \"for line patency\""),
    # a course stopped for side effects of any kind: not tolerated
    ("Prior discontinuation of cetuximab treatment due to toxicity or intolerance of cetuximab", "exclusion",
     "medication cetuximab [history, intolerant]"),
    ("Discontinued prior anti-PD-1 therapy due to toxicity", "exclusion",
     "medication pd1_inhibitor [history, intolerant]"),
    ("History of discontinuation of sorafenib due to intolerance", "exclusion",
     "medication sorafenib [history, intolerant]"),
    ("Metformin discontinued because of intolerance", "exclusion", "medication metformin [intolerant]"),
    # a response of any depth to a course: its recorded outcome
    ("Patients with partial or complete response to prior platinum-based chemotherapy", "inclusion",
     "medication platinum_chemotherapy [responded, history]"),
    ("Complete or partial response to first-line platinum-based chemotherapy", "inclusion",
     "medication platinum_chemotherapy [responded, first_line]"),
    ("Responded to prior rituximab", "inclusion", "medication rituximab [responded, history]"),
    ("At least a partial response to prior rituximab", "inclusion", "medication rituximab [responded, history]"),
    # no response is a course without one, not "no course that responded"
    ("Never responded to rituximab", "exclusion", "medication rituximab [refractory]"),
    ("Patients who did not have a response to prior rituximab", "exclusion",
     "medication rituximab [refractory, history]"),
    ("Lack of response to methotrexate", "exclusion", "medication methotrexate [refractory]"),
    ("Did not respond to at least one TNF inhibitor", "inclusion", "medication tnf_inhibitor [refractory]"),
    # recovered from the toxic effects of a prior treatment, no grade said: a fact of its own,
    # by the kind of treatment
    ("Recovered from all prior immunotherapy", "inclusion", "attribute recovered_from_prior_immunotherapy"),
    ("Recovered from all prior radiotherapy", "inclusion", "attribute recovered_from_prior_radiotherapy"),
    ("Must have recovered from all radiation-related toxicities", "inclusion",
     "attribute recovered_from_prior_radiotherapy"),
    ("Recovered from acute toxicity of prior radiotherapy.", "inclusion",
     "attribute recovered_from_prior_radiotherapy"),
    ("Patients must have recovered from the acute toxic effects of prior therapy", "inclusion",
     "attribute recovered_from_prior_therapy"),
    ("Recovery from acute toxicities of prior treatment", "inclusion", "attribute recovered_from_prior_therapy"),
    ("Recovered from all toxicities related to prior anticancer therapy", "inclusion",
     "attribute recovered_from_prior_therapy"),
    ("Recovered from treatment-related toxicities", "inclusion", "attribute recovered_from_prior_therapy"),
    ("Has not recovered from adverse events due to prior anticancer therapy", "exclusion",
     "not attribute recovered_from_prior_therapy"),
    ("Recovered from the toxic effects of prior chemotherapy and at least 4 weeks since prior chemotherapy",
     "inclusion",
     "attribute recovered_from_prior_chemotherapy and not medication chemotherapy within 4 weeks before screening"),
    # recovered from surgery: of any, so of a major one
    ("Recovered from prior surgery", "inclusion", "attribute recovered_from_surgery"),
    ("Must have fully recovered from any major surgery", "inclusion", "attribute recovered_from_major_surgery"),
    ("Adequately recovered from complications of major surgery", "inclusion",
     "attribute recovered_from_major_surgery"),
    ("Fully recovered from the toxic effects of prior therapy", "inclusion", "attribute recovered_from_prior_therapy"),
    # with a grade, the fact it always was
    ("Recovered from toxicities of prior therapy to grade ≤ 1", "inclusion",
     "attribute recovered_from_prior_toxicity"),
])
def test_treatment_wording(text, kind, rule):
    compiled = compile_criterion(text, kind)
    assert to_text(compiled.rule) == rule
    assert to_text(parse_rule(rule)) == rule


@pytest.mark.parametrize("text, kind", [
    # "had no standard treatment": none available, or none received?
    ("Malignant tumor that failed from standard treatment or had no standard treatment", "inclusion"),
    # standard therapy with nothing said of it, or said in words not read
    ("Receiving standard therapy", "inclusion"),
    ("Standard therapy has failed or is not available", "inclusion"),
    ("Exhausted all standard therapy options", "inclusion"),
    ("No prior standard therapy", "inclusion"),
    ("Able to tolerate standard therapy", "inclusion"),
    ("Refused curative therapy", "inclusion"),  # no attribute records it
    ("Progressed after at least one line of standard therapy", "inclusion"),
    # recovered, but with an exception, another grade or a time: another fact
    ("Recovered from toxicities of prior therapy (except alopecia)", "inclusion"),
    ("Recovered from toxicities of prior therapy to grade 2 or less", "inclusion"),
    ("Recovered from infection", "inclusion"),
    # a complete response only is narrower than a response; a lost one or a benefit is not either
    ("Complete response to prior chemotherapy", "inclusion"),
    ("Partial response to prior chemotherapy", "inclusion"),
    ("Loss of response to infliximab", "exclusion"),
    ("At least partial benefit from current treatment regimen", "exclusion"),
    ("Documented bacterial or viral infection not responding to appropriate treatment", "exclusion"),
    # a purpose of which drug of a list, or one followed by more of the criterion
    ("Use of aspirin or clopidogrel except for prevention of stroke", "exclusion"),
    ("Systemic corticosteroids except for treatment of brain edema within 4 weeks", "exclusion"),
    # stopped for a named kind of side effect, or with another drug in the words
    ("Prior anti-PD-1 therapy discontinued due to an immune-related adverse event", "exclusion"),
    ("Discontinuation of methotrexate due to toxicity or intolerance of leflunomide", "exclusion"),
    # what follows the facts may say more of them
    ("Solid tumor for which no standard therapy exists, except for patients with ECOG 2", "inclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    rule = compile_criterion(text, kind).rule
    assert isinstance(rule, FreeText) or "text \"" in to_text(rule), to_text(rule)


def test_what_is_said_of_standard_therapy_names_attributes():
    vocab = load_vocabulary()
    for said in load_lexicon().standard_therapy_said.values():
        assert vocab.get(f"standard_therapy_{said.removeprefix('not ')}").category == "attribute"


@pytest.mark.parametrize("attributes, truth", [
    ({}, Truth.UNKNOWN),  # whether standard therapy failed is not recorded: never a fail
    ({"failed standard therapy": True}, Truth.TRUE),
    ({"intolerant of standard therapy": True}, Truth.TRUE),
    ({"failed standard therapy": False}, Truth.UNKNOWN),
    ({"failed standard therapy": False, "intolerant of standard therapy": False}, Truth.FALSE),
])
def test_failed_or_intolerant_of_standard_therapy(attributes, truth):
    rule = "attribute standard_therapy_failed or attribute standard_therapy_intolerant"
    assert outcome(rule, attributes=attributes).truth is truth


@pytest.mark.parametrize("outcome_, truth", [
    ("responded", Truth.TRUE),
    ("no_response", Truth.FALSE),
    ("intolerant", Truth.UNKNOWN),  # stopped for side effects, perhaps after it had worked
    (None, Truth.UNKNOWN),
])
def test_a_response_is_the_recorded_outcome(outcome_, truth):
    course = {"name": "carboplatin", "start": "2025-01-01", "end": "2025-06-01"}
    if outcome_ is not None:
        course["outcome"] = outcome_
    result = outcome("medication platinum_chemotherapy [responded, history]", medications=[course],
                     complete=["medications"])
    assert result.truth is truth


def test_no_response_to_a_drug_never_given_does_not_exclude():
    rule = compile_criterion("Never responded to rituximab", "exclusion").rule
    result = evaluate(rule, Context(patient=patient_from_mapping(
        {"id": "P", "complete": ["medications"], "medications": [{"name": "metformin"}]}), as_of=AS_OF))
    assert result.truth is Truth.FALSE


@pytest.mark.parametrize("attributes, truth", [
    ({}, Truth.UNKNOWN),
    ({"recovered from the toxic effects of prior radiotherapy": False}, Truth.FALSE),
    # recovered from every prior therapy (to grade 1 or baseline, or with no grade said): from this one too
    ({"recovered from adverse events of prior therapy to grade 1 or baseline": True}, Truth.TRUE),
    ({"recovered from the toxic effects of prior therapy": True}, Truth.TRUE),
    # not recovered from something: not necessarily from the radiotherapy
    ({"recovered from adverse events of prior therapy to grade 1 or baseline": False}, Truth.UNKNOWN),
    ({"recovered from the toxic effects of prior therapy": False}, Truth.UNKNOWN),
    ({"recovered from the toxic effects of prior chemotherapy": True}, Truth.UNKNOWN),
])
def test_recovered_from_radiotherapy_follows_from_recovery_from_all_therapy(attributes, truth):
    assert outcome("attribute recovered_from_prior_radiotherapy", attributes=attributes).truth is truth


def test_what_a_patient_recovered_from_names_attributes():
    vocab = load_vocabulary()
    for fact in load_lexicon().recovered_from.values():
        assert vocab.get(fact).category == "attribute"


@pytest.mark.parametrize("medications, truth", [
    ([], Truth.TRUE),  # not on the drug: the purpose does not matter
    ([{"name": "dexamethasone", "start": "2026-10-01", "route": "oral"}], Truth.UNKNOWN),  # for the oedema?
])
def test_a_drug_given_for_a_purpose_waits_for_a_coordinator(medications, truth):
    rule = compile_criterion("No concurrent systemic corticosteroids except for treatment of increased intracranial"
                             " pressure", "inclusion").rule
    patient = patient_from_mapping({"id": "P", "complete": ["medications"], "medications": medications})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("attributes, truth", [
    ({"recovered from surgery": True}, Truth.TRUE),
    ({"recovered from surgery": False}, Truth.UNKNOWN),  # from a minor one, perhaps
    ({"recovered from major surgery": False}, Truth.FALSE),
])
def test_recovered_from_major_surgery_follows_from_recovery_from_any(attributes, truth):
    assert outcome("attribute recovered_from_major_surgery", attributes=attributes).truth is truth
