from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .accounts import SignupForm, applicant_signup


def home(request):
    """Public home (certificate search, directory and notices arrive with certificates)."""
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = applicant_signup(form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("portal:organization_create")
    return render(request, "registration/signup.html", {"form": form})
