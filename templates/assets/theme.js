/* detcat: applies the theme the reader chose before the page is painted, so that a page
   never flashes in the other theme. Without a choice the page follows the system setting. */
(function () {
  "use strict";
  try {
    var theme = window.localStorage.getItem("detcat-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (e) {
    /* Storage can be refused (file:// pages in some browsers, private windows): follow the system. */
  }
})();
