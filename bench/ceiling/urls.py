"""The three views: insert one row from a form POST, list 100 rows, show one row."""

import secrets

from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .models import Item

FIELDS = ("number", "service_code", "description", "lat", "lng", "status", "created_at")


@csrf_exempt
def post(request):
    data = request.POST
    if request.method != "POST" or not data.get("service_code"):
        return HttpResponseBadRequest("service_code")
    item = Item.objects.create(
        number="C" + secrets.token_hex(8),
        service_code=data["service_code"][:40],
        description=data.get("description", ""),
        lat=float(data["lat"]) if data.get("lat") else None,
        lng=float(data["long"]) if data.get("long") else None,
        created_at=timezone.now(),
    )
    return JsonResponse([{"service_request_id": item.number}], safe=False, status=201)


def listing(request):
    rows = list(Item.objects.order_by("-created_at").values(*FIELDS)[:100])
    return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})


def one(request, pk):
    row = Item.objects.filter(pk=pk).values(*FIELDS).first()
    return JsonResponse([row], safe=False) if row else JsonResponse([], safe=False, status=404)


urlpatterns = [path("post", post), path("list", listing), path("one/<int:pk>", one)]
