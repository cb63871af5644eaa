"""Template filters for kinerja.wording: `{{ name|sentence }}` ends a sentence with a name,
`{{ 3|quarter }}` writes "TW III"."""

from django import template

from .. import wording

register = template.Library()
register.filter("sentence", wording.sentence)
register.filter("quarter", wording.quarter)
register.filter("moment", wording.moment)
