"""(being written)"""
from django.http import HttpResponse


def home(request):
    return HttpResponse("")


node_detail = node_boundary = grid_health = home
