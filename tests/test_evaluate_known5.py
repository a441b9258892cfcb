"""The evaluator on the constructs of round 5's known gaps: how long a procedure has gone on,
spirometry before and after a bronchodilator, what a treatment was given for."""

import pytest

from screening.errors import InputError
from screening.logic import Truth
from screening.patient import patient_from_mapping

from made_up import outcome


# --- how long a procedure that goes on (dialysis, ventilation) has gone on ------------------------

ON_DIALYSIS_3_MONTHS = "procedure hemodialysis lasting >= 3 months"


@pytest.mark.parametrize("entry, truth", [
    ({"start": "2026-01-05"}, Truth.TRUE),                        # ongoing since January
    ({"start": "2026-10-01"}, Truth.FALSE),                       # ongoing, seven weeks
    ({"start": "2026-01-05", "end": "2026-02-01"}, Truth.FALSE),  # a month, and the list is complete
    ({"start": "2025-01-05", "end": "2026-11-01"}, Truth.UNKNOWN),  # stopped: still "on" it?
    ({"date": "2025-06-01"}, Truth.UNKNOWN),                      # a day: how long it went on is not said
    ({}, Truth.UNKNOWN),
])
def test_how_long_a_procedure_has_gone_on_is_known_from_its_start(entry, truth):
    procedures = [{"name": "hemodialysis", **entry}]
    result = outcome(ON_DIALYSIS_3_MONTHS, procedures=procedures, complete=["procedures"])
    assert result.truth is truth


def test_a_patient_never_on_dialysis_has_not_been_on_it_three_months():
    assert outcome(ON_DIALYSIS_3_MONTHS, procedures=[], complete=["procedures"]).truth is Truth.FALSE
    assert outcome(ON_DIALYSIS_3_MONTHS, procedures=[]).truth is Truth.UNKNOWN


def test_a_course_of_a_kind_counts_for_its_class():
    procedures = [{"name": "maintenance hemodialysis", "start": "2025-03-01"}]
    assert outcome("procedure dialysis lasting >= 90 days", procedures=procedures).truth is Truth.TRUE


def test_an_ongoing_course_is_current_and_one_that_stopped_is_not():
    ongoing = [{"name": "mechanical ventilation", "start": "2026-11-15"}]
    assert outcome("procedure mechanical_ventilation [current]", procedures=ongoing).truth is Truth.TRUE
    assert outcome("procedure mechanical_ventilation lasting > 48 hours", procedures=ongoing).truth is Truth.TRUE
    stopped = [{"name": "mechanical ventilation", "start": "2026-01-15", "end": "2026-01-20"}]
    assert outcome("procedure mechanical_ventilation [current]", procedures=stopped,
                   complete=["procedures"]).truth is Truth.FALSE


@pytest.mark.parametrize("start, truth", [("2026-11-16", Truth.TRUE), ("2026-11-18", Truth.UNKNOWN),
                                          ("2026-11-19", Truth.FALSE), ("2026-11-20", Truth.FALSE)])
def test_hours_against_days_decide_only_beyond_a_day_either_way(start, truth):
    # begun on the 18th at any hour, by some hour of the 20th it has gone on 24 to 72 hours
    procedures = [{"name": "mechanical ventilation", "start": start}]
    result = outcome("procedure mechanical_ventilation lasting > 48 hours", procedures=procedures,
                     complete=["procedures"])
    assert result.truth is truth


def test_a_course_inside_a_window():
    # dialysis from 2025 to last month touched the last 3 months; one that stopped in 2025 did not
    rule = "procedure dialysis within 3 months before screening"
    recent = [{"name": "hemodialysis", "start": "2025-01-01", "end": "2026-10-30"}]
    assert outcome(rule, procedures=recent).truth is Truth.TRUE
    old = [{"name": "hemodialysis", "start": "2025-01-01", "end": "2025-03-01"}]
    assert outcome(rule, procedures=old, complete=["procedures"]).truth is Truth.FALSE


def test_a_procedure_is_dated_one_way():
    with pytest.raises(InputError, match="not both"):
        patient_from_mapping({"id": "P", "procedures": [{"name": "hemodialysis", "date": "2026-01-01",
                                                         "start": "2026-01-01"}]})
    with pytest.raises(InputError, match="before start"):
        patient_from_mapping({"id": "P", "procedures": [{"name": "hemodialysis", "start": "2026-01-01",
                                                         "end": "2025-01-01"}]})


# --- spirometry before and after a bronchodilator -------------------------------------------------


def spirometry(name, value):
    return {"name": name, "value": value, "unit": "%", "date": "2026-11-01"}


@pytest.mark.parametrize("rule, entry, truth", [
    # a value taken the way asked decides
    ("post_bd_fev1_percent_predicted >= 40 %", spirometry("post-bronchodilator FEV1 % predicted", 45), Truth.TRUE),
    ("post_bd_fev1_percent_predicted >= 40 %", spirometry("post-BD FEV1 % predicted", 35), Truth.FALSE),
    # a plain FEV1 may have been taken before the bronchodilator, or after it
    ("post_bd_fev1_percent_predicted >= 40 %", spirometry("FEV1 % predicted", 35), Truth.UNKNOWN),
    ("pre_bd_fev1_percent_predicted < 80 %", spirometry("FEV1 % predicted", 75), Truth.UNKNOWN),
    # a value after the bronchodilator says nothing sure of the plain limit (the one before it is lower)
    ("fev1_percent_predicted < 80 %", spirometry("post-bronchodilator FEV1 % predicted", 85), Truth.UNKNOWN),
    ("fev1_percent_predicted < 80 %", spirometry("pre-bronchodilator FEV1 % predicted", 75), Truth.UNKNOWN),
    ("fev1_percent_predicted < 80 %", spirometry("FEV1 % predicted", 75), Truth.TRUE),
])
def test_spirometry_is_met_only_by_a_value_taken_the_way_asked(rule, entry, truth):
    assert outcome(rule, labs=[entry]).truth is truth


# --- what a treatment was given for -----------------------------------------------------------------


def chemotherapy(**recorded):
    return [{"name": "carboplatin", "start": "2024-01-01", "end": "2024-06-01", **recorded}]


@pytest.mark.parametrize("rule, recorded, truth", [
    # what it was for, recorded, decides
    ("medication chemotherapy [history] for (nsclc [advanced])", {"indication": "metastatic NSCLC"}, Truth.TRUE),
    ("medication chemotherapy [history] for (nsclc [advanced])", {"indication": "stage IV lung adenocarcinoma"},
     Truth.TRUE),
    ("medication chemotherapy [history] for (nsclc [advanced])", {"indication": "breast cancer"}, Truth.FALSE),
    # adjuvant chemotherapy was not for advanced or metastatic disease
    ("medication chemotherapy [history] for (nsclc [advanced])", {"indication": "NSCLC", "note": "adjuvant"},
     Truth.FALSE),
    ("medication chemotherapy [history] for (metastatic_disease)", {"note": "adjuvant"}, Truth.FALSE),
    ("medication chemotherapy [history] for (metastatic_disease)", {"indication": "metastatic breast cancer"},
     Truth.TRUE),
    # the disease without its setting, or nothing recorded: not known
    ("medication chemotherapy [history] for (nsclc [advanced])", {"indication": "NSCLC"}, Truth.UNKNOWN),
    ("medication chemotherapy [history] for (metastatic_disease)", {"indication": "breast cancer"}, Truth.UNKNOWN),
    ("medication chemotherapy [history] for (nsclc)", {"indication": "lung cancer"}, Truth.UNKNOWN),  # broader
    ("medication chemotherapy [history] for (nsclc)", {}, Truth.UNKNOWN),
    ("medication chemotherapy [history] for (nsclc)", {"indication": "a study of its own"}, Truth.UNKNOWN),
])
def test_what_a_course_was_given_for(rule, recorded, truth):
    assert outcome(rule, medications=chemotherapy(**recorded), complete=["medications"]).truth is truth


def test_without_the_treatment_it_was_not_given_for_anything():
    rule = "medication chemotherapy [history] for (metastatic_disease)"
    assert outcome(rule, medications=[], complete=["medications"]).truth is Truth.FALSE


def test_a_procedure_done_for_a_condition():
    rule = "procedure radiotherapy [history] for (prostate_cancer)"
    procedures = [{"name": "radiotherapy", "date": "2023-05-01", "indication": "prostate cancer"}]
    assert outcome(rule, procedures=procedures).truth is Truth.TRUE
    procedures[0]["indication"] = "bone metastases"
    assert outcome(rule, procedures=procedures, complete=["procedures"]).truth is Truth.FALSE
