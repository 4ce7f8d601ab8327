"""Accounts: sign-in hardening (MFA, re-authentication, session lifetime) and the account page."""
