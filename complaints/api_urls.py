"""The complaints API (/api/v1/complaints/)."""

app_name = "complaints_api"

urlpatterns: list = []
