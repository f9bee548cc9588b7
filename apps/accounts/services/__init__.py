"""Staff accounts.

  creation.py  a school's staff accounts from its roster, set-based, with class teachers;
               one account for someone on no roster (a bureau's or new school's admin)
  codes.py     one-time activation codes, activation, the (forced) password change
  managing.py  an admin's reset, deactivation, reactivation and reprint of codes
"""

from apps.accounts.services.codes import IssuedCode, account_activate, password_change
from apps.accounts.services.creation import StaffAccounts, account_create, staff_accounts_create
from apps.accounts.services.managing import (
    account_deactivate,
    account_managed,
    account_password_reset,
    account_reactivate,
    activation_codes_reissue,
)

__all__ = [
    "IssuedCode",
    "StaffAccounts",
    "account_activate",
    "account_create",
    "account_deactivate",
    "account_managed",
    "account_password_reset",
    "account_reactivate",
    "activation_codes_reissue",
    "password_change",
    "staff_accounts_create",
]
