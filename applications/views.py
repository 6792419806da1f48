from django.http import HttpResponse


def portal_home(request):
    return HttpResponse("portal")


organization_create = organization_detail = application_detail = document_download = portal_home
