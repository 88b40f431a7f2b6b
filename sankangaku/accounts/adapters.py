"""allauth hooks: language-aware emails and TOTP secrets encrypted at rest."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    # Derived from SECRET_KEY: rotating the key means coordinators set up TOTP again.
    digest = hashlib.sha256(b"sankangaku-mfa:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL


class MFAAdapter(DefaultMFAAdapter):
    """Store TOTP secrets and recovery seeds encrypted, never in clear."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()
