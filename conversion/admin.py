"""Admin: read-only views of every conversion record.

Changes go through the staff pages, which call the operations that enforce R-CV-01 … R-CV-11; the ledger in
particular has no add, change or delete path here (R-CV-05).
"""

from django.contrib import admin

from conversion import models
from core.admin_scope import ReadOnlyAdmin, ReadOnlyInline


class CaseRecordAdmin(ReadOnlyAdmin):
    scope_field = "case__original_organization"


@admin.register(models.ConversionCase)
class ConversionCaseAdmin(ReadOnlyAdmin):
    scope_field = "original_organization"
    list_display = ["member", "original_organization", "state", "balance", "opened_on", "transition_ends_on"]
    list_filter = ["state"]
    search_fields = ["member__name"]


@admin.register(models.LedgerEntry)
class LedgerEntryAdmin(CaseRecordAdmin):
    list_display = ["case", "recorded_at", "source", "amount", "balance_after", "reason", "recorded_by"]
    list_filter = ["source"]
    search_fields = ["case__member__name", "reason"]


@admin.register(models.ConversionTask)
class ConversionTaskAdmin(CaseRecordAdmin):
    list_display = ["title", "case", "assigned_on", "due_on", "status"]
    list_filter = ["status"]


@admin.register(models.CaseStateChange)
class CaseStateChangeAdmin(CaseRecordAdmin):
    list_display = ["case", "from_state", "to_state", "effective_on", "by"]


@admin.register(models.ThresholdCrossing)
class ThresholdCrossingAdmin(CaseRecordAdmin):
    list_display = ["case", "kind", "balance", "at"]
    list_filter = ["kind"]


@admin.register(models.CommitteeReferral)
class CommitteeReferralAdmin(CaseRecordAdmin):
    list_display = ["case", "state", "raised_at", "decided_on"]
    list_filter = ["state"]


class ParticipantInline(ReadOnlyInline):
    model = models.ReviewParticipant
    extra = 0


@admin.register(models.DemocraticReview)
class DemocraticReviewAdmin(CaseRecordAdmin):
    list_display = ["case", "scheduled_on", "state", "mean_score"]
    list_filter = ["state"]
    inlines = [ParticipantInline]


@admin.register(models.ReviewParticipant)
class ReviewParticipantAdmin(ReadOnlyAdmin):
    scope_field = "review__case__original_organization"
    list_display = ["name", "category", "village", "score", "review"]


@admin.register(models.TransitionObservation)
class TransitionObservationAdmin(CaseRecordAdmin):
    list_display = ["case", "observed_on", "misconduct"]


@admin.register(models.DisciplineReferral)
class DisciplineReferralAdmin(CaseRecordAdmin):
    list_display = ["case", "referred_on", "referred_to"]
