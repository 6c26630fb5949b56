from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员管理"

    def ready(self) -> None:
        from core.registry import register_archive_section, register_id_number_holder
        from members import status, timeline  # noqa: F401  (status registers its table, core.transitions)
        from members.documents import archive_parts

        timeline.register()
        register_archive_section(archive_parts)
        register_id_number_holder(self.get_model("Member"), param="member", label="党员")

        # Reminders that reach people (core/reminders.py), found by the same predicates as the 工作台.
        from core.registry import register_reminder
        from members import reminders

        for source in reminders.SOURCES:
            register_reminder(source)

        # Scanned paper materials (core.attachments): a member's archive materials, a meeting's sign-in sheet
        # and photos.
        from django.urls import reverse

        from core.registry import register_attachable, register_file_items
        from members import file_items

        register_attachable(
            self.get_model("Member"),
            label="党员档案",
            kinds=file_items.MEMBER_KINDS,
            scope_field="organization",
            page=lambda member: reverse("members:detail", args=[member.pk]),
        )
        register_attachable(
            self.get_model("Meeting"),
            label="组织生活会议",
            kinds=file_items.MEETING_KINDS,
            scope_field="organization",
            page=lambda meeting: reverse("members:meeting", args=[meeting.pk]),
        )
        register_file_items(file_items.member_file_items)
