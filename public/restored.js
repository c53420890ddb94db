// Pages the browser would show as they were, rendered afresh instead.
(function () {
  var leaving = false;
  function afresh() {
    leaving = true;
    location.reload();
  }
  // A page brought back from the back/forward cache is the page as it was
  // when it was left: its lists, statuses and buttons stale, its socket
  // closed meanwhile.
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) afresh();
  });
  // Back or Forward to another entry of this page's own history (the app
  // moves between pages without loading them) before the app is live: the
  // address changes but the page shown is still the one the server sent
  // for the old one, and hydrating it as the new one fails. Quick Back
  // presses after a full load did exactly this.
  window.addEventListener('popstate', function () {
    if (!window.__mealstreamHydrated) afresh();
  });
  // What was still loading when the page went (the app's wasm) fails as
  // it goes: that is no error of the page's. But the reload may itself
  // be cut short by another Back or Forward within this page's history,
  // and the page then stays without its app: load it again.
  window.addEventListener('unhandledrejection', function (e) {
    if (!leaving) return;
    e.preventDefault();
    setTimeout(function () {
      if (!window.__mealstreamHydrated) location.reload();
    }, 500);
  });
})();
