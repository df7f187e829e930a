"""Vocabulary shared by every app: languages, ticket categories, customer tiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGE_CODES = ("en", "zh-hans", "zh-hant", "ko", "ja")


class Language(models.TextChoices):
    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"
    KO = "ko", "한국어"
    JA = "ja", "日本語"


class Category(models.TextChoices):
    KYC = "kyc", _("Identity verification (KYC)")
    PASSWORD_RESET = "password_reset", _("Password reset")
    ACCOUNT_RECOVERY = "account_recovery", _("Account recovery")
    TWO_FACTOR = "two_factor", _("Two-factor authentication")
    FEES = "fees", _("Fees")
    TRADING = "trading", _("Trading")
    DEPOSIT_WITHDRAWAL = "deposit_withdrawal", _("Deposits and withdrawals")
    SCAM_REPORT = "scam_report", _("Scam report")
    SECURITY_INCIDENT = "security_incident", _("Security incident")
    COMPLIANCE = "compliance", _("Compliance")
    TECHNICAL = "technical", _("Technical problem")
    GENERAL = "general", _("General question")


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    VIP = "vip", _("VIP")
    INSTITUTIONAL = "institutional", _("Institutional")


class KycStatus(models.TextChoices):
    NONE = "none", _("Not started")
    PENDING = "pending", _("Under review")
    VERIFIED = "verified", pgettext_lazy("identity verification status", "Verified")
    REJECTED = "rejected", pgettext_lazy("identity verification status", "Rejected")
