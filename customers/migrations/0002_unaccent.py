"""The hotline's customer search folds accents with PostgreSQL's `unaccent` ("Muller" finds
"Müller"); nothing on other databases."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [UnaccentExtension()]
