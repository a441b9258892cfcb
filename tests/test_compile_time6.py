"""Round 6 time constructs: a time since the last treatment or event, the trial's start named by
its drug, "during or within", a window of its own for items in brackets, and a duration whose
comparator follows it. Each construct read here, and its near misses that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.printer import to_text

READ = [
    # a time since the last treatment: a wash-out, its qualifiers kept
    ("At least 6 months since last dose of adjuvant chemotherapy", "inclusion",
     "not medication chemotherapy [adjuvant] within 6 months before screening"),
    ("Less than 4 weeks since last dose of adjuvant chemotherapy", "exclusion",
     "medication chemotherapy [adjuvant] within 4 weeks before screening"),
    ("At least 2 weeks since the last dose of prior radiation therapy", "inclusion",
     "not procedure radiotherapy within 2 weeks before screening"),
    ("At least 4 weeks since the last dose of prior chemotherapy or radiotherapy", "inclusion",
     "not (medication chemotherapy within 4 weeks before screening or procedure radiotherapy within 4 weeks "
     "before screening)"),
    ("At least 3 months since last dose of any biologic", "inclusion",
     "not medication biologic within 3 months before screening"),
    ("Must be ≥ 4 weeks from the last dose of immunotherapy", "inclusion",
     "not medication cancer_immunotherapy within 4 weeks before screening"),
    # ... with its comparator after the number, or the time written last, or one comparator for a list
    ("4 or more weeks since the last dose of chemotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening"),
    ("Time since last chemotherapy ≥ 4 weeks", "inclusion", "not medication chemotherapy within 4 weeks before screening"),
    ("Time since last chemotherapy < 4 weeks", "exclusion", "medication chemotherapy within 4 weeks before screening"),
    ("At least 4 weeks since last radiotherapy, 2 weeks since last chemotherapy", "inclusion",
     "not procedure radiotherapy within 4 weeks before screening and not medication chemotherapy within 2 weeks "
     "before screening"),
    # ... with no comparator, in an inclusion: at least that long
    ("Four weeks since the last cytotoxic chemotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening"),
    ("4 weeks since prior radiotherapy", "inclusion", "not procedure radiotherapy within 4 weeks before screening"),
    # ... since the last episode of an acute event
    ("More than 6 months since the last episode of pneumonia", "inclusion",
     "not condition pneumonia within 6 months before screening"),
    ("Six months since myocardial infarction", "inclusion",
     "not condition myocardial_infarction within 6 months before screening"),
    # the first dose, or the start, of a drug named after a window: the trial's own start
    ("Vaccination with a live vaccine within the 14 days prior to the first dose of Raptiva®", "exclusion",
     "vaccination live_vaccine within 14 days before first_dose"),
    ("Live vaccine within 30 days before the first infusion of rituximab", "exclusion",
     "vaccination live_vaccine within 30 days before first_dose"),
    ("Major surgery within 4 weeks prior to initiation of rt-PA administration", "exclusion",
     "procedure major_surgery within 4 weeks before first_dose"),
    ("Live vaccine within 30 days prior to the start of pembrolizumab", "exclusion",
     "vaccination live_vaccine within 30 days before first_dose"),
    ("Live vaccine within 30 days prior to starting study treatment", "exclusion",
     "vaccination live_vaccine within 30 days before first_dose"),
    ("Treatment with any investigational agent within 28 days or 5 half-lives (whichever is shorter) prior to the "
     "first dose of sotorasib", "exclusion",
     "medication investigational_agent within min(28 days, 5 half-lives) before first_dose"),
    ("Systemic steroid therapy within 7 days prior to the first dose of trial treatment", "exclusion",
     "medication corticosteroid [systemic] within 7 days before first_dose"),
    ("Prior anti-PD-1 therapy within 4 weeks prior to the initiation of study therapy", "exclusion",
     "medication pd1_inhibitor [history] within 4 weeks before first_dose"),
    ("Live vaccine within 28 days of starting study treatment", "exclusion",
     "vaccination live_vaccine within 28 days before first_dose"),
    ("Those who are vaccinated with live attenuated vaccines within 28 days before the start of research treatment, "
     "inactivated vaccines within 7 days, or vaccinated during the study period", "exclusion",
     "vaccination live_vaccine within 28 days before first_dose or vaccination non_live_vaccine within 7 days before "
     "screening or vaccination vaccine [planned]"),
    # "during or within": the window, or a plan for the study
    ("Investigational drug therapy during or within 30 days prior to start of the study drug", "exclusion",
     "medication investigational_agent within 30 days before first_dose or medication investigational_agent "
     "[planned]"),
    ("Radiotherapy during or within 2 weeks before the first dose of study drug", "exclusion",
     "procedure radiotherapy within 2 weeks before first_dose or procedure radiotherapy [planned]"),
    # a plan for the study: "at any time" during it, and what kind of treatment it is
    ("Administration of immunosuppressants within six months prior to the first vaccine dose or expected "
     "administration at any time during the study period", "exclusion",
     "medication immunosuppressant within 6 months before first_dose or medication immunosuppressant [planned]"),
    ("Systemic corticosteroids within 14 days before randomization or anticipated use during the study", "exclusion",
     "medication corticosteroid [systemic] within 14 days before randomization or medication corticosteroid "
     "[planned, systemic]"),
    # a window of its own for the items in brackets
    ("Chemotherapy or immunotherapy within 4 weeks (2 weeks for palliative radiation) before the first dose of "
     "study intervention", "exclusion",
     "medication chemotherapy within 4 weeks before first_dose or medication cancer_immunotherapy within 4 weeks "
     "before first_dose or procedure palliative_radiotherapy within 2 weeks before first_dose"),
    ("Chemotherapy within 4 weeks (6 weeks for nitrosoureas)", "exclusion",
     "medication chemotherapy within 4 weeks before screening or medication nitrosourea within 6 weeks before "
     "screening"),
    ("Patients must not have received chemotherapy within 4 weeks (6 weeks for nitrosoureas)", "inclusion",
     "not medication chemotherapy within 4 weeks before screening and not medication nitrosourea within 6 weeks "
     "before screening"),
    ("More than 2 weeks since prior myelosuppressive chemotherapy (4 weeks for nitrosoureas)", "inclusion",
     "not medication chemotherapy within 2 weeks before screening and not medication nitrosourea within 4 weeks "
     "before screening"),
    ("At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C)", "inclusion",
     "not medication chemotherapy within 4 weeks before screening and not (medication nitrosourea within 6 weeks "
     "before screening or medication mitomycin within 6 weeks before screening)"),
    # how long, with the comparator after the time
    ("Chronic back pain for six months or longer", "inclusion", "condition low_back_pain [chronic] lasting >= 6 months"),
    ("On metformin for 3 months or longer", "inclusion", "medication metformin lasting >= 3 months"),
    ("Type 2 diabetes for 6 months or more", "inclusion", "condition type_2_diabetes lasting >= 6 months"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a time since, with no comparator, listed as an exclusion: who is excluded is not said
    ("4 weeks since the last chemotherapy", "exclusion"),
    # the last episode of a disease that goes on is not one of its entries
    ("More than 6 months since the last episode of depression", "inclusion"),
    # "less than" a list of times since excludes by any of them, which "and" would not say
    ("Less than 4 weeks since chemotherapy, 2 weeks since radiotherapy", "exclusion"),
    # a time since a condition that goes on is since its diagnosis, not a wash-out (read as one it
    # failed everyone who has it)
    ("At least 6 months since type 2 diabetes diagnosis", "inclusion"),
    ("Six months since the diagnosis of type 2 diabetes", "inclusion"),
    # the first dose of a drug taken before: not the trial's start
    ("Live vaccine within 30 days prior to the first dose of prior rituximab", "exclusion"),
    # "starting X" or "of beginning X" may be a start long past
    ("Neuropathy within 3 months of starting bortezomib", "exclusion"),
    ("Live vaccine within 30 days before starting pembrolizumab", "exclusion"),
    # "during" what, when the window is not counted back from the study treatment (screening), or
    # from nothing
    ("Use of corticosteroids during or within 14 days prior to screening", "exclusion"),
    ("Radiotherapy during or within 2 weeks", "exclusion"),
    ("Chemotherapy during or within 4 weeks after surgery", "exclusion"),
    # a bracket's item that is a kind of one listed, with a shorter window: the longer one would
    # have to leave it out
    ("Chemotherapy or radiotherapy within 4 weeks (2 weeks for palliative radiation) before the first dose",
     "exclusion"),
    ("At least 4 weeks since prior radiotherapy (2 weeks for palliative radiotherapy)", "inclusion"),
    ("At least 4 weeks since prior chemotherapy (2 weeks for hydroxyurea)", "inclusion"),
    # a qualifier of the past does not reach the plan
    ("Prior chemotherapy within 4 weeks or planned during the study", "exclusion"),
    # (a bracket's "(or 5 half-lives)": round 8 reads it, deciding what both times would)
    # a month may be longer than 4 weeks
    ("Chemotherapy within 1 month (4 weeks for nitrosoureas)", "exclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert to_text(compile_criterion(text, kind).rule).startswith("text "), to_text(compile_criterion(text, kind).rule)
