"""(being written)"""
from django.http import HttpResponse


def unit_list(request):
    return HttpResponse("")


property_company_list = party_org_list = unit_list


def party_org_detail(request, pk):
    return HttpResponse("")
