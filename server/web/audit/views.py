"""Setup: audit (being built)."""

from server.web.pages import group, page, render

blp = group("audit")


@page(blp, "/audit")
def index():
    return render("audit/index.html")
