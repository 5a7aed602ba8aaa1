"""The inspection setup pages' blueprint, shared by the templates, limits and schedules views."""

from server.web.inspection_templates.names import WORDS
from server.web.pages import group

blp = group("inspection_templates")
blp.context_processor(lambda: WORDS)
