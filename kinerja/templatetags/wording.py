"""Template filters for kinerja.wording: `{{ name|sentence }}` ends a sentence with a name."""

from django import template

from .. import wording

register = template.Library()
register.filter("sentence", wording.sentence)
