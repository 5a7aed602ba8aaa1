"""Field reports pages."""

from server.web.pages import group, page, render

blp = group("field_reports")


@page(blp, "/field-reports")
def index():
    return render("field_reports/index.html")
