"""(being written)"""
from django.http import HttpResponse


def compound_detail(request, pk):
    return HttpResponse("")


household_detail = resident_detail = resident_reveal = compound_detail


def search(request):
    return HttpResponse("")
