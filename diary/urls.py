from django.urls import register_converter

from diary.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "diary"

urlpatterns = []
