/* Progressive enhancement only: every page works without this file.
   - upload forms ([data-upload]) show a <progress> bar while sending (XMLHttpRequest upload
     events); if anything goes wrong the form falls back to a normal submit.
   - the betrokkene form shows only the fieldsets that fit the chosen type.
   - selectielijst matches can fill the selectielijstklasse field. */
(function () {
  "use strict";

  function enhanceUpload(form) {
    var box = form.querySelector("[data-upload-voortgang]");
    if (!box || !window.XMLHttpRequest || !window.FormData) { return; }
    var bar = box.querySelector("progress");
    var text = box.querySelector(".voortgang__tekst");
    var busy = false;

    form.addEventListener("submit", function (event) {
      if (busy) { event.preventDefault(); return; }
      var xhr;
      try {
        xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
      } catch (e) {
        return; // normal submit
      }
      event.preventDefault();
      busy = true;
      box.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          bar.value = pct;
          text.textContent = pct + "%";
        }
      });
      xhr.addEventListener("load", function () {
        // Show the server's answer as the browser would have: the zaak page after success
        // (its confirmation included), or the form again with its error summary.
        var url = xhr.responseURL || form.action;
        if (window.history && window.history.replaceState && url !== window.location.href) {
          window.history.replaceState(null, "", url);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        busy = false;
        box.hidden = true;
        form.submit(); // fall back to a normal submit
      });
      xhr.send(new FormData(form));
    });
  }

  function enhanceBetrokkene(form) {
    var type = form.querySelector("select[name=type]");
    if (!type) { return; }
    var sets = form.querySelectorAll("fieldset[data-voor-type]");
    function update() {
      for (var i = 0; i < sets.length; i++) {
        var types = sets[i].getAttribute("data-voor-type").split(" ");
        sets[i].hidden = types.indexOf(type.value) === -1;
      }
    }
    type.addEventListener("change", update);
    update();
  }

  // The selectielijst matches on a zaaktype page get a "Kies" button that fills the
  // selectielijstklasse field of the resultaattype form (without JS: type the number).
  function enhanceSelectielijst() {
    var field = document.getElementById("resultaattype-selectielijstklasse");
    if (!field) { return; }
    var buttons = document.querySelectorAll("button[data-kies-klasse]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        field.value = event.currentTarget.getAttribute("data-kies-klasse");
        field.focus();
      });
    }
  }

  function focusErrors() {
    var summary = document.getElementById("foutoverzicht");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) { enhanceUpload(forms[i]); }
    var b = document.querySelector("form[data-betrokkene-form]");
    if (b) { enhanceBetrokkene(b); }
    enhanceSelectielijst();
    focusErrors();
  });
})();
