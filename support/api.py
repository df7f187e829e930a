from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from support.permissions import IsSignedIn
from support.roles import user_roles
from support.services import user_preferred_language


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField(allow_null=True)


class MeView(APIView):
    """Who the caller is: used by tools to check a token."""

    permission_classes = [IsSignedIn]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "id": user.pk,
            "email": user.email,
            "roles": sorted(user_roles(user)),
            "language": user_preferred_language(user),
        }
        return Response(MeSerializer(data).data)
