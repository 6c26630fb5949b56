"""Admin: the administrator edits the service catalog (R-SV-16); matters and cases are changed only through the
desk operations, so their admin pages are read-only."""

from django.contrib import admin

from core.access import is_admin
from services.models import AccountabilityCase, Appointment, Complaint, Matter, MatterChange, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "limit_working_days", "fee_amount", "is_agent_service", "is_active"]
    list_filter = ["kind", "is_active", "is_agent_service"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    has_add_permission = has_change_permission

    def has_delete_permission(self, request, obj=None):
        return False  # matters keep pointing at their service; retire a service with "在用" instead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MatterChangeInline(admin.TabularInline):
    model = MatterChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_state", "to_state", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = [
        "receipt_number",
        "kind",
        "state",
        "applicant_name",
        "first_contact",
        "deadline_at",
        "overdue_at",
    ]
    list_filter = ["state", "kind", "year"]
    search_fields = ["receipt_number", "applicant_name"]
    inlines = [MatterChangeInline]


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "matter", "responsible", "state", "violation", "opened_at"]
    list_filter = ["state"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["pk", "complainant_name", "against_staff", "state", "received_at"]
    list_filter = ["state"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "scheduled_at", "door_to_door", "assigned_staff", "state"]
    list_filter = ["state", "door_to_door"]
