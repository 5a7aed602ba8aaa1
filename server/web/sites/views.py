"""Setup: sites (being built)."""

from server.web.pages import group, page, render

blp = group("sites")


@page(blp, "/sites")
def index():
    return render("sites/index.html")
