"""Setup: schedules (being built)."""

from server.web.pages import group, page, render

blp = group("schedules")


@page(blp, "/schedules")
def index():
    return render("schedules/index.html")
