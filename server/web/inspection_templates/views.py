"""Setup: inspection_templates (being built)."""

from server.web.pages import group, page, render

blp = group("inspection_templates")


@page(blp, "/inspection-templates")
def index():
    return render("inspection_templates/index.html")
