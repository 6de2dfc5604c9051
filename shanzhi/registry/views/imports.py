"""(being written)"""
from django.http import HttpResponse


def import_list(request):
    return HttpResponse("")


def import_detail(request, pk):
    return HttpResponse("")


import_progress = import_detail


def export_roster(request, code):
    return HttpResponse("")
