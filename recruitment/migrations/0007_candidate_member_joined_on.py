# R-RC-05 / R-RC-17 / R-RC-19: ``Candidate.member_joined_on``, the joining date of the candidate's member record
# (``candidate.member.joined_on``: the branch meeting's resolution, from which probation and the probationary
# member's thought reports are counted) kept on the candidate by the database (issue 21): the 工作台 and the
# statistics compare a column instead of looking the member up once per probationary candidate in each flag.
#
# - Before a candidate row is written with another member, or with a value that differs from the stored one (a
#   stale instance saved by Django, a hand edit, a new row), the value is read from the member record (one
#   primary-key probe), so only the truth is ever stored.
# - After a member row's joining date changes, its candidate (if any) gets the new date.
# - Existing candidates are filled from their member records.
# tests/reports/test_tally_equivalence.py proves the column equal to the member's date after every kind of write.

from django.db import migrations, models

FILL = """
UPDATE recruitment_candidate c SET member_joined_on = m.joined_on
FROM members_member m WHERE m.id = c.member_id;
"""

FORWARD = """
CREATE FUNCTION recruitment_candidate_member_joined_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.member_id IS DISTINCT FROM OLD.member_id
            OR NEW.member_joined_on IS DISTINCT FROM OLD.member_joined_on THEN
        NEW.member_joined_on := (SELECT joined_on FROM members_member WHERE id = NEW.member_id);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER recruitment_candidate_member_joined_on BEFORE INSERT OR UPDATE OF member_id, member_joined_on
    ON recruitment_candidate FOR EACH ROW EXECUTE FUNCTION recruitment_candidate_member_joined_on();

CREATE FUNCTION recruitment_member_joined_on_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE recruitment_candidate SET member_joined_on = NEW.joined_on
    WHERE member_id = NEW.id AND member_joined_on IS DISTINCT FROM NEW.joined_on;
    RETURN NULL;
END;
$$;
CREATE TRIGGER recruitment_member_joined_on_changed AFTER UPDATE OF joined_on ON members_member
    FOR EACH ROW WHEN (OLD.joined_on IS DISTINCT FROM NEW.joined_on)
    EXECUTE FUNCTION recruitment_member_joined_on_changed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS recruitment_member_joined_on_changed ON members_member;
DROP FUNCTION IF EXISTS recruitment_member_joined_on_changed();
DROP TRIGGER IF EXISTS recruitment_candidate_member_joined_on ON recruitment_candidate;
DROP FUNCTION IF EXISTS recruitment_candidate_member_joined_on();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0006_candidate_activist_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="member_joined_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="党员档案入党日期（派生）"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
