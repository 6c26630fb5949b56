"""Admin: look-up and the annual plan. Stages and records change only through the pages' operations."""

from django.contrib import admin

from core.access import sees_full_id_numbers
from core.admin_scope import ReadOnlyInline, ScopedModelAdmin
from core.audit import log_full_id_number_shown
from core.idnumbers import mask_id_number
from recruitment.models import Candidate, DevelopmentPlan, StageChange


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    extra = 0
    fields = ["decided_on", "action", "from_state", "to_state", "decided_by", "note", "by"]
    readonly_fields = fields


@admin.register(Candidate)
class CandidateAdmin(ScopedModelAdmin):
    """Secretaries and auditors see the ID number masked and cannot search by it; administrators and clerks
    see it in full, and each change form shown to them is logged (R-MB-04)."""

    list_display = ["name", "organization", "stage", "applied_on"]
    list_filter = ["stage", "organization"]
    search_fields = ["name", "id_number"]
    readonly_fields = ["stage", "member", "organization", "applied_on", "birth_date", "id_number"]
    inlines = [StageChangeInline]

    def get_search_fields(self, request):
        return self.search_fields if sees_full_id_numbers(request.user) else ["name"]

    def get_readonly_fields(self, request, obj=None):
        if sees_full_id_numbers(request.user):
            return self.readonly_fields
        return [f for f in self.readonly_fields if f != "id_number"] + ["masked_id_number"]

    def get_exclude(self, request, obj=None):
        return None if sees_full_id_numbers(request.user) else ["id_number"]

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            log_full_id_number_shown(request=request, person=obj)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def has_add_permission(self, request):
        return False  # through recruitment.records.candidate_create (the page), which checks R-RC-01

    def has_delete_permission(self, request, obj=None):
        return False  # its 志愿书 and file numbers are issued: a candidate is never deleted


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ScopedModelAdmin):
    """R-RC-24: the annual development plan per organisation."""

    list_display = ["organization", "year", "quota"]
    list_filter = ["year"]
