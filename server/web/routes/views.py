"""Setup: routes (being built)."""

from server.web.pages import group, page, render

blp = group("routes")


@page(blp, "/routes")
def index():
    return render("routes/index.html")
