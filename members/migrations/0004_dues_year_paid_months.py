# R-MB-07: the months each member has paid per year (members.DuesYear), kept by triggers on the payments
# and filled from the payments already recorded (issue 9).

import django.db.models.deletion
from django.db import migrations, models

# One bit per month: bit 0 = January … bit 11 = December. ``{rows}`` is a transition table of payments.
_MONTHS_BY_YEAR = """
    SELECT member_id, extract(year FROM month)::integer AS year,
           bit_or(1 << (extract(month FROM month)::integer - 1)) AS months
    FROM {rows} GROUP BY 1, 2
"""

# Statement-level triggers: one set-based statement per INSERT / UPDATE / DELETE on the payments, however
# many rows it touches (the demo data inserts 500,000 in one statement). Bits are added and removed rather than
# recomputed from a snapshot, so two transactions paying different months of one member at once lose nothing
# (ON CONFLICT and UPDATE see the other's committed row); a payment is unique per member and month, so a bit
# is set exactly when its payment exists; a year left with no month paid is deleted (its row holds 0 only
# between the two statements). Inserts take the rows in (member, year) order, so concurrent bulk inserts
# cannot deadlock.
FORWARD = f"""
CREATE FUNCTION members_dues_year_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE members_duesyear d SET paid_months = d.paid_months & ~o.months
        FROM ({_MONTHS_BY_YEAR.format(rows="old_payments")}) o
        WHERE d.member_id = o.member_id AND d.year = o.year;
        DELETE FROM members_duesyear d USING old_payments o
        WHERE d.member_id = o.member_id AND d.year = extract(year FROM o.month) AND d.paid_months = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO members_duesyear (member_id, year, paid_months)
        SELECT member_id, year, months FROM ({_MONTHS_BY_YEAR.format(rows="new_payments")}) n ORDER BY 1, 2
        ON CONFLICT (member_id, year)
        DO UPDATE SET paid_months = members_duesyear.paid_months | EXCLUDED.paid_months;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION members_dues_year_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM members_duesyear;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_dues_year_insert AFTER INSERT ON members_duespayment
    REFERENCING NEW TABLE AS new_payments FOR EACH STATEMENT EXECUTE FUNCTION members_dues_year_sync();
CREATE TRIGGER members_dues_year_update AFTER UPDATE ON members_duespayment
    REFERENCING OLD TABLE AS old_payments NEW TABLE AS new_payments
    FOR EACH STATEMENT EXECUTE FUNCTION members_dues_year_sync();
CREATE TRIGGER members_dues_year_delete AFTER DELETE ON members_duespayment
    REFERENCING OLD TABLE AS old_payments FOR EACH STATEMENT EXECUTE FUNCTION members_dues_year_sync();
CREATE TRIGGER members_dues_year_truncate AFTER TRUNCATE ON members_duespayment
    FOR EACH STATEMENT EXECUTE FUNCTION members_dues_year_clear();
"""

# The payments recorded before this migration (the triggers above hold off concurrent writers until commit).
FILL = f"""
INSERT INTO members_duesyear (member_id, year, paid_months)
SELECT member_id, year, months FROM ({_MONTHS_BY_YEAR.format(rows="members_duespayment")}) p ORDER BY 1, 2;
"""

BACKWARD = """
DROP TRIGGER members_dues_year_insert ON members_duespayment;
DROP TRIGGER members_dues_year_update ON members_duespayment;
DROP TRIGGER members_dues_year_delete ON members_duespayment;
DROP TRIGGER members_dues_year_truncate ON members_duespayment;
DROP FUNCTION members_dues_year_sync();
DROP FUNCTION members_dues_year_clear();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_search_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                (
                    "paid_months",
                    models.IntegerField(
                        help_text="第0位为1月，第11位为12月", verbose_name="已交月份（位图）"
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dues_years",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
            ],
            options={
                "verbose_name": "党费年度交纳情况（派生）",
                "verbose_name_plural": "党费年度交纳情况（派生）",
                "constraints": [
                    models.UniqueConstraint(fields=("member", "year"), name="uniq_dues_year_member_year"),
                    models.CheckConstraint(
                        condition=models.Q(("paid_months__gte", 0), ("paid_months__lte", 4095)),
                        name="dues_year_months_mask",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
