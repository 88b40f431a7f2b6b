"""Validation of the identifiers that prove who an organisation is.

Pure functions: no database, no settings, so forms, services, model field validators and the
reference-data loader can all call them. Each ``validate_*`` function returns the normalised
value (what should be stored) or raises ``django.core.exceptions.ValidationError`` with a
distinct ``code`` so that callers and tests can tell the failures apart:

- 法人番号 (corporate number): 13 digits; the check digit (the *first* digit) is verified with
  python-stdnum's ``stdnum.jp.cn``.
- 全国地方公共団体コード (local government code): 6 digits; the last is a check digit (modulus
  11, weights 6-5-4-3-2) which is verified; the first two digits are the prefecture 01-47.
- 学校コード (school code, MEXT): 13 characters = school kind (2, e.g. ``F1``) + prefecture
  (2) + founder (1: national, 2: public, 3: private) + school number (7) + check digit (1).
  MEXT's check-digit algorithm could not be established from its published documentation, so
  only the format and the parts are validated; the check digit is accepted as any digit.
  Once the algorithm is confirmed, add it to ``validate_school_code``.

Input is forgiving: full-width characters, spaces and hyphens (including the dash look-alikes
Japanese input methods produce) are normalised away, never rejected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.jp import cn as stdnum_cn

__all__ = [
    "SCHOOL_CODE_KINDS",
    "SCHOOL_FOUNDERS",
    "SchoolCodeParts",
    "local_government_check_digit",
    "normalise_identifier",
    "school_code_parts",
    "validate_corporate_number",
    "validate_local_government_code",
    "validate_school_code",
]

CORPORATE_NUMBER_LENGTH = 13
LOCAL_GOVERNMENT_CODE_LENGTH = 6
SCHOOL_CODE_LENGTH = 13

# Separators people type or paste between digit groups. NFKC already folds the full-width
# hyphen-minus and the ideographic space; these survive NFKC and must be removed explicitly.
# ー (the katakana long-vowel mark) is included because Japanese IMEs often produce it when
# the user means a hyphen in 1234ー5678.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2043\u2212\u30fc\ufe58\ufe63]+")

# The 2-character kind prefix of a 学校コード → `partners.models.SchoolKind` value.
# Plain strings rather than the enum members: `partners.models` is expected to use these
# validators on its fields, and importing the models here would make that a circular import.
# tests/partners/test_identifiers.py checks every value is a `SchoolKind` value.
SCHOOL_CODE_KINDS: dict[str, str] = {
    "A1": "kindergarten",  # 幼稚園
    "A2": "kindergarten",  # 幼保連携型認定こども園
    "B1": "elementary",  # 小学校
    "C1": "junior_high",  # 中学校
    "C2": "compulsory",  # 義務教育学校
    "D1": "high",  # 高等学校
    "D2": "secondary",  # 中等教育学校
    "E1": "special_needs",  # 特別支援学校
    "F1": "university",  # 大学
    "F2": "junior_college",  # 短期大学
    "G1": "technical_college",  # 高等専門学校
    "H1": "vocational",  # 専修学校
    "H2": "vocational",  # 各種学校
}

# The founder digit of a 学校コード (設置者).
SCHOOL_FOUNDERS = {
    "1": _("National"),
    "2": _("Public"),
    "3": _("Private"),
}


def normalise_identifier(value: str | None) -> str:
    """Return `value` in NFKC form (full-width digits and letters become ASCII) with all
    whitespace, hyphens and dash look-alikes removed. Case is kept. `None` becomes ``""``."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value)))


# --- 法人番号 -----------------------------------------------------------------------------


def validate_corporate_number(value: str | None) -> str:
    """Return the 13-digit corporate number (法人番号) in `value`, normalised.

    Raises ValidationError with code ``required``, ``format`` (characters other than digits),
    ``length`` (not 13 digits) or ``checksum`` (the check digit does not match).
    """
    number = normalise_identifier(value)
    if not number:
        raise ValidationError(
            _("Enter the 13-digit corporate number (法人番号)."),
            code="required",
        )
    if not number.isascii() or not number.isdigit():
        raise ValidationError(
            _(
                "A corporate number (法人番号) contains digits only. Remove letters and "
                "other characters and enter the 13 digits."
            ),
            code="format",
        )
    if len(number) != CORPORATE_NUMBER_LENGTH:
        raise ValidationError(
            _(
                "A corporate number (法人番号) has 13 digits, but you entered %(count)d. "
                "Check the number on the National Tax Agency's corporate number site."
            ),
            code="length",
            params={"count": len(number)},
        )
    try:
        return stdnum_cn.validate(number)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _(
                "This is not a valid corporate number (法人番号): its check digit does not "
                "match. Check for a mistyped digit."
            ),
            code="checksum",
        ) from None
    except stdnum_exceptions.ValidationError:
        # Length and format were checked above; this only guards a stricter future stdnum.
        raise ValidationError(
            _("This is not a valid corporate number (法人番号). Check the 13 digits."),
            code="format",
        ) from None


# --- 全国地方公共団体コード ---------------------------------------------------------------

_LG_WEIGHTS = (6, 5, 4, 3, 2)


def local_government_check_digit(first5: str) -> str:
    """Return the check digit of a local government code from its first five digits.

    sum(digit × weight) with weights 6, 5, 4, 3, 2; r = sum mod 11; check = (11 − r) mod 10
    (r = 0 gives 1 and r = 1 gives 0, as in the code list of the Ministry of Internal Affairs
    and Communications). Raises ValueError unless `first5` is exactly five ASCII digits.
    """
    if len(first5) != 5 or not first5.isascii() or not first5.isdigit():
        raise ValueError(f"expected five digits, got {first5!r}")
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(first5, _LG_WEIGHTS, strict=True)) % 11
    )
    return str((11 - remainder) % 10)


def validate_local_government_code(value: str | None) -> str:
    """Return the 6-digit local government code (全国地方公共団体コード) in `value`, normalised.

    Raises ValidationError with code ``required``, ``format`` (characters other than digits),
    ``length`` (not 6 digits; the 5-digit form without check digit is refused, with the full
    code suggested), ``prefecture`` (first two digits not 01–47) or ``checksum``.
    """
    code = normalise_identifier(value)
    if not code:
        raise ValidationError(
            _("Enter the 6-digit local government code (全国地方公共団体コード)."),
            code="required",
        )
    if not code.isascii() or not code.isdigit():
        raise ValidationError(
            _(
                "A local government code (全国地方公共団体コード) contains digits only. "
                "Remove letters and other characters and enter the 6 digits."
            ),
            code="format",
        )
    if len(code) == LOCAL_GOVERNMENT_CODE_LENGTH - 1:
        # The 5-digit form (without check digit) is common in statistics tables; rather than
        # silently completing it, show the user the full code so they can confirm it.
        raise ValidationError(
            _(
                "Enter all 6 digits of the local government code, including the check digit "
                "at the end. With its check digit, %(code)s is %(suggestion)s."
            ),
            code="length",
            params={"code": code, "suggestion": code + local_government_check_digit(code)},
        )
    if len(code) != LOCAL_GOVERNMENT_CODE_LENGTH:
        raise ValidationError(
            _(
                "A local government code (全国地方公共団体コード) has 6 digits, but you "
                "entered %(count)d."
            ),
            code="length",
            params={"count": len(code)},
        )
    if not 1 <= int(code[:2]) <= 47:
        raise ValidationError(
            _(
                "A local government code starts with the prefecture number, 01 to 47; "
                "%(prefix)s is not one. Check the first two digits."
            ),
            code="prefecture",
            params={"prefix": code[:2]},
        )
    if local_government_check_digit(code[:5]) != code[5]:
        raise ValidationError(
            _(
                "This is not a valid local government code: its check digit (the last digit) "
                "does not match. Check for a mistyped digit."
            ),
            code="checksum",
        )
    return code


# --- 学校コード ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolCodeParts:
    """The parts of a 学校コード, e.g. F112310102342 → F1 / 12 / 3 / 1010234 / 2."""

    kind_code: str  # "F1"; a key of SCHOOL_CODE_KINDS
    prefecture_code: int  # 1–47, the same number as `Prefecture.code`
    founder: str  # "1" national, "2" public, "3" private; a key of SCHOOL_FOUNDERS
    number: str  # 7 digits, kept as text for its leading zeros
    check_digit: str  # one digit, not verified (see the module docstring)

    @property
    def school_kind(self) -> str:
        """The `partners.models.SchoolKind` value for the kind code."""
        return SCHOOL_CODE_KINDS[self.kind_code]


def validate_school_code(value: str | None) -> str:
    """Return the 13-character school code (学校コード) in `value`, normalised and upper-cased.

    Checks the format and each part, not the check digit (see the module docstring). Raises
    ValidationError with code ``required``, ``length`` (not 13 characters), ``kind`` (first two
    characters not a known school kind), ``format`` (the last 11 characters are not all
    digits), ``prefecture`` (not 01–47) or ``founder`` (not 1, 2 or 3).
    """
    code = normalise_identifier(value).upper()
    if not code:
        raise ValidationError(
            _("Enter the 13-character school code (学校コード), for example F112310102342."),
            code="required",
        )
    if len(code) != SCHOOL_CODE_LENGTH:
        raise ValidationError(
            _(
                "A school code (学校コード) has 13 characters, but you entered %(count)d. "
                "It starts with a letter and a digit, for example F112310102342."
            ),
            code="length",
            params={"count": len(code)},
        )
    if code[:2] not in SCHOOL_CODE_KINDS:
        raise ValidationError(
            _(
                "A school code starts with the school kind (A1, A2, B1, C1, C2, D1, D2, E1, "
                "F1, F2, G1, H1 or H2); %(kind)s is not one. Check the first two characters."
            ),
            code="kind",
            params={"kind": code[:2]},
        )
    if not code[2:].isascii() or not code[2:].isdigit():
        raise ValidationError(
            _(
                "After the school kind, a school code (学校コード) contains 11 digits. "
                "Check the characters after the first two."
            ),
            code="format",
        )
    if not 1 <= int(code[2:4]) <= 47:
        raise ValidationError(
            _(
                "Characters 3 and 4 of a school code are the prefecture number, 01 to 47; "
                "%(prefix)s is not one."
            ),
            code="prefecture",
            params={"prefix": code[2:4]},
        )
    if code[4] not in SCHOOL_FOUNDERS:
        raise ValidationError(
            _(
                "Character 5 of a school code is the founder: 1 (national), 2 (public) or "
                "3 (private); %(founder)s is not one."
            ),
            code="founder",
            params={"founder": code[4]},
        )
    return code


def school_code_parts(code: str) -> SchoolCodeParts:
    """Validate `code` (as `validate_school_code`, raising its ValidationError) and split it."""
    code = validate_school_code(code)
    return SchoolCodeParts(
        kind_code=code[:2],
        prefecture_code=int(code[2:4]),
        founder=code[4],
        number=code[5:12],
        check_digit=code[12],
    )
