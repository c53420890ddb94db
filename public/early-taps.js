// Taps that land before the app is live. Until the wasm has hydrated the
// page (seconds on a slow phone), a server-rendered button has no handler
// and a tap on it would do nothing. This holds such taps, marks the
// button busy, and taps it again once the app is live: hydration keeps
// the same elements. A button tapped twice is tapped again once. A
// form's submit button with an `action` works without the app (the form
// posts), so it is left alone, as are links. A press on a hold-to-confirm
// button (`data-hold`) is held too, as a finger held down may never make
// a click: it counts for nothing (the hold was not timed), and the tap
// replayed makes the button say to hold again.
(function () {
  var held = [];
  function hold(e) {
    if (window.__mealstreamHydrated) return;
    var button = e.target instanceof Element ? e.target.closest('button') : null;
    if (!button || button.disabled) return;
    if (e.type === 'pointerdown' && !button.hasAttribute('data-hold')) return;
    if (button.type === 'submit' && button.form && button.form.hasAttribute('action')) return;
    e.preventDefault();
    e.stopPropagation();
    if (held.indexOf(button) < 0) held.push(button);
    button.setAttribute('aria-busy', 'true');
  }
  document.addEventListener('click', hold, true);
  document.addEventListener('pointerdown', hold, true);
  window.addEventListener('mealstream:hydrated', function () {
    document.removeEventListener('click', hold, true);
    document.removeEventListener('pointerdown', hold, true);
    var taps = held;
    held = [];
    taps.forEach(function (button) {
      button.removeAttribute('aria-busy');
      if (button.isConnected && !button.disabled) button.click();
    });
  }, { once: true });
})();
