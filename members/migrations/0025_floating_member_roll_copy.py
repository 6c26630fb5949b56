# The member's status and organisation kept on members.FloatingMember (issue 21, R-MB-06), and the day the contact
# limits count from as a stored column, so that the 工作台 counts the floating members on the roll who are stale
# or lost contact from one partial index, by an index-only range scan, without looking up the roll.
#
# The copy is written only by the database, in the statement that writes the rows, whoever writes them:
# - a row trigger before a floating member is inserted or updated copies the member's status and organisation
#   (and so overwrites whatever the statement wrote there); on an insert or a change of member it reads the
#   member FOR SHARE, so that it waits for a transaction changing that member and reads what it committed (the
#   trigger below, in that transaction, could not yet see the new floating row);
# - a statement trigger after members are updated copies the status and organisation of those whose copy
#   differs (a change to anything else writes nothing). It locks the member rows first and the floating rows
#   second, in the order of the operations (members.floating locks the member, then its floating record).
# A member with a floating record cannot be deleted (PROTECT), and a member inserted has none yet.

import datetime

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION members_floatingmember_roll_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.member_id IS DISTINCT FROM OLD.member_id THEN
        SELECT m.status, m.organization_id INTO NEW.member_status, NEW.member_organization_id
        FROM members_member m WHERE m.id = NEW.member_id FOR SHARE;
    ELSE
        SELECT m.status, m.organization_id INTO NEW.member_status, NEW.member_organization_id
        FROM members_member m WHERE m.id = NEW.member_id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER members_floatingmember_roll_copy BEFORE INSERT OR UPDATE ON members_floatingmember
    FOR EACH ROW EXECUTE FUNCTION members_floatingmember_roll_copy();

CREATE FUNCTION members_member_floating_roll_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_floatingmember f
    SET member_status = n.status, member_organization_id = n.organization_id
    FROM new_rows n
    WHERE f.member_id = n.id
      AND (f.member_status, f.member_organization_id) IS DISTINCT FROM (n.status, n.organization_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_member_floating_roll_copy AFTER UPDATE ON members_member
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_member_floating_roll_copy();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS members_member_floating_roll_copy ON members_member;
DROP FUNCTION IF EXISTS members_member_floating_roll_copy();
DROP TRIGGER IF EXISTS members_floatingmember_roll_copy ON members_floatingmember;
DROP FUNCTION IF EXISTS members_floatingmember_roll_copy();
"""
# The rows recorded before this migration; also the rebuild the equivalence tests compare the copy with.
FILL = """
UPDATE members_floatingmember f SET member_status = m.status, member_organization_id = m.organization_id
FROM members_member m WHERE m.id = f.member_id
  AND (f.member_status, f.member_organization_id) IS DISTINCT FROM (m.status, m.organization_id);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_two_factor_devices_in_chinese"),
        ("members", "0024_roll_facet_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="floatingmember",
            name="member_organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.organization",
                verbose_name="所在党组织（派生）",
            ),
        ),
        migrations.AddField(
            model_name="floatingmember",
            name="member_status",
            field=models.CharField(
                choices=[
                    ("probationary", "预备党员"),
                    ("full", "正式党员"),
                    ("transferred_out", "已转出"),
                    ("deceased", "已去世"),
                    ("expelled", "开除党籍"),
                    ("removed", "除名/出党"),
                ],
                default="",
                editable=False,
                max_length=20,
                verbose_name="党员状态（派生）",
            ),
        ),
        migrations.AddField(
            model_name="floatingmember",
            name="unreached_since",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(lost_contact_since__isnull=False, then=models.Value(datetime.date(1, 1, 1))),
                    default=django.db.models.functions.comparison.Coalesce(
                        "last_contacted_on", "flowed_out_on"
                    ),
                ),
                output_field=models.DateField(),
                verbose_name="未联系起算日期",
            ),
        ),
        migrations.AddIndex(
            model_name="floatingmember",
            index=models.Index(
                condition=models.Q(
                    ("member_status__in", ("probationary", "full")), ("returned_on__isnull", True)
                ),
                fields=["unreached_since"],
                include=("member_organization", "id"),
                name="floating_unreached_on_roll",
            ),
        ),
        # after the index: the fill leaves deferred foreign-key checks pending
        migrations.RunSQL(FORWARD + FILL, BACKWARD),
    ]
