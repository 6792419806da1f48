"""Public pages and the applicant's account (sign-up; login/logout are Django's own views)."""

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from .accounts import SignupForm, applicant_signup
from .errors import DomainError
from .forms import add_domain_errors
from .roles import Role, has_role


def home(request):
    """Public home: what the service is and where to start (certificate search comes later)."""
    # Looked up by name: cesi_cert sits left of applications in the layers (ARCHITECTURE.md).
    scheme_model = django_apps.get_model("applications", "Scheme")
    return render(request, "home.html", {"schemes": scheme_model.objects.filter(is_active=True)})


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an applicant account, log it in, and go on to register the organisation."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = applicant_signup(form)
        except DomainError as err:  # taken a moment ago by someone signing up at the same time
            add_domain_errors(form, err)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Now register your organisation."))
            return redirect("portal:organization_create")
    return render(request, "registration/signup.html", {"form": form})


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
