// Added by `detcat serve` to the pages it serves (never to built files): asks the server
// for the build version and reloads the page once a rebuild has changed it.
(function () {
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  function poll() {
    fetch("/__detcat/version", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : version; })
      .then(function (current) {
        if (current.trim() !== version) {
          location.reload();
        } else {
          setTimeout(poll, 500);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
