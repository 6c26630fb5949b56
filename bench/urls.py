from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [path("floor/<int:pk>/", views.floor, name="floor")]
