"""Admin: look-up and the annual plan. Stages and records change only through the pages' operations."""

from django.contrib import admin

from core.admin_scope import ScopedModelAdmin
from recruitment.models import Candidate, DevelopmentPlan, StageChange


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ["decided_on", "action", "from_stage", "to_stage", "decided_by", "reason", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(ScopedModelAdmin):
    list_display = ["name", "organization", "stage", "applied_on"]
    list_filter = ["stage", "organization"]
    search_fields = ["name", "id_number"]
    readonly_fields = ["stage", "member", "organization", "applied_on", "birth_date", "id_number"]
    inlines = [StageChangeInline]

    def has_add_permission(self, request):
        return False  # through recruitment.records.candidate_create (the page), which checks R-RC-01

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ScopedModelAdmin):
    """R-RC-24: the annual development plan per organisation."""

    list_display = ["organization", "year", "quota"]
    list_filter = ["year"]
