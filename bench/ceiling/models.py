from django.db import models


class Item(models.Model):
    """About an appeal's public columns: a number, a code, words, a point, a status, a time."""

    number = models.CharField(max_length=20, unique=True)
    service_code = models.CharField(max_length=40)
    description = models.TextField()
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    status = models.CharField(max_length=20, default="open")
    created_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.number
