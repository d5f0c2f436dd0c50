// Buttons that open the theme's search (the 404 page's "Search the site"): the same as
// pressing "/", for readers who do not know the shortcut or use no keyboard.
export function wireSearchButtons(root = document) {
  root.querySelectorAll("[data-errata-open-search]").forEach((button) => {
    if (button.dataset.errataWired) return;
    button.dataset.errataWired = "1";
    button.addEventListener("click", () => {
      const toggle = document.getElementById("__search");
      const query = document.querySelector('[data-md-component="search-query"]');
      if (!toggle || !query) return;
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
      query.focus();
    });
  });
}
