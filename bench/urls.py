"""The site's URLs plus ``/bench/bare/``: a bare Django view returning a fixed string, through
the same middleware, the yardstick of bench/verify.py."""

from django.http import HttpResponse
from django.urls import path

from cesi_cert.urls import handler400, handler403, handler404, handler500  # noqa: F401
from cesi_cert.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
