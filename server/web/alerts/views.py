"""Alert queue and alert pages."""

from server.web.pages import group, page, render

blp = group("alerts")


@page(blp, "/alerts")
def queue():
    return render("alerts/queue.html")
