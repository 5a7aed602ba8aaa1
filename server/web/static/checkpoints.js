// Vigil console, checkpoints: a click on the site plan fills in the form's latitude and longitude,
// and a typed position moves the plan's marker. Without this script the fields are typed.
// On a phone the plan is wider than the screen: start with its middle in view.
for (const frame of document.querySelectorAll(".plan-scroll")) {
  frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2;
}

(() => {
  const plan = document.querySelector("svg[data-pick]");
  if (!plan) return;
  const [latitude, longitude] = plan.dataset.pick.split(" ").map((id) => document.getElementById(id));
  const marker = plan.querySelector(".marker");
  const said = document.getElementById("plan-said");
  // The server's projection (plan.Frame): px from the top-left corner, north up.
  const north = Number(plan.dataset.north);
  const west = Number(plan.dataset.west);
  const perLat = Number(plan.dataset.pxPerDegLat);
  const perLon = Number(plan.dataset.pxPerDegLon);

  const show = (x, y) => {
    marker.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
    marker.removeAttribute("display");
  };

  plan.addEventListener("click", (event) => {
    const point = plan.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const at = point.matrixTransform(plan.getScreenCTM().inverse());
    latitude.value = (north - at.y / perLat).toFixed(6);
    longitude.value = (west + at.x / perLon).toFixed(6);
    show(at.x, at.y);
    if (said) said.textContent = `${said.dataset.placed || ""} ${latitude.value}, ${longitude.value}`.trim();
  });

  const typed = () => {
    const lat = Number.parseFloat(latitude.value);
    const lon = Number.parseFloat(longitude.value);
    if (Number.isFinite(lat) && Number.isFinite(lon)) show((lon - west) * perLon, (north - lat) * perLat);
    else marker.setAttribute("display", "none");
  };
  latitude.addEventListener("input", typed);
  longitude.addEventListener("input", typed);
})();
