"""Kleene laws for screening.logic."""

from hypothesis import given, strategies as st

from screening.logic import Truth, all_of, any_of, at_least, implies

truths = st.sampled_from(list(Truth))


@given(truths, truths)
def test_commutative(a, b):
    assert a & b == b & a
    assert a | b == b | a


@given(truths, truths, truths)
def test_associative_and_distributive(a, b, c):
    assert (a & b) & c == a & (b & c)
    assert (a | b) | c == a | (b | c)
    assert a & (b | c) == (a & b) | (a & c)
    assert a | (b & c) == (a | b) & (a | c)


@given(truths, truths)
def test_de_morgan_and_double_negation(a, b):
    assert ~(a & b) == ~a | ~b
    assert ~(a | b) == ~a & ~b
    assert ~~a == a


@given(truths)
def test_identities(a):
    assert a & Truth.TRUE == a
    assert a | Truth.FALSE == a
    assert a & Truth.FALSE == Truth.FALSE
    assert a | Truth.TRUE == Truth.TRUE


def test_false_dominates_unknown_in_a_conjunction_either_way_round():
    assert Truth.FALSE & Truth.UNKNOWN == Truth.FALSE
    assert Truth.UNKNOWN & Truth.FALSE == Truth.FALSE
    assert Truth.TRUE | Truth.UNKNOWN == Truth.TRUE
    assert Truth.UNKNOWN & Truth.TRUE == Truth.UNKNOWN
    assert ~Truth.UNKNOWN == Truth.UNKNOWN


@given(st.lists(truths))
def test_folds_agree_with_binary_operators(values):
    conj, disj = Truth.TRUE, Truth.FALSE
    for v in values:
        conj, disj = conj & v, disj | v
    assert all_of(values) == conj
    assert any_of(values) == disj


@given(st.lists(truths, max_size=6), st.integers(min_value=0, max_value=7))
def test_at_least_is_bounded_by_the_sure_and_the_possible(values, count):
    result = at_least(count, values)
    # at_least 1 is a disjunction; at_least len is a conjunction
    if count == 1:
        assert result == any_of(values)
    if count == len(values) and values:
        assert result == all_of(values)
    # replacing an unknown by true can only raise the result
    if Truth.UNKNOWN in values:
        raised = [Truth.TRUE if v is Truth.UNKNOWN else v for v in values]
        assert at_least(count, raised).value >= result.value


@given(truths, truths)
def test_implication(a, b):
    assert implies(a, b) == ~a | b
    assert implies(Truth.FALSE, b) == Truth.TRUE
