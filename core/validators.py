from django.core.validators import RegexValidator

wikidata_id = RegexValidator(r"^Q[1-9]\d*$", "A Wikidata id looks like Q12345.")
