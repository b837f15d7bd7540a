// While the ticket is open, ask every few seconds whether it changed and reload when it did,
// unless the person is typing into a form on the page.
(function () {
  'use strict';
  var marker = document.getElementById('refresh');
  if (!marker || !marker.dataset.versionHref) return;
  var href = marker.dataset.versionHref;
  var seq = Number(marker.dataset.seq || 0);
  var typing = function () {
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return true;
    return Array.prototype.some.call(document.querySelectorAll('textarea, input[type=radio]'), function (el) {
      return el.type === 'radio' ? el.checked : el.value.trim() !== '';
    });
  };
  var check = function () {
    fetch(href, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (v) {
        if (v && v.seq !== seq && !typing()) window.location.reload();
        else window.setTimeout(check, 4000);
      })
      .catch(function () {
        window.setTimeout(check, 15000);
      });
  };
  window.setTimeout(check, 4000);
})();
