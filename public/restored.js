// A page brought back from the browser's back/forward cache is the page
// as it was when it was left: its lists, statuses and buttons stale, its
// socket closed meanwhile. Render it afresh instead, as a reload would.
window.addEventListener('pageshow', function (e) {
  if (e.persisted) location.reload();
});
