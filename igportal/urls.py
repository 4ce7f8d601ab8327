from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from igportal import password_reset, views
from igportal.accounts import sso_views
from igportal.accounts import views as account_views
from igportal.accounts.mfa import mfa_not_required

urlpatterns = [
    path("accounts/", account_views.account, name="account"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path(
        "accounts/logout/",
        mfa_not_required(sso_views.LogoutView.as_view()),
        name="logout",
    ),
    path("accounts/logged-out/", views.logged_out, name="logged_out"),
    path("accounts/sso/start/", sso_views.sso_start, name="sso_start"),
    path("accounts/sso/callback/", sso_views.sso_callback, name="sso_callback"),
    path("accounts/sso/no-role/", sso_views.sso_no_role, name="sso_no_role"),
    path("accounts/password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/confirm/", account_views.reauthenticate_view, name="reauthenticate"),
    path("accounts/email/", account_views.email_change, name="email_change"),
    path("accounts/mfa/setup/", account_views.mfa_setup, name="mfa_setup"),
    path("accounts/mfa/verify/", account_views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("requests_app.api.urls")),
    path("", include("requests_app.urls")),
]

# Django's own error views; under /api/ they answer in the API's JSON error shape.
handler400 = "requests_app.api.exceptions.bad_request"
handler403 = "requests_app.api.exceptions.permission_denied"
handler404 = "requests_app.api.exceptions.page_not_found"
handler500 = "requests_app.api.exceptions.server_error"
