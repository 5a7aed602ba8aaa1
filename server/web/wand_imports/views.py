"""Setup: wand_imports (being built)."""

from server.web.pages import group, page, render

blp = group("wand_imports")


@page(blp, "/wand-imports")
def index():
    return render("wand_imports/index.html")
