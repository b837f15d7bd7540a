// One-stop entry: the contact details typed once are remembered on this phone and filled in next time.
(function () {
  'use strict';
  var KEY = 'echodesk.contact';
  var FIELDS = ['name', 'phone', 'email'];
  var saved = {};
  try {
    saved = JSON.parse(window.localStorage.getItem(KEY) || '{}') || {};
  } catch (e) {
    saved = {};
  }
  document.querySelectorAll('form.contact').forEach(function (form) {
    FIELDS.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && !input.value && typeof saved[name] === 'string') input.value = saved[name];
    });
    form.addEventListener('submit', function () {
      var contact = {};
      FIELDS.forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input) contact[name] = input.value.trim();
      });
      try {
        window.localStorage.setItem(KEY, JSON.stringify(contact));
      } catch (e) {
        /* storage may be off in private mode; the form still submits */
      }
      var button = form.querySelector('button[type="submit"]');
      if (button)
        window.setTimeout(function () {
          button.disabled = true;
        }, 0);
    });
  });
})();
