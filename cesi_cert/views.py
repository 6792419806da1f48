"""Public pages and the applicant's account (sign-up and its confirmation; login/logout are
Django's own views)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from .accounts import LINK_INVALID, SignupForm, pending_signup, signup_confirm, signup_request
from .errors import DomainError
from .roles import Role, has_role


def home(request):
    """Public home: what the service is, where to start, and the panels the apps put there (the
    certificate search, the schemes), so the kernel names no app (ARCHITECTURE.md layers)."""
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def signup(request):
    """Sign up: every valid sign-up answers "check your e-mail", whether or not the address has
    an account (:mod:`cesi_cert.accounts` says why); the e-mailed link finishes it."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        signup_request(form, language=translation.get_language())
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


def signup_sent(request):
    hours = settings.SIGNUP_CONFIRMATION_HOURS
    return render(request, "registration/signup_sent.html", {"hours": hours})


@require_http_methods(["GET", "POST"])
def signup_confirm_view(request, token):
    """The e-mailed link: GET shows a button (a mail scanner following links changes nothing),
    POST creates the account, logs it in and opens the portal home, where invitations to the
    address wait (no invitation link is kept with the pending sign-up: only hashes are stored)."""
    if request.method == "POST":
        try:
            user = signup_confirm(token=token)
        except DomainError as err:
            return render(
                request, "registration/signup_confirm.html", {"error": err.message}, status=409
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Your e-mail address is confirmed and your account is ready. Register your "
                "organisation, or accept a colleague's invitation."
            ),
        )
        return redirect("portal:home")
    pending = pending_signup(token)
    context = {"pending": pending, "error": None if pending else LINK_INVALID}
    return render(request, "registration/signup_confirm.html", context)


#: Where a person lands after logging in without ``?next=``: the first of their roles here.
LANDING = (
    ((Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS), "admin:index"),
    ((Role.TECHNICAL_COMMITTEE,), "committee:home"),
    ((Role.AUDITOR,), "auditor:home"),
)


class LoginView(auth_views.LoginView):
    """Django's login; without ``?next=`` each role lands in its own place (customer service and
    certification business in the admin, the committee and auditors in their workspaces,
    applicants in the portal)."""

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_superuser:
            return reverse("admin:index")
        for roles, url_name in LANDING:
            if has_role(user, *roles):
                return reverse(url_name)
        return super().get_default_redirect_url()


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account so e-mails come in that language."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon.

    Resolved per request: the hashed static name exists only after collectstatic."""
    return redirect(static("favicon.svg"))
