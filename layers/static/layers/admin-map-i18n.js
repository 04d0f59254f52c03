// The admin maps' zoom buttons in the page's language: Leaflet titles them
// in English, and django-leaflet's catalogue does not name them. The texts
// come from JSON blocks of the widget's template (no inline code).
L.Map.addInitHook(function () {
  const text = (id) => {
    const block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  };
  const control = this.zoomControl;
  if (!control) {
    return;
  }
  for (const [button, id] of [
    [control._zoomInButton, "leaflet-zoom-in-title"],
    [control._zoomOutButton, "leaflet-zoom-out-title"],
  ]) {
    const title = text(id);
    if (button && title) {
      button.title = title;
      button.setAttribute("aria-label", title);
    }
  }
});
