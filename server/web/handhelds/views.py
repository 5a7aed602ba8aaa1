"""Setup: handhelds (being built)."""

from server.web.pages import group, page, render

blp = group("handhelds")


@page(blp, "/handhelds")
def index():
    return render("handhelds/index.html")
