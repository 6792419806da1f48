"""``GET /api/v1/deadlines/``: what is due, read-only and scoped like the dashboard and the
portal (CB staff see every deadline; an organisation's members see its own)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from .api import error_responses
from .deadlines import deadlines_for, horizon_of
from .models import Deadline
from .roles import STAFF_ROLES, has_role


class DeadlineSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text="overdue, 30, 60, 90 (due within that many days), later or closed"
    )
    link = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "title",
            "due_at",
            "status",
            "organization_id",
            "owner_role",
            "closed_at",
            "outcome",
            "link",
        ]
        read_only_fields = fields

    def get_title(self, deadline) -> str:
        return deadline.title

    def get_status(self, deadline) -> str:
        return horizon_of(deadline)

    def get_link(self, deadline) -> str:
        request = self.context.get("request")
        staff = request is not None and has_role(request.user, *STAFF_ROLES)
        return deadline.staff_link if staff else deadline.portal_link


@extend_schema_view(
    list=extend_schema(responses={200: DeadlineSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: DeadlineSerializer, **error_responses(404)}),
)
class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Open deadlines by due date (``?closed=1`` for the closed ones)."""

    serializer_class = DeadlineSerializer

    def get_queryset(self):
        rows = deadlines_for(self.request.user)
        if getattr(self, "action", None) == "list":
            closed = self.request.query_params.get("closed") in ("1", "true")
            rows = rows.filter(closed_at__isnull=not closed)
        return rows.order_by("due_at", "pk")


def register(router) -> None:
    router.register("deadlines", DeadlineViewSet, basename="deadline")
