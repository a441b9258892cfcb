"""Standard wording of non-oncology protocols (metabolic, cardiology, renal, liver, neurology,
psychiatry, infectious disease, vaccines, phase-1 healthy volunteers): text → rule, what stays
free text, and how the new readings evaluate."""

from datetime import date

import pytest

from screening.compile import compile_criterion, parse_rule
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import is_structured
from screening.patient import patient_from_mapping
from screening.printer import to_text

AS_OF = date(2026, 11, 20)


def outcome(rule: str, **profile):
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(parse_rule(rule), Context(patient=patient, as_of=AS_OF))


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
    # a risk is judged; the bleeding beside it is not
    ("Active bleeding or high risk of bleeding", "exclusion",
     'condition bleeding [active] or judgement "high risk of bleeding"'),
    ("Patients at increased risk of bleeding", "exclusion", 'judgement "at increased risk of bleeding"'),
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
