from django.contrib import admin
from django.urls import path

from console.channels import views

app_name = "channels"

urlpatterns = [
    path("", admin.site.admin_view(views.channel_kpis), name="kpis"),
]
