"""partners.identifiers: 法人番号, 全国地方公共団体コード and 学校コード validation."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.jp import cn

from partners.identifiers import (
    SCHOOL_CODE_KINDS,
    SchoolCodeParts,
    local_government_check_digit,
    normalise_identifier,
    school_code_parts,
    validate_corporate_number,
    validate_local_government_code,
    validate_school_code,
)
from partners.models import SchoolKind
from partners.reference_data import local_government_rows


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code


def with_check_digit(base12: str) -> str:
    """A valid 法人番号 built by the library: the check digit comes first."""
    return cn.calc_check_digit(base12) + base12


# --- normalise_identifier ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１２３４", "1234"),
        ("12-34", "1234"),
        ("12－34", "1234"),  # full-width hyphen-minus
        ("12‐34—56―78−90", "1234567890"),  # hyphen, em dash, horizontal bar, minus sign
        ("12ー34ｰ56", "123456"),  # katakana long-vowel marks, full and half width
        (" 12\u300034\t", "1234"),  # ideographic space and tab
        ("ｆ１", "f1"),  # case is kept; only the school code upper-cases
        (None, ""),
    ],
)
def test_normalise_identifier(raw, expected):
    assert normalise_identifier(raw) == expected


# --- 法人番号 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "7000012050002",  # 国税庁 (National Tax Agency), the example it publishes itself
        "1180301018771",  # トヨタ自動車株式会社
        with_check_digit("000012050002"),
        with_check_digit("010401000000"),
        with_check_digit("999999999999"),
        with_check_digit("123456789012"),
    ],
)
def test_valid_corporate_number_is_returned(number):
    assert validate_corporate_number(number) == number


def test_corporate_number_full_width_digits_are_normalised():
    assert validate_corporate_number("７００００１２０５０００２") == "7000012050002"


@pytest.mark.parametrize(
    "raw", ["7-0000-1205-0002", "7 0000 1205 0002", "７－００００－１２０５－０００２"]
)
def test_corporate_number_separators_are_removed(raw):
    assert validate_corporate_number(raw) == "7000012050002"


@pytest.mark.parametrize("wrong_first", ["1", "2", "3", "4", "5", "6", "8", "9"])
def test_corporate_number_with_wrong_check_digit_fails(wrong_first):
    assert error_code(validate_corporate_number, wrong_first + "000012050002") == "checksum"


@pytest.mark.parametrize("raw", ["700001205000", "70000120500021", "7"])
def test_corporate_number_with_wrong_length_fails(raw):
    assert error_code(validate_corporate_number, raw) == "length"


def test_corporate_number_length_error_tells_the_count():
    with pytest.raises(ValidationError) as excinfo:
        validate_corporate_number("700001205000")
    assert "12" in excinfo.value.messages[0]


@pytest.mark.parametrize("raw", ["70000120500O2", "T7000012050002", "7000012050.02"])
def test_corporate_number_with_other_characters_fails(raw):
    assert error_code(validate_corporate_number, raw) == "format"


@pytest.mark.parametrize("raw", ["", None, "   ", " - "])
def test_empty_corporate_number_is_required(raw):
    assert error_code(validate_corporate_number, raw) == "required"


# --- 全国地方公共団体コード ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first5", "check"),
    [
        ("13101", "6"),  # 千代田区
        ("01100", "2"),  # 札幌市
        ("01000", "6"),  # 北海道
        ("47000", "7"),  # 沖縄県
    ],
)
def test_local_government_check_digit(first5, check):
    assert local_government_check_digit(first5) == check


@pytest.mark.parametrize("bad", ["1310", "131016", "1310a", "１３１０１"])
def test_local_government_check_digit_needs_five_ascii_digits(bad):
    with pytest.raises(ValueError):
        local_government_check_digit(bad)


def test_chiyoda_code_is_valid():
    assert validate_local_government_code("131016") == "131016"


def test_local_government_code_is_normalised():
    assert validate_local_government_code(" １３１－０１６ ") == "131016"


def test_local_government_code_with_wrong_check_digit_fails():
    assert error_code(validate_local_government_code, "131017") == "checksum"


def test_five_digit_local_government_code_fails_and_suggests_the_full_code():
    with pytest.raises(ValidationError) as excinfo:
        validate_local_government_code("13101")
    assert excinfo.value.code == "length"
    assert "131016" in excinfo.value.messages[0]


@pytest.mark.parametrize("raw", ["1310160", "1310", "1"])
def test_local_government_code_with_wrong_length_fails(raw):
    assert error_code(validate_local_government_code, raw) == "length"


@pytest.mark.parametrize("first5", ["48101", "00101", "99000"])
def test_local_government_code_outside_the_47_prefectures_fails(first5):
    code = first5 + local_government_check_digit(first5)  # a correct check digit
    assert error_code(validate_local_government_code, code) == "prefecture"


@pytest.mark.parametrize("raw", ["13101X", "13.016"])
def test_local_government_code_with_other_characters_fails(raw):
    assert error_code(validate_local_government_code, raw) == "format"


@pytest.mark.parametrize("raw", ["", None])
def test_empty_local_government_code_is_required(raw):
    assert error_code(validate_local_government_code, raw) == "required"


def test_every_code_in_the_data_set_validates():
    rows = list(local_government_rows())
    assert len(rows) > 1700
    for row in rows:
        assert validate_local_government_code(row["code"]) == row["code"]


# --- 学校コード ---------------------------------------------------------------------------


def test_valid_school_code_is_returned():
    assert validate_school_code("F112310102342") == "F112310102342"


def test_school_code_parts():
    assert school_code_parts("F112310102342") == SchoolCodeParts(
        kind_code="F1", prefecture_code=12, founder="3", number="1010234", check_digit="2"
    )
    assert school_code_parts("F112310102342").school_kind == SchoolKind.UNIVERSITY


@pytest.mark.parametrize(
    "raw", ["f112310102342", "ｆ１１２３１０１０２３４２", "F1-12-3-1010234-2"]
)
def test_school_code_is_normalised_and_upper_cased(raw):
    assert validate_school_code(raw) == "F112310102342"


@pytest.mark.parametrize("kind", sorted(SCHOOL_CODE_KINDS))
def test_every_school_kind_is_accepted(kind):
    code = f"{kind}12310102342"
    assert school_code_parts(code).school_kind == SCHOOL_CODE_KINDS[kind]


def test_school_code_kinds_map_to_school_kind_values():
    assert set(SCHOOL_CODE_KINDS) == {
        "A1",
        "A2",
        "B1",
        "C1",
        "C2",
        "D1",
        "D2",
        "E1",
        "F1",
        "F2",
        "G1",
        "H1",
        "H2",
    }
    assert set(SCHOOL_CODE_KINDS.values()) == set(SchoolKind.values)


@pytest.mark.parametrize(
    "raw", ["Z112310102342", "F312310102342", "1F12310102342", "A012310102342"]
)
def test_school_code_with_unknown_kind_fails(raw):
    assert error_code(validate_school_code, raw) == "kind"


@pytest.mark.parametrize("raw", ["F148310102342", "F100310102342", "F199310102342"])
def test_school_code_with_unknown_prefecture_fails(raw):
    assert error_code(validate_school_code, raw) == "prefecture"


@pytest.mark.parametrize("founder", ["0", "4", "9"])
def test_school_code_with_unknown_founder_fails(founder):
    assert error_code(validate_school_code, f"F112{founder}10102342") == "founder"


@pytest.mark.parametrize("raw", ["F11231010234", "F1123101023420", "F1"])
def test_school_code_with_wrong_length_fails(raw):
    assert error_code(validate_school_code, raw) == "length"


@pytest.mark.parametrize("raw", ["F1123101023A2", "F1A2310102342"])
def test_school_code_with_letters_after_the_kind_fails(raw):
    assert error_code(validate_school_code, raw) == "format"


@pytest.mark.parametrize("raw", ["", None, " "])
def test_empty_school_code_is_required(raw):
    assert error_code(validate_school_code, raw) == "required"


def test_school_code_parts_raises_for_an_invalid_code():
    with pytest.raises(ValidationError):
        school_code_parts("F148310102342")
